#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database, then
# start Insigne on it with the same MASTER_KEY as when the backup was made.
# Usage: DATABASE_URL=postgres://…/new_database scripts/restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the (empty) database to restore into}"
file=${1:?Give the backup file to restore}
tables=$(psql "$DATABASE_URL" -Atc "select count(*) from information_schema.tables where table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "The target database is not empty ($tables tables): restore into a new database." >&2
  exit 2
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$file"
echo "Restored $file. Start Insigne with DATABASE_URL pointing here and the MASTER_KEY of the backup."
