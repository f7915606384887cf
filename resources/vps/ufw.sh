#!/usr/bin/env bash
# Firewall of the Jett VPS: deny incoming, allow outgoing, allow SSH and WireGuard only; and, since Docker's
# published ports bypass ufw, a DOCKER-USER rule that lets traffic to the tunnel address in from wg0 only.
# Idempotent. SSH_PORT (default 22) and WG_PORT (default 51820) change the two open ports; VPS_IP (default
# @@VPS_ADDRESS@@) is the tunnel address the stack publishes its ports on.
set -euo pipefail

SSH_PORT=${SSH_PORT:-22}
WG_PORT=${WG_PORT:-51820}
VPS_IP=${VPS_IP:-@@VPS_ADDRESS@@}
AFTER_RULES=${JETT_INSTALL_ROOT:-}/etc/ufw/after.rules
command -v ufw >/dev/null 2>&1 || {
  echo "ufw.sh: ufw is not installed: apt-get install ufw" >&2
  exit 1
}
[[ $SSH_PORT =~ ^[0-9]+$ && $WG_PORT =~ ^[0-9]+$ ]] || {
  echo "ufw.sh: SSH_PORT and WG_PORT must be port numbers" >&2
  exit 2
}
[[ $VPS_IP =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || {
  echo "ufw.sh: VPS_IP must be the IPv4 tunnel address, e.g. 10.0.0.2" >&2
  exit 2
}

# Docker publishes a port with a DNAT rule in PREROUTING, so the packet is forwarded to the container and never
# meets ufw's INPUT chain: a neighbour on the provider's network that routes 10.0.0.2 to this VPS would reach
# the services without the tunnel. DOCKER-USER is the FORWARD chain Docker leaves to the administrator. The match
# is on the connection's original destination (after DNAT the packet is addressed to the container) and on the
# original direction only (the container's replies leave towards wg0 but come in on a Docker bridge).
docker_user_block() {
  cat <<RULES
# BEGIN jett DOCKER-USER (written by ufw.sh of the Jett bundle; it is rewritten on each install)
*filter
:DOCKER-USER - [0:0]
-A DOCKER-USER -m conntrack --ctorigdst $VPS_IP/32 --ctdir ORIGINAL ! -i wg0 -j DROP
-A DOCKER-USER -j RETURN
COMMIT
# END jett DOCKER-USER
RULES
}

install -d -m 755 "$(dirname "$AFTER_RULES")"
touch "$AFTER_RULES"
current=$(sed '/^# BEGIN jett DOCKER-USER/,/^# END jett DOCKER-USER/d' "$AFTER_RULES")
want=$(printf '%s\n%s\n' "$current" "$(docker_user_block)")
rules_changed=0
if [[ $(<"$AFTER_RULES") != "$want" ]]; then
  tmp=$(mktemp "$AFTER_RULES.XXXXXX")
  printf '%s\n' "$want" >"$tmp"
  chmod 640 "$tmp"
  mv "$tmp" "$AFTER_RULES"
  rules_changed=1
fi

ufw default deny incoming
ufw default allow outgoing
# SSH first, so enabling the firewall never locks out the session that runs this.
ufw limit "$SSH_PORT/tcp" comment 'SSH (rate-limited)'
ufw allow "$WG_PORT/udp" comment 'WireGuard'
ufw --force enable
# enable does not reread after.rules when ufw was already on; reload does (it loads them with iptables-restore -n,
# which flushes and refills DOCKER-USER, so the rule is never doubled).
((rules_changed == 0)) || ufw reload
ufw status verbose
