#!/usr/bin/env bash
# Runs schemathesis against a live server: a small demo city is built into a
# temporary SQLite file and served, a city officer logs in, and every operation of
# the OpenAPI document gets generated requests. Fails on any 5xx answer and on any
# answer that does not fit its documented schema. Installs schemathesis (pip) if
# it is missing. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v st >/dev/null; then
  echo "schemathesis.sh: installing schemathesis" >&2
  python3 -m pip install --quiet schemathesis
fi

cargo build --locked --quiet -p anju
bin="${CARGO_TARGET_DIR:-target}/debug/anju"
dir=$(mktemp -d)
# A port the kernel has just called free (a random one could be an ephemeral port in
# use by another test's connection).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" demo --persons 300 --db "sqlite://$dir/demo.db" --listen "127.0.0.1:$port" \
  >"$dir/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.5
done
token=$(curl -fsS -X POST -H 'content-type: application/json' \
  -d '{"login":"city","password":"anju-demo-2026"}' "$base/api/v1/session" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# Logging out would end the session the other operations use.
st run "$base/api/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" \
  --exclude-method DELETE \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "${ANJU_SCHEMATHESIS_EXAMPLES:-20}" \
  --no-color
