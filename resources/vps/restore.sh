#!/usr/bin/env bash
# Restores one database of the Jett stack from a dump made by the backup service, in one transaction.
# Usage: ./restore.sh jett data/backups/jett-20260101T030000Z.dump   (or n8n and an n8n-*.dump)
set -euo pipefail

BUNDLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BUNDLE_DIR"

die() {
  printf 'restore: error: %s\n' "$*" >&2
  exit 1
}
(($# == 2)) || die "usage: $0 DATABASE DUMP-FILE (databases: the JETT_DB_NAME of env/postgres.env, or n8n)"
db=$1
dump=$2
[[ -f $dump ]] || die "no dump file $dump (the backups are in data/backups)"
[[ $(id -u) -eq 0 ]] || die "run as root: sudo $0 $*"
jett_db_name=$(grep '^JETT_DB_NAME=' env/postgres.env | cut -d= -f2-)
case $db in
  # The sync's objects belong to the owner role the migrations run as, never to the desktop's login role.
  "$jett_db_name") owner=jett_owner ;;
  n8n) owner=n8n ;;
  *) die "unknown database $db: use $jett_db_name or n8n" ;;
esac
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  COMPOSE=(docker-compose)
fi

# n8n holds connections to its database and would write during the restore.
[[ $db == n8n ]] && "${COMPOSE[@]}" stop n8n
"${COMPOSE[@]}" exec -T postgres pg_restore --single-transaction --clean --if-exists --no-owner \
  --role="$owner" -U postgres -d "$db" <"$dump" || die "pg_restore failed: the database was left as it was"
[[ $db == n8n ]] && "${COMPOSE[@]}" start n8n
echo "restore: $db restored from $dump"
