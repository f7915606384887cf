#!/usr/bin/env bash
# The canonical list of Debian packages the Linux agent and the tests need; idempotent, run as root or with sudo.
set -euo pipefail

PACKAGES=(
  wireguard-tools wireguard-go   # the tunnel; wireguard-go is the userspace fallback without the kernel module
  iproute2 iputils-ping iptables # namespaces, veth, probes and link cuts in tests and the demo
  sudo                           # `jett tunnel install` checks its sudoers line with visudo
  sox alsa-utils libsox-fmt-alsa # microphone capture and reply playback (sox; arecord as an option)
  espeak-ng                      # speech made for the voice tests
  chromium                       # the renderer tests run it headless
  shellcheck docker-compose      # the VPS bundle's checks
  age curl                       # the VPS bundle's encrypted backups (backup.sh, restore.sh) run for real
  postgresql                     # the sync tests and the demo run a real PostgreSQL 15
  gnome-keyring dbus libsecret-tools # the secret store's tests run a real Secret Service (secret-tool checks it)
  xvfb                           # a display for the locked keyring's unlock prompt, which then waits forever
  xdotool                        # hold-to-talk tests send real X11 key presses and releases to the key hook
)

# --list: the names alone (scripts/bare-machine.sh hides what they install).
if [[ ${1:-} == --list ]]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  [[ $p == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup:linux: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup:linux: run as root, or install sudo" >&2; exit 1; }
  SUDO=(sudo)
fi
echo "setup:linux: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
