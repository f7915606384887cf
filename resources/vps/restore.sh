#!/usr/bin/env bash
# Restores one part of a Jett backup. The backups are encrypted to a key that is not on the VPS: decrypt on the
# machine that holds it and pipe the plain stream in ("-"), so the private key never comes here:
#   age -d -i backup-identity.txt STAMP/postgres-jett.dump.age | ssh root@VPS /opt/jett/restore.sh postgres jett -
# Usage: restore.sh postgres DATABASE FILE|-     a pg_dump (DATABASE: JETT_DB_NAME of env/postgres.env, or n8n)
#        restore.sh qdrant COLLECTION FILE|-     a Qdrant collection snapshot (the collection is replaced)
#        restore.sh files FILE|-                 the tar of data/portainer and data/n8n (the old ones are kept aside)
set -euo pipefail

BUNDLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BUNDLE_DIR"
QDRANT_URL=${QDRANT_URL:-http://@@VPS_ADDRESS@@:6333}

die() {
  printf 'restore: error: %s\n' "$*" >&2
  exit 1
}
usage="usage: $0 postgres DATABASE FILE|- , $0 qdrant COLLECTION FILE|- , or $0 files FILE|- (see the top of $0)"
(($# >= 2)) || die "$usage"
[[ $(id -u) -eq 0 ]] || die "run as root: sudo $0 $*"
kind=$1
src=${!#}
[[ $src == - || -f $src ]] || die "no file $src: pass a decrypted backup file, or - to read it from stdin"
[[ $src != *.age ]] || die "$src is still encrypted: decrypt it where its key is (age -d -i KEYFILE $src) and pipe it in with -"
input() { if [[ $src == - ]]; then cat; else cat -- "$src"; fi; }
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  COMPOSE=(docker-compose)
fi

case $kind in
  postgres)
    (($# == 3)) || die "$usage"
    db=$2
    jett_db_name=$(grep '^JETT_DB_NAME=' env/postgres.env | cut -d= -f2-)
    case $db in
      # The sync's objects belong to the owner role the migrations run as, never to the desktop's login role.
      "$jett_db_name") owner=jett_owner ;;
      n8n) owner=n8n ;;
      *) die "unknown database $db: use $jett_db_name or n8n" ;;
    esac
    # n8n holds connections to its database and would write during the restore.
    [[ $db == n8n ]] && "${COMPOSE[@]}" stop n8n
    input | "${COMPOSE[@]}" exec -T postgres pg_restore --single-transaction --clean --if-exists --no-owner \
      --role="$owner" -U postgres -d "$db" || die "pg_restore failed: the database was left as it was"
    [[ $db == n8n ]] && "${COMPOSE[@]}" start n8n
    echo "restore: database $db restored"
    ;;
  qdrant)
    (($# == 3)) || die "$usage"
    collection=$2
    [[ $collection =~ ^[A-Za-z0-9_.-]+$ ]] || die "\"$collection\" is not a collection name"
    header=$(mktemp)
    trap 'rm -f "$header"' EXIT
    (umask 077 && printf 'api-key: %s\n' "$(grep '^QDRANT__SERVICE__API_KEY=' env/qdrant.env | cut -d= -f2-)" >"$header")
    input | curl --fail --silent --show-error --max-time 3600 --header "@$header" \
      --form 'snapshot=@-;filename=restore.snapshot' "$QDRANT_URL/collections/$collection/snapshots/upload?priority=snapshot" >/dev/null ||
      die "Qdrant refused the snapshot: see the message above"
    echo "restore: Qdrant collection $collection restored"
    ;;
  files)
    (($# == 2)) || die "$usage"
    aside=data/before-restore-$(date -u +%Y%m%dT%H%M%SZ)
    install -d -m 700 "$aside"
    "${COMPOSE[@]}" stop portainer n8n
    for d in portainer n8n; do
      if [[ -e data/$d ]]; then mv "data/$d" "$aside/$d"; fi
    done
    # Only the two folders are taken from the archive; tar keeps their owners (uid 1000) and refuses "..".
    input | tar -C data -xf - portainer n8n || die "the archive could not be unpacked; the old folders are in $aside"
    "${COMPOSE[@]}" start portainer n8n
    echo "restore: data/portainer and data/n8n restored; the previous ones are in $aside"
    ;;
  *) die "$usage" ;;
esac
