#!/usr/bin/env bash
# `npm run db:check`: the migrations are consistent (drizzle-kit check), and
# they hold all of src/db/schema.ts. drizzle-kit check alone reads only the
# migrations' own history, so a schema change someone forgot to generate
# passes it: here a migration is generated into a throwaway copy of
# migrations/, and any file it would write means schema and migrations differ.
set -euo pipefail
cd "$(dirname "$0")/.."

npx drizzle-kit check </dev/null

copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r migrations/. "$copy"
# drizzle-kit reads --out relative to the working directory.
out=$(npx drizzle-kit generate --dialect postgresql --schema ./src/db/schema.ts --out "$(realpath --relative-to=. "$copy")" </dev/null 2>&1) || {
  echo "$out"
  exit 1
}
# It exits 0 even when it fails (or would ask a question), so its answer is read too.
if ! diff -rq migrations "$copy" >/dev/null || ! grep -q 'No schema changes' <<<"$out"; then
  echo "$out"
  echo 'src/db/schema.ts and migrations/ differ: run `npm run db:generate` and commit the migration it writes.' >&2
  exit 1
fi
echo 'Schema and migrations agree.'
