#!/bin/sh
# The backup service's loop (runs in its own container as uid 70): a pg_dump of each database every
# BACKUP_INTERVAL_S seconds into BACKUP_DIR (/backups), keeping BACKUP_KEEP_DAYS days. Restore with ../restore.sh.
set -eu
: "${BACKUP_DATABASES:?}" "${BACKUP_INTERVAL_S:?}" "${BACKUP_KEEP_DAYS:?}"
BACKUP_DIR=${BACKUP_DIR:-/backups}
umask 077

# docker stop sends TERM to PID 1, which a shell ignores unless it traps it; the sleep goes with it.
sleeper=
stop() {
  [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
  exit 0
}
trap stop TERM INT

dump_all() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  for db in $BACKUP_DATABASES; do
    partial="$BACKUP_DIR/.$db-$stamp.partial"
    # A dump is renamed into place only when complete, so a *.dump file is never half written.
    if pg_dump --format=custom --dbname="$db" --file="$partial"; then
      mv "$partial" "$BACKUP_DIR/$db-$stamp.dump"
      echo "backup: wrote $db-$stamp.dump"
    else
      rm -f "$partial"
      echo "backup: pg_dump of $db failed; the previous dumps are kept" >&2
    fi
  done
  find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' -mtime +"$BACKUP_KEEP_DAYS" -exec rm -f {} \;
}

while :; do
  dump_all
  sleep "$BACKUP_INTERVAL_S" &
  sleeper=$!
  wait "$sleeper"
  sleeper=
done
