#!/bin/sh
# The backup service's loop (runs in its own container as uid 70): a pg_dump of each database every
# BACKUP_INTERVAL_S seconds into /backups, keeping BACKUP_KEEP_DAYS days. Restore with ../restore.sh.
set -eu
: "${BACKUP_DATABASES:?}" "${BACKUP_INTERVAL_S:?}" "${BACKUP_KEEP_DAYS:?}"
umask 077

# docker stop sends TERM to PID 1, which a shell ignores unless it traps it.
trap 'exit 0' TERM INT

dump_all() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  for db in $BACKUP_DATABASES; do
    partial="/backups/.$db-$stamp.partial"
    # A dump is renamed into place only when complete, so a *.dump file is never half written.
    if pg_dump --format=custom --dbname="$db" --file="$partial"; then
      mv "$partial" "/backups/$db-$stamp.dump"
      echo "backup: wrote $db-$stamp.dump"
    else
      rm -f "$partial"
      echo "backup: pg_dump of $db failed; the previous dumps are kept" >&2
    fi
  done
  find /backups -maxdepth 1 -name '*.dump' -mtime +"$BACKUP_KEEP_DAYS" -exec rm -f {} \;
}

while :; do
  dump_all
  sleep "$BACKUP_INTERVAL_S" &
  wait $!
done
