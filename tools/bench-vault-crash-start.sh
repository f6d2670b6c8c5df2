#!/usr/bin/env bash
# Start-up after a crash with a large vault (BENCHMARKS.md "Issue 15 ... open index after a
# crash"): on the 1M sealed records of tools/bench-vault.sh, times
#   1. a start after a clean close (the open index written at close),
#   2. a start with no open index (what every start after a crash was before the index was
#      refreshed while running: a full scan of the vault),
#   3. a start after kill -9 of a server that appended records for a while with no index at
#      its start: the snapshot service has written one meanwhile.
# Usage: tools/bench-vault-crash-start.sh [workdir=/tmp/careledger-vault-bench] [append seconds=10]
# (run tools/bench-vault.sh first; needs wrk). Release build. Changes the sealed copy's data.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/careledger-vault-bench}
seconds=${2:-10}
data=$work/sealed
key=$work/careledger-vault.key
port=18556
[ -d "$data/vault" ] || { echo "no $data/vault: run tools/bench-vault.sh first" >&2; exit 1; }
swift build -c release --product careledger >/dev/null
cli=$PWD/.build/release/careledger
serve() { "$cli" serve --data "$data" --vault-key-file "$key" --listen 127.0.0.1:$port --log-level warning \
  --principal-rate 1000000 --address-rate 1000000 > "$work/crash-start.log" 2>&1 & pid=$!; }
timed_start() {
  local start; start=$(date +%s.%N); serve
  until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.02; done
  echo "$1: $(echo "$(date +%s.%N) - $start" | bc) s to /healthz"
}
echo "## tools/bench-vault-crash-start.sh $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
serve; until curl -sf http://127.0.0.1:$port/healthz >/dev/null; do sleep 0.05; done; kill -TERM $pid; wait $pid || true
timed_start "1. after a clean close (open index from the close)"
kill -TERM $pid; wait $pid || true
rm -f "$data/vault/index"
timed_start "2. with no open index (a full scan of the vault)"
admin=$(cat "$data/admin.token")
authority='{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}'
id="insp-crash-$(date +%s)"
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d "{\"id\":\"$id\",\"role\":\"inspector\",\"authority\":$authority}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
python3 tools/wrk/append-body.py "$work/crash-body.json" >/dev/null
# A decision number is recorded once: each run numbers its own.
sed -i "s/bench-@N@/crash-$(date +%s)-@N@/" "$work/crash-body.json"
CARELEDGER_TOKEN=$token CARELEDGER_BODY=$work/crash-body.json wrk -t2 -c16 -d${seconds}s -s tools/wrk/append.lua \
  http://127.0.0.1:$port | grep -E "Requests/sec|requests in"
for _ in $(seq 600); do [ -f "$data/vault/index" ] && break; sleep 0.1; done
[ -f "$data/vault/index" ] && echo "open index written while running: $(stat -c %s "$data/vault/index") bytes" || echo "no open index written while running"
kill -KILL $pid; wait $pid 2>/dev/null || true
timed_start "3. after kill -9 (open index from the snapshot service)"
kill -TERM $pid; wait $pid || true
