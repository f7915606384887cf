#!/usr/bin/env bash
# Installs the real n8n (tools/n8n: its own package.json, override and lockfile) for the integration tests and
# `jett demo`; never part of the app. Idempotent: a finished install of the same lockfile is left as it is.
set -euo pipefail
cd "$(dirname "$0")/../tools/n8n"

want=$(node -p 'require("./package.json").dependencies.n8n')
stamp=node_modules/.jett-setup-n8n
# The lockfile's hash, written only after a finished install: a half-done one is redone.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(<"$stamp") == "$lock_sum" && -x node_modules/.bin/n8n ]] &&
  [[ $(node -p 'require("./node_modules/n8n/package.json").version') == "$want" ]]; then
  echo "setup:n8n: n8n $want is installed in tools/n8n"
  exit 0
fi

echo "setup:n8n: installing n8n $want into tools/n8n (about 3 minutes and 1.5 GB; sqlite3, cpu-features and ssh2 compile)"
npm ci --no-audit --no-fund --loglevel=error
printf '%s\n' "$lock_sum" >"$stamp"
echo "setup:n8n: n8n $(node -p 'require("./node_modules/n8n/package.json").version') installed in tools/n8n"
