#!/usr/bin/env bash
# Applies the numbered server migrations in DIR, in order, as the owner role jett_owner (SET ROLE), each in its own
# transaction, skipping those already recorded in jett_schema_migrations. Safe to run again.
# On the VPS, as root and without arguments (install.sh runs it so): first brings the roles in line
# (postgres/init/10-jett-roles.sh, inside the postgres container), then applies migrations/ to the sync's database.
# Elsewhere (the tests, `jett demo`): ./apply-migrations.sh DIR PSQL-COMMAND... with a superuser psql command.
set -euo pipefail

# Any constant works, as long as every run uses it: two runs never migrate at once.
MIGRATION_LOCK=1785033844

die() {
  printf 'apply-migrations: %s\n' "$*" >&2
  exit 1
}

if (($# == 0)); then
  cd "$(dirname "${BASH_SOURCE[0]}")"
  [[ $(id -u) -eq 0 ]] || die "run as root: sudo $0"
  [[ -f env/postgres.env ]] || die "no env/postgres.env here: run it from the bundle folder (/opt/jett)"
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  else
    COMPOSE=(docker-compose)
  fi
  jett_db_name=$(grep '^JETT_DB_NAME=' env/postgres.env | cut -d= -f2-)
  # As uid 70 over the container's local socket, the one way the postgres superuser may log in (postgres/pg_hba.conf).
  "${COMPOSE[@]}" exec -T postgres bash /docker-entrypoint-initdb.d/10-jett-roles.sh ||
    die "the roles could not be brought in line: see the psql message above (after copying a new bundle, run install.sh, which restarts postgres with its env file)"
  set -- migrations "${COMPOSE[@]}" exec -T postgres psql -U postgres -d "$jett_db_name"
fi

(($# >= 2)) || {
  echo "usage: $0 [DIR PSQL-COMMAND...]" >&2
  exit 2
}
dir=$1
shift
[[ -d $dir ]] || die "no folder $dir"

shopt -s nullglob
for file in "$dir"/[0-9][0-9][0-9][0-9]_*.sql; do
  name=$(basename "$file" .sql)
  version=$((10#${name%%_*}))
  {
    cat <<SQL
SET ROLE jett_owner;
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
    # A migration that does not record itself would run again on every install: refuse it, and roll it back.
    cat <<SQL

DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM jett_schema_migrations WHERE version = $version) THEN
    RAISE EXCEPTION '$name did not record itself in jett_schema_migrations' USING HINT = 'end the file with its INSERT INTO jett_schema_migrations';
  END IF;
END \$\$;
COMMIT;
\echo $name: applied
\endif
SQL
  } | "$@" -q -X -v ON_ERROR_STOP=1 -f - || die "$name failed: see the psql message above; nothing of it was applied"
done
