#!/usr/bin/env bash
# Backs up an Insigne platform on PostgreSQL: the whole database, in
# pg_dump's custom format. Usage: DATABASE_URL=postgres://… scripts/backup.sh [FILE]
#
# The master key (MASTER_KEY) is NOT in the dump, on purpose: keep it in your
# secret manager and make sure a copy of it goes with every backup, or the
# signing keys in the dump cannot be read.
set -euo pipefail
: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
file=${1:-insigne-$(date -u +%Y%m%dT%H%M%SZ).dump}
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$DATABASE_URL"
echo "Backed up to $file ($(du -h "$file" | cut -f1)). Keep MASTER_KEY with it."
