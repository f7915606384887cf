#!/usr/bin/env bash
# Encrypted backups of the Jett stack, run on the VPS as root by jett-backup.timer (install.sh sets it up, every
# @@BACKUP_HOURS@@ hours). Each run writes data/backups/STAMP/ with, each encrypted with age to the public key in
# backup/recipients.txt (its private key is not on the VPS): a pg_dump of each database, a Qdrant snapshot of
# each collection (through Qdrant's snapshot API), and a tar of Portainer's and n8n's data folders. Nothing is
# written unencrypted. Runs older than BACKUP_KEEP_DAYS days are deleted. Restore with ../restore.sh.
set -euo pipefail

BUNDLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$BUNDLE_DIR"
BACKUP_DIR=${BACKUP_DIR:-$BUNDLE_DIR/data/backups}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-@@BACKUP_DAYS@@}
QDRANT_URL=${QDRANT_URL:-http://@@VPS_ADDRESS@@:6333}
RECIPIENTS=$BUNDLE_DIR/backup/recipients.txt
umask 077

say() { printf 'backup: %s\n' "$*"; }
die() {
  printf 'backup: error: %s\n' "$*" >&2
  exit 1
}
for cmd in age curl tar docker; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is missing: apt-get install age curl (install.sh does)"
done
[[ -s $RECIPIENTS ]] || die "no $RECIPIENTS: copy the whole bundle that \`jett vps bundle\` wrote"
[[ $BACKUP_KEEP_DAYS =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS must be a whole number of days"
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  COMPOSE=(docker-compose)
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
install -d -m 700 "$BACKUP_DIR"
work="$BACKUP_DIR/.$stamp.partial"
install -d -m 700 "$work"
# The Qdrant API key goes to curl in a 0600 header file, never on a command line.
header=$(mktemp)
portainer_stopped=0
cleanup() {
  rm -f "$header"
  rm -rf "$work"
  if ((portainer_stopped)); then "${COMPOSE[@]}" start portainer >/dev/null || true; fi
}
trap cleanup EXIT

seal() { # NAME: encrypts stdin to $work/NAME.age
  age --encrypt --recipients-file "$RECIPIENTS" --output "$work/$1.age"
}

# --- PostgreSQL: one dump per database, as the read-only role jett_backup over the container's own socket --------
# Its password is the container's own JETT_BACKUP_DB_PASSWORD (env/postgres.env): the single quotes leave it to the
# shell inside the container, so it is never on this host's command lines (postgres/pg_hba.conf: local, SCRAM).
# shellcheck disable=SC2016
dump_as_backup_role='export PGPASSWORD="$JETT_BACKUP_DB_PASSWORD"; exec pg_dump -U jett_backup --format=custom --dbname="$1"'
jett_db=$(grep '^JETT_DB_NAME=' env/postgres.env | cut -d= -f2-)
for db in "$jett_db" n8n; do
  "${COMPOSE[@]}" exec -T postgres sh -c "$dump_as_backup_role" sh "$db" | seal "postgres-$db.dump" ||
    die "pg_dump of $db failed; the earlier backups are kept"
done

# --- Qdrant: a snapshot of each collection, downloaded, then deleted from the VPS's snapshot folder -----------
printf 'api-key: %s\n' "$(grep '^QDRANT__SERVICE__API_KEY=' env/qdrant.env | cut -d= -f2-)" >"$header"
qdrant() { curl --fail --silent --show-error --max-time 900 --header "@$header" "$@"; }
json_names() { grep -o '"name":"[^"]*"' | cut -d'"' -f4; }
collections=$(qdrant "$QDRANT_URL/collections" | json_names) || die "Qdrant did not list its collections at $QDRANT_URL"
for c in $collections; do
  [[ $c =~ ^[A-Za-z0-9_.-]+$ ]] || die "Qdrant collection name \"$c\" cannot be used in a file name"
  snap=$(qdrant -X POST "$QDRANT_URL/collections/$c/snapshots?wait=true" | json_names | head -n 1)
  [[ -n $snap ]] || die "Qdrant made no snapshot of $c"
  qdrant "$QDRANT_URL/collections/$c/snapshots/$snap" | seal "qdrant-$c.snapshot" || die "downloading the snapshot of $c failed"
  qdrant -X DELETE "$QDRANT_URL/collections/$c/snapshots/$snap" >/dev/null || say "could not delete the snapshot $snap of $c on the VPS"
done

# --- files: Portainer's data (stopped for a consistent database file) and n8n's folder -------------------------
"${COMPOSE[@]}" stop portainer >/dev/null
portainer_stopped=1
tar -C "$BUNDLE_DIR/data" -cf - portainer n8n | seal files.tar || die "tar of data/portainer and data/n8n failed"
"${COMPOSE[@]}" start portainer >/dev/null
portainer_stopped=0

mv "$work" "$BACKUP_DIR/$stamp"
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*Z' -mtime +"$BACKUP_KEEP_DAYS" -exec rm -rf {} +
say "wrote $BACKUP_DIR/$stamp ($(cd "$BACKUP_DIR/$stamp" && echo *))"
