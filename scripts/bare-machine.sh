#!/usr/bin/env bash
# Runs a command (default: the test suite) as a machine without scripts/setup-linux.sh's packages would see it. In a
# private mount namespace, every program those packages installed, with what they pulled in beyond Debian's base
# system (priority required or important: what every Debian install has, iproute2 among them), is covered by an
# empty file that cannot be run, and PostgreSQL's folder by an empty tmpfs. Nothing outside the namespace changes.
# Usage (root, for the namespace): bash scripts/bare-machine.sh [COMMAND ARGS...]   default: npx vitest run
# --list prints what it would hide, one path a line, and hides nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_DEPENDS=(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks
  --no-replaces --no-enhances)

# Names of the installed packages that `$@` are or depend on (virtual packages left out).
closure() {
  "${APT_DEPENDS[@]}" "$@" | grep -v '^[ <]' | sort -u
}

# The packages setup-linux.sh adds and what they depend on, minus Debian's base system: the packages of priority
# required or important and everything those depend on (libc6 is "optional" itself, yet every system has it).
added_packages() {
  local base
  # shellcheck disable=SC2046 # one package name a word
  base=$(closure $(dpkg-query -W -f='${Package} ${Priority}\n' | awk '$2 == "required" || $2 == "important" { print $1 }'))
  # shellcheck disable=SC2046
  comm -23 <(closure $(bash scripts/setup-linux.sh --list)) <(echo "$base")
}

# Their programs: regular files with an execute bit (links lead to one of these), outside the folders hidden whole.
hidden_programs() {
  local f
  # shellcheck disable=SC2046
  { dpkg -L $(added_packages) 2>/dev/null || true; } | sort -u | while read -r f; do
    case $f in /usr/lib/postgresql/* | *.so | *.so.*) continue ;; esac
    if [[ -f $f && ! -L $f && -x $f ]]; then echo "$f"; fi
  done
}

HIDDEN_DIRS=(/usr/lib/postgresql)

if [[ ${1:-} == --list ]]; then
  hidden_programs
  printf '%s\n' "${HIDDEN_DIRS[@]}"
  exit 0
fi

if [[ ${JETT_BARE_MACHINE:-} != 1 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo 'bare-machine: needs root for a private mount namespace: sudo bash scripts/bare-machine.sh' >&2
    exit 1
  fi
  exec unshare --mount --propagation private env JETT_BARE_MACHINE=1 bash "$0" "$@"
fi

empty=$(mktemp)
chmod 0644 "$empty"
count=0
while read -r f; do
  mount --bind "$empty" "$f"
  count=$((count + 1))
done < <(hidden_programs)
for d in "${HIDDEN_DIRS[@]}"; do
  [[ -d $d ]] && mount -t tmpfs -o mode=0755,size=64k tmpfs "$d"
done
echo "bare-machine: hid $count programs and ${HIDDEN_DIRS[*]}" >&2

# Skips are allowed here (what is hidden is missing), failures are not.
unset JETT_REQUIRE_ALL
if (($# == 0)); then set -- npx vitest run; fi
exec "$@"
