#!/usr/bin/env bash
# Issue 15's cost of the vault on background checks, with everything else equal: the same
# release binary serves copies of the two data directories `tools/bench-vault.sh` loads (the
# same 1M generated records as v1 entries, and sealed into the file vault), alternately, each
# under wrk (`tools/wrk/check.lua`, 64 connections). Prints rate and server CPU per check per
# round; compare the means (single rounds on this VM vary by ±10 %).
# Usage: tools/bench-vault-checks.sh [rounds=3] [seconds=10] [workdir=/tmp/careledger-vault-bench]
#   (run tools/bench-vault.sh first; needs wrk and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-10}; bench=${3:-/tmp/careledger-vault-bench}
[ -d "$bench/plain" ] && [ -d "$bench/sealed" ] || { echo "no $bench/plain and $bench/sealed: run tools/bench-vault.sh first" >&2; exit 1; }
swift build -c release --product careledger >/dev/null 2>&1
cli=$PWD/.build/release/careledger
port=18091
work=$(mktemp -d /tmp/careledger-vault-checks.XXXX); chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
echo "## tools/bench-vault-checks.sh $(date -u +%FT%TZ), $(nproc) cores, $rounds rounds of ${seconds}s"
for round in $(seq "$rounds"); do
  for kind in plain sealed; do
    rm -rf "$work/data"; cp -a "$bench/$kind" "$work/data"; cp "$bench/careledger-vault.key" "$work/"
    sync  # the copy's writeback would otherwise compete with the access log's fsyncs (more for the larger sealed copy)
    "$cli" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning --check-quota 1000000000 \
      --principal-rate 1000000 --address-rate 1000000 > "$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 1200); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
    token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $(cat "$work/data/admin.token")" \
      -d '{"id":"inst-bench","role":"institution","institution":{"name":"温州市瓯海区小星星托育有限公司","uscc":"91330304MA2J7K8L10","region":"330304"}}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    load=$(cut -d' ' -f1 /proc/loadavg)
    ticks_before=$(awk '{print $14 + $15}' /proc/$pid/stat)
    CARELEDGER_TOKEN=$token CARELEDGER_PEOPLE=$work/data/people.txt \
      wrk -t2 -c64 -d${seconds}s --latency -s tools/wrk/check.lua http://127.0.0.1:$port > "$work/wrk.out"
    ticks_after=$(awk '{print $14 + $15}' /proc/$pid/stat)
    answered=$(awk '/requests in/{print $1}' "$work/wrk.out")
    rate=$(awk '/Requests\/sec/{print $2}' "$work/wrk.out")
    grep -q "Non-2xx" "$work/wrk.out" && { echo "round $round $kind: refused answers"; grep "Non-2xx" "$work/wrk.out"; }
    echo "round $round $kind: $rate checks/s, server CPU $(( (ticks_after - ticks_before) * 10000 / answered )) µs per check (load before $load)"
    kill -TERM $pid; wait $pid || true
  done
done
