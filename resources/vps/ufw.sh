#!/usr/bin/env bash
# Firewall of the Jett VPS: deny incoming, allow outgoing, allow SSH and WireGuard only. Idempotent.
# SSH_PORT (default 22) and WG_PORT (default 51820) change the two open ports.
set -euo pipefail

SSH_PORT=${SSH_PORT:-22}
WG_PORT=${WG_PORT:-51820}
command -v ufw >/dev/null 2>&1 || {
  echo "ufw.sh: ufw is not installed: apt-get install ufw" >&2
  exit 1
}
[[ $SSH_PORT =~ ^[0-9]+$ && $WG_PORT =~ ^[0-9]+$ ]] || {
  echo "ufw.sh: SSH_PORT and WG_PORT must be port numbers" >&2
  exit 2
}

ufw default deny incoming
ufw default allow outgoing
# SSH first, so enabling the firewall never locks out the session that runs this.
ufw limit "$SSH_PORT/tcp" comment 'SSH (rate-limited)'
ufw allow "$WG_PORT/udp" comment 'WireGuard'
ufw --force enable
ufw status verbose
