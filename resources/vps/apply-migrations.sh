#!/usr/bin/env bash
# Applies the numbered server migrations in DIR, in order, through the psql command given after DIR, skipping
# those already recorded in jett_schema_migrations. Safe to run again, and alongside the desktop's own runner.
# Usage: ./apply-migrations.sh migrations docker compose exec -T postgres psql -U jett -d jett
set -euo pipefail

# The desktop's migration runner takes the same advisory lock, so the two never migrate at once.
MIGRATION_LOCK=1785033844

(($# >= 2)) || {
  echo "usage: $0 DIR PSQL-COMMAND..." >&2
  exit 2
}
dir=$1
shift
[[ -d $dir ]] || {
  echo "apply-migrations: no folder $dir" >&2
  exit 1
}

shopt -s nullglob
for file in "$dir"/[0-9][0-9][0-9][0-9]_*.sql; do
  name=$(basename "$file" .sql)
  version=$((10#${name%%_*}))
  {
    cat <<SQL
SELECT pg_advisory_lock($MIGRATION_LOCK) AS locked \gset
SELECT to_regclass('jett_schema_migrations') IS NOT NULL AS has_table \gset
\if :has_table
SELECT EXISTS (SELECT 1 FROM jett_schema_migrations WHERE version = $version) AS done \gset
\else
\set done false
\endif
\if :done
\echo $name: already applied
\else
BEGIN;
SQL
    cat "$file"
    cat <<SQL

COMMIT;
\echo $name: applied
\endif
SQL
  } | "$@" -q -X -v ON_ERROR_STOP=1 -f - || {
    echo "apply-migrations: $name failed" >&2
    exit 1
  }
done
