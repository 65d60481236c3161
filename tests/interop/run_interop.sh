#!/usr/bin/env bash
# Starts a real `zorgbrug serve` on 127.0.0.1 port 0 over TLS (development material in a temporary state
# directory) and runs the independent Node.js client against it. Exits 77 (skipped, as ctest is told)
# when Node.js or the client's packages are missing, saying which; the test command installs them.
# Usage: run_interop.sh ZORGBRUG_BINARY REPO_SOURCE_DIR
set -euo pipefail
binary="$1"
source_dir="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v node >/dev/null 2>&1; then
  echo "skipped: node is not installed (the interop client needs Node.js >= 18)"
  exit 77
fi
if [ ! -d "$here/node_modules/@grpc/grpc-js" ]; then
  echo "skipped: run 'npm ci --prefix tests/interop' first (scripts/test.sh does)"
  exit 77
fi

state="$(mktemp -d)"
log="$state/serve.log"
"$binary" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --state-dir "$state/s" >"$log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$state"' EXIT

address=""
for _ in $(seq 1 300); do
  address="$(sed -n 's/^zorgbrug serving on \([0-9.:]*\) .*/\1/p' "$log" | head -n 1)"
  [ -n "$address" ] && break
  if ! kill -0 $server 2>/dev/null; then
    echo "zorgbrug serve exited early:"; cat "$log"; exit 1
  fi
  sleep 0.1
done
if [ -z "$address" ]; then
  echo "zorgbrug serve did not report its address within 30 s:"; cat "$log"; exit 1
fi

timeout 60 node "$here/validate_client.mjs" "$address" "$state/s/tls/ca.crt" "$source_dir/proto"
