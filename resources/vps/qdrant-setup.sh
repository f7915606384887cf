#!/bin/bash
# Creates the Qdrant collection of Jett's memory (the desktop projects its memory items there) with the embedding
# model's vector size and cosine distance, unless it exists; an existing one of another size is an error, not
# recreated (that would drop what it holds). The API key goes to curl on stdin as a header, never on a command line.
# Run by install.sh once Qdrant is healthy; QDRANT_URL overrides the address (tests).
set -euo pipefail
cd "$(dirname "$0")"

QDRANT_URL=${QDRANT_URL:-http://@@VPS_ADDRESS@@:6333}
COLLECTION=@@QDRANT_COLLECTION@@
SIZE=@@MEMORY_DIMS@@

say() { printf 'qdrant-setup: %s\n' "$*"; }
die() {
  printf 'qdrant-setup: error: %s\n' "$*" >&2
  exit 1
}

key=$(grep '^QDRANT__SERVICE__API_KEY=' env/qdrant.env | cut -d= -f2-) || true
[[ -n $key ]] || die "env/qdrant.env has no QDRANT__SERVICE__API_KEY: make the bundle again (jett vps bundle) and copy it here"

# qdrant METHOD PATH [BODY]: prints the answer's body, then its HTTP status on a line of its own.
qdrant() {
  local body=${3:-}
  printf 'api-key: %s\ncontent-type: application/json\n' "$key" |
    curl --silent --show-error --max-time 60 --header @- -X "$1" --write-out '\n%{http_code}' \
      ${body:+--data-binary "$body"} "$QDRANT_URL$2"
}

answer=$(qdrant GET "/collections/$COLLECTION") || die "Qdrant does not answer at $QDRANT_URL: see \`docker compose logs qdrant\`"
status=${answer##*$'\n'}
case $status in
  200)
    size=$(printf '%s' "${answer%$'\n'*}" | grep -o '"vectors":{"size":[0-9]*' | grep -o '[0-9]*$' || true)
    [[ $size == "$SIZE" ]] || die "collection $COLLECTION exists with vectors of size ${size:-unknown}, not $SIZE: move it aside (snapshot it, then delete it) and run install.sh again"
    say "collection $COLLECTION exists ($SIZE dimensions, cosine)"
    ;;
  404)
    answer=$(qdrant PUT "/collections/$COLLECTION" "{\"vectors\":{\"size\":$SIZE,\"distance\":\"Cosine\"}}") || die "Qdrant does not answer at $QDRANT_URL"
    [[ ${answer##*$'\n'} == 200 ]] || die "Qdrant refused to create collection $COLLECTION (${answer##*$'\n'}): ${answer%$'\n'*}"
    say "created collection $COLLECTION ($SIZE dimensions, cosine)"
    ;;
  401 | 403) die "Qdrant refused the API key of env/qdrant.env ($status): is the running container's QDRANT__SERVICE__API_KEY the same? \`docker compose up -d qdrant\` applies it" ;;
  *) die "Qdrant answered $status for collection $COLLECTION: ${answer%$'\n'*}" ;;
esac
