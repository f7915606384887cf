#!/usr/bin/env bash
# n8n's part of the install, from this bundle: the two credentials the workflows name (values from env/*.env, with
# the ids the workflows give), the workflows (imported, then activated by their ids) and the owner account (the
# generated password in env/n8n-owner.env), so nothing is made by hand and no first visitor can claim n8n.
# install.sh runs it with the n8n container (`docker compose exec -T n8n`); the tests and `jett demo` run the same
# steps with a local n8n (main/harness/n8n).
#   n8n-setup.sh import N8N-EXEC...  credentials, workflows, activation (n8n reads them at its next start)
#   n8n-setup.sh owner N8N-EXEC...   the owner account, through the running n8n's one-time setup endpoint
# N8N-EXEC is the command prefix that runs a program where n8n runs (empty for a local n8n on PATH).
# Where n8n sees things differs outside Docker: JETT_N8N_WORKFLOWS (the bundle's n8n/ folder, default the compose
# mount /opt/jett-workflows), JETT_N8N_PG_HOST and JETT_N8N_PG_PORT (PostgreSQL, default postgres:5432 on the
# compose network), JETT_N8N_URL (n8n itself, default http://127.0.0.1:5678).
# Secrets never go in argv: they go through stdin, and the credentials file exists only inside n8n's runtime, 0600,
# while the import reads it.
set -euo pipefail

die() {
  printf 'n8n-setup: %s\n' "$*" >&2
  exit 1
}
(($# >= 1)) || {
  echo "usage: $0 import|owner [N8N-EXEC...]" >&2
  exit 2
}
step=$1
shift
# The bundle folder: this script's own, unless JETT_BUNDLE_DIR names another (the tests' bundle of env files).
cd "${JETT_BUNDLE_DIR:-$(dirname "${BASH_SOURCE[0]}")}"

env_value() { # FILE KEY: the value of KEY=VALUE in env/FILE; only characters that need no quoting in JSON
  local v
  v=$(grep "^$2=" "env/$1" | cut -d= -f2- | head -n1) || true
  [[ -n $v ]] || die "env/$1 has no $2: rewrite the bundle with \`jett vps bundle --out FOLDER --force\` (it keeps the passwords)"
  [[ $v =~ ^[A-Za-z0-9_.@+-]+$ ]] || die "env/$1: $2 holds characters this script does not expect; regenerate it with \`jett vps bundle --force\`"
  printf '%s' "$v"
}

case $step in
import)
  workflows=${JETT_N8N_WORKFLOWS:-/opt/jett-workflows}
  pg_host=${JETT_N8N_PG_HOST:-postgres}
  pg_port=${JETT_N8N_PG_PORT:-5432}
  [[ $pg_port =~ ^[0-9]+$ && $pg_host =~ ^[A-Za-z0-9_.:-]+$ ]] || die "JETT_N8N_PG_HOST/PORT are not a host and a port"
  db=$(env_value postgres.env JETT_DB_NAME)
  db_password=$(env_value postgres.env JETT_N8N_DB_PASSWORD)
  token=$(env_value desktop.env JETT_DESKTOP_TOKEN)
  # The ids and names are those the workflows in n8n/ name (main/core/vps/n8n-workflows.ts: N8N_CREDENTIAL_IDS).
  credentials='[{"id":"jett-postgres","name":"Jett PostgreSQL","type":"postgres","data":{"host":"'$pg_host'","port":'$pg_port',"database":"'$db'","user":"jett_n8n","password":"'$db_password'","ssl":"disable","allowUnauthorizedCerts":false}},'
  credentials+='{"id":"jett-desktop-token","name":"Jett desktop token","type":"httpHeaderAuth","data":{"name":"Authorization","value":"Bearer '$token'"}}]'
  # printf is a shell builtin: the JSON reaches the pipe without ever being an argument of a program.
  # shellcheck disable=SC2016 # $f is expanded by the inner shell, where n8n runs
  printf '%s' "$credentials" | "$@" sh -c 'umask 077; f=$(mktemp); trap '\''rm -f "$f"'\'' EXIT; cat >"$f"; n8n import:credentials --input="$f"' ||
    die "importing the n8n credentials failed: see the message above"
  "$@" n8n import:workflow --separate --input="$workflows" || die "importing the n8n workflows failed: see the message above"
  # The generator writes each workflow's id as its one two-space-indented "id" line.
  ids=()
  for f in n8n/*.json; do
    id=$(sed -n 's/^  "id": "\([A-Za-z0-9]*\)",$/\1/p' "$f")
    [[ -n $id ]] || die "$f has no workflow id: rewrite the bundle with \`jett vps bundle --force\`"
    ids+=("$id")
  done
  for id in "${ids[@]}"; do
    "$@" n8n update:workflow --id="$id" --active=true || die "activating the n8n workflow $id failed: see the message above"
  done
  printf 'n8n-setup: credentials imported; %d workflows imported and active\n' "${#ids[@]}"
  ;;
owner)
  url=${JETT_N8N_URL:-http://127.0.0.1:5678}
  email=$(env_value n8n-owner.env N8N_OWNER_EMAIL)
  password=$(env_value n8n-owner.env N8N_OWNER_PASSWORD)
  # Node runs where n8n runs (its image has it), so the call needs no published port; the password goes on stdin.
  # "already setup" is the answer on a second run: the owner exists, which is all this step promises.
  owner_js='let s="";process.stdin.on("data",(c)=>{s+=c}).on("end",async()=>{const o=JSON.parse(s);
const r=await fetch(process.argv[1]+"/rest/owner/setup",{method:"POST",headers:{"content-type":"application/json"},
body:JSON.stringify({email:o.email,firstName:"Jett",lastName:"Owner",password:o.password})});const t=await r.text();
if(r.ok){console.log("created");return}if(r.status===400&&/already setup/.test(t)){console.log("exists");return}
console.error("HTTP "+r.status+" "+t.slice(0,300));process.exitCode=1})'
  result=$(printf '{"email":"%s","password":"%s"}' "$email" "$password" | "$@" node -e "$owner_js" "$url") ||
    die "creating the n8n owner account failed: see the message above"
  case $result in
  created) echo "n8n-setup: n8n's owner account $email created (password in env/n8n-owner.env)" ;;
  exists) echo "n8n-setup: n8n already has its owner account" ;;
  *) die "unexpected answer from n8n's owner setup: $result" ;;
  esac
  ;;
*) die "unknown step $step: import or owner" ;;
esac
