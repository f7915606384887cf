#!/usr/bin/env bash
# Jett VPS installer: WireGuard (key made here), UFW, data folders, the Docker stack, the database schema and n8n
# (credentials, workflows, activation, owner account), all from this bundle. Run as root from the bundle folder
# (/opt/jett). Safe to run again.
set -euo pipefail

BUNDLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BUNDLE_DIR"

# JETT_INSTALL_ROOT puts the /etc files under another root (the tests' sandbox); it is empty on a real VPS.
ETC=${JETT_INSTALL_ROOT:-}/etc
VPS_KEY=$ETC/wireguard/jett-vps.key
WG_CONF=$ETC/wireguard/wg0.conf

say() { printf 'install: %s\n' "$*"; }
die() {
  printf 'install: error: %s\n' "$*" >&2
  exit 1
}

# --- 1. prerequisites -------------------------------------------------------------------------------------------
[[ $(id -u) -eq 0 ]] || die "run as root: sudo ./install.sh"
# age (the backups' encryption) and curl (Qdrant's snapshot API) come from the distribution's own archive.
if ! command -v age >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing age and curl"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq age curl >/dev/null ||
      die "apt-get install age curl failed: run it yourself (apt-get update first), then install.sh again"
  fi
fi
missing=()
for cmd in docker wg wg-quick ufw iptables systemctl getent install cmp age curl; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
((${#missing[@]} == 0)) || die "missing ${missing[*]}: apt-get install wireguard-tools ufw iptables age curl, and Docker Engine (https://docs.docker.com/engine/install/)"
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
else
  die "Docker Compose is missing: apt-get install docker-compose-plugin"
fi
docker info >/dev/null 2>&1 || die "the Docker daemon is not running: systemctl enable --now docker"
for f in docker-compose.yml .env env/postgres.env env/n8n.env env/qdrant.env env/desktop.env env/n8n-owner.env secrets/portainer-admin-password \
  backup/recipients.txt wireguard/wg0.conf ufw.sh restore.sh apply-migrations.sh n8n-setup.sh qdrant-setup.sh backup/backup.sh postgres/init/10-jett-roles.sh postgres/pg_hba.conf; do
  [[ -f $f ]] || die "bundle file $f is missing: copy the whole folder that \`jett vps bundle\` wrote"
done
DOCKER_GID=$(getent group docker | cut -d: -f3)
[[ -n $DOCKER_GID ]] || die "no docker group on this host: reinstall Docker Engine"

conf_value() { # KEY: the value of "KEY = VALUE" in the bundle's wg0.conf
  local line
  while IFS= read -r line; do
    if [[ $line =~ ^$1[[:space:]]*=[[:space:]]*(.+)$ ]]; then
      printf '%s\n' "${BASH_REMATCH[1]}"
      return 0
    fi
  done <wireguard/wg0.conf
  return 1
}
WG_PORT=$(conf_value ListenPort) || die "wireguard/wg0.conf has no ListenPort"
VPS_CIDR=$(conf_value Address) || die "wireguard/wg0.conf has no Address"
VPS_IP=${VPS_CIDR%%/*}

# --- 2. files and secrets ---------------------------------------------------------------------------------------
# Whoever unpacked it, the bundle (passwords included) belongs to root; data/ keeps each image's owner.
find . -path ./data -prune -o -exec chown root:root {} +
chmod 700 env secrets
chmod 600 .env env/*.env
# Bundles before the host-run backups had a backup container with its own password file; nothing reads it now.
rm -f env/backup.env
chmod 755 install.sh ufw.sh restore.sh apply-migrations.sh n8n-setup.sh qdrant-setup.sh backup/backup.sh postgres/init/10-jett-roles.sh

set_env() { # KEY VALUE: sets KEY in .env (compose's variables), keeping the other lines
  local tmp
  tmp=$(mktemp "$BUNDLE_DIR/.env.XXXXXX")
  grep -v "^$1=" .env >"$tmp" || true
  printf '%s=%s\n' "$1" "$2" >>"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" .env
}
set_env DOCKER_GID "$DOCKER_GID"
set_env JETT_DATA "$BUNDLE_DIR/data"

# Each data folder belongs to the uid its image runs as (postgres alpine 70, n8n/qdrant/portainer 1000).
install -d -m 755 data
install -d -m 700 -o 70 -g 70 data/postgres
install -d -m 700 -o 1000 -g 1000 data/n8n data/qdrant-storage data/qdrant-snapshots data/portainer
# The encrypted backups belong to root (backup/backup.sh runs as root on this host).
install -d -m 700 data/backups

# --- 2b. Portainer's admin password ---------------------------------------------------------------------------
# Portainer (uid 1000) reads it once, at its first start, to create its admin: no first visitor can claim it.
# Mounted read-only as a compose secret; only root and uid 1000 can read it (README: "Portainer").
chown 1000:1000 secrets/portainer-admin-password
chmod 400 secrets/portainer-admin-password

# --- 3. WireGuard -----------------------------------------------------------------------------------------------
install -d -m 700 "$ETC/wireguard"
if [[ ! -s $VPS_KEY ]]; then
  (umask 077 && wg genkey >"$VPS_KEY")
  say "made the VPS WireGuard key $VPS_KEY (it never leaves this machine)"
fi
chmod 600 "$VPS_KEY"
wg_changed=0
if ! cmp -s wireguard/wg0.conf "$WG_CONF"; then
  install -m 600 wireguard/wg0.conf "$WG_CONF"
  wg_changed=1
fi
systemctl enable wg-quick@wg0 >/dev/null 2>&1
if ! systemctl is-active --quiet wg-quick@wg0; then
  systemctl start wg-quick@wg0
elif ((wg_changed)); then
  systemctl restart wg-quick@wg0
fi
# Ports are published on the tunnel address, which exists only while wg0 is up: Docker must start after it.
install -d -m 755 "$ETC/systemd/system/docker.service.d"
dropin=$ETC/systemd/system/docker.service.d/jett-wireguard.conf
want=$'[Unit]\nWants=wg-quick@wg0.service\nAfter=wg-quick@wg0.service'
if [[ ! -f $dropin || $(<"$dropin") != "$want" ]]; then
  printf '%s\n' "$want" >"$dropin"
  systemctl daemon-reload
fi

# --- 4. firewall ------------------------------------------------------------------------------------------------
# ufw.sh also keeps Docker's published ports on $VPS_IP reachable from wg0 only (the DOCKER-USER chain).
WG_PORT=$WG_PORT VPS_IP=$VPS_IP ./ufw.sh

# --- 5. the stack -----------------------------------------------------------------------------------------------
say "starting the stack (first run pulls the images)"
"${COMPOSE[@]}" pull --quiet
"${COMPOSE[@]}" up -d --remove-orphans

wait_healthy() { # SERVICE...: waits up to 5 minutes for each container's healthcheck to pass
  local svc id status deadline=$((SECONDS + 300))
  for svc in "$@"; do
    while :; do
      id=$("${COMPOSE[@]}" ps -q "$svc")
      status=$(docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || echo starting)
      [[ $status == healthy ]] && break
      ((SECONDS < deadline)) || die "$svc is $status after 5 minutes: see \`${COMPOSE[*]} logs $svc\`"
      sleep 3
    done
    say "$svc is healthy"
  done
}
wait_healthy postgres qdrant n8n socket-proxy portainer

# --- 6. database roles and schema: roles brought in line, then the migrations as the owner role --------------------
./apply-migrations.sh || die "the database roles or schema could not be applied: see the message above"

# --- 6b. Qdrant: the collection the desktop projects its memory into (its vector size, cosine) ----------------------
./qdrant-setup.sh || die "the Qdrant collection could not be made: see the message above"

# --- 7. n8n: credentials, workflows, activation, owner ----------------------------------------------------------
# n8n-setup.sh imports the two credentials (from env/postgres.env and env/desktop.env, with the ids the workflows
# name) and the workflows, and activates them; n8n loads active workflows at its start, hence the restart. Then it
# creates n8n's owner account (env/n8n-owner.env). Until then only this host reaches n8n: it is published on the
# tunnel address and cloudflared routes /webhook/ paths only.
if compgen -G 'n8n/*.json' >/dev/null; then
  ./n8n-setup.sh import "${COMPOSE[@]}" exec -T n8n
  "${COMPOSE[@]}" restart n8n >/dev/null
  wait_healthy n8n
fi
./n8n-setup.sh owner "${COMPOSE[@]}" exec -T n8n

# --- 7b. encrypted backups every @@BACKUP_HOURS@@ hours (systemd timer running backup/backup.sh as root) -----------
units=$ETC/systemd/system
want_service=$'[Unit]\nDescription=Jett encrypted backup (PostgreSQL, Qdrant, Portainer, n8n)\nAfter=docker.service\nRequires=docker.service\n\n[Service]\nType=oneshot\nExecStart='"$BUNDLE_DIR"$'/backup/backup.sh'
want_timer=$'[Unit]\nDescription=Jett encrypted backup every @@BACKUP_HOURS@@ hours\n\n[Timer]\nOnBootSec=15min\nOnUnitActiveSec=@@BACKUP_HOURS@@h\nPersistent=true\n\n[Install]\nWantedBy=timers.target'
if [[ ! -f $units/jett-backup.service || ! -f $units/jett-backup.timer ||
  $(<"$units/jett-backup.service") != "$want_service" || $(<"$units/jett-backup.timer") != "$want_timer" ]]; then
  printf '%s\n' "$want_service" >"$units/jett-backup.service"
  printf '%s\n' "$want_timer" >"$units/jett-backup.timer"
  systemctl daemon-reload
fi
systemctl enable --now jett-backup.timer >/dev/null 2>&1
say "backups: every @@BACKUP_HOURS@@ hours into data/backups, encrypted to $(grep -v '^#' backup/recipients.txt)"

# --- 8. Cloudflare Tunnel (optional: needs cloudflared and the tunnel's credentials) ----------------------------
if command -v cloudflared >/dev/null 2>&1 && [[ -f $ETC/cloudflared/jett.json ]]; then
  if ! cmp -s cloudflared/config.yml "$ETC/cloudflared/config.yml"; then
    install -m 644 cloudflared/config.yml "$ETC/cloudflared/config.yml"
    systemctl list-unit-files cloudflared.service >/dev/null 2>&1 || cloudflared service install
    systemctl restart cloudflared
  fi
  say "cloudflared serves the hostnames in /etc/cloudflared/config.yml"
else
  say "cloudflared skipped: see \"Cloudflare Tunnel\" in README.md to expose webhooks"
fi

# --- done -------------------------------------------------------------------------------------------------------
VPS_PUB=$(wg pubkey <"$VPS_KEY")
GUESS_IP=$(ip -4 route get 192.0.2.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
say "done: the stack listens on $VPS_IP (WireGuard UDP $WG_PORT) only"
say "on the desktop, run:"
printf '\n  jett tunnel peer --public-key %s --endpoint %s:%s\n\n' "$VPS_PUB" "${GUESS_IP:-THIS_VPS_PUBLIC_IP}" "$WG_PORT"
