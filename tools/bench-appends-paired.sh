#!/usr/bin/env bash
# Durable appends over HTTP for two careledger binaries at the same time: both servers run side
# by side, each under its own wrk (`tools/wrk/append.lua`, the ~1 KiB penalty, 32 connections
# each by default), so both meet the same moment of a machine whose speed drifts from one
# minute to the next (BENCHMARKS.md: the same binary gave 4,045 and 5,276 appends/s in two
# rounds of the same load). The per-round ratio B/A is then paired: each round's drift cancels out.
#
# What it measures is which binary does more appends with an equal share of the CPU (the
# kernel shares it between the two servers' threads), not either binary's rate alone; for
# that, tools/bench-appends-ab.sh. Sides swap ports and start order each round: use an even
# number of rounds.
# Usage: tools/bench-appends-paired.sh BINARY_A BINARY_B [rounds=6] [seconds=10]
#   CARELEDGER_BENCH_PEOPLE=1: a new person per append (tools/wrk/append-body.py --people).
#   CARELEDGER_BENCH_CONNECTIONS=N: N connections per server instead of 32.
#   CARELEDGER_BENCH_WARMUP=S: S seconds of the same load first, not counted (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,15p "$0"; exit 2; }
bin_a=$1; bin_b=$2; rounds=${3:-6}; seconds=${4:-10}
connections=${CARELEDGER_BENCH_CONNECTIONS:-32}; warmup=${CARELEDGER_BENCH_WARMUP:-5}
work=$(mktemp -d /tmp/careledger-appends-paired.XXXX); chmod 700 "$work"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
python3 tools/wrk/append-body.py ${CARELEDGER_BENCH_PEOPLE:+--people} "$work/body.json" >/dev/null

# start SIDE BINARY PORT: a server on a fresh data directory (in this shell, so that it can be
# waited for); its principal's token goes to $work/SIDE.token.
start() {
  local side=$1 cli=$2 port=$3
  rm -rf "$work/$side"
  "$cli" serve --data "$work/$side" --listen 127.0.0.1:"$port" --log-level warning \
    --principal-rate 1000000 --address-rate 1000000 > "$work/$side.log" 2>&1 &
  pids+=($!)
  echo $! > "$work/$side.pid"
  for _ in $(seq 200); do curl -sf http://127.0.0.1:"$port"/healthz >/dev/null && break; sleep 0.05; done
  curl -sf -X POST http://127.0.0.1:"$port"/v1/principals -H "Authorization: Bearer $(cat "$work/$side/admin.token")" \
    -H 'Content-Type: application/json' \
    -d '{"id":"insp-bench","role":"inspector","authority":{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' > "$work/$side.token"
}

# load TOKEN PORT SECONDS OUT THREAD_BASE
load() {
  CARELEDGER_THREAD_BASE=$5 CARELEDGER_TOKEN=$1 CARELEDGER_BODY=$work/body.json \
    wrk -t1 -c"$connections" -d"$3"s --latency -s tools/wrk/append.lua http://127.0.0.1:"$2" > "$4"
}

# ticks SIDE: the server's CPU so far (user + system, in clock ticks).
ticks() { awk '{print $14 + $15}' /proc/"$(cat "$work/$1.pid")"/stat; }

echo "## tools/bench-appends-paired.sh $(date -u +%FT%TZ), $(nproc) cores, $rounds rounds of ${seconds}s, $connections connections per server, ${warmup}s warm-up; A=$bin_a B=$bin_b"
ratios=()
for round in $(seq "$rounds"); do
  # Odd rounds start A first, even rounds B, on swapped ports: an A-against-A run showed the
  # side started second ahead by 5 %, which alternating cancels in the mean of an even count.
  if [ $((round % 2)) -eq 1 ]; then
    port_a=18094; port_b=18095; start a "$bin_a" $port_a; start b "$bin_b" $port_b
  else
    port_a=18095; port_b=18094; start b "$bin_b" $port_b; start a "$bin_a" $port_a
  fi
  token_a=$(cat "$work/a.token"); token_b=$(cat "$work/b.token")
  if [ "$warmup" -gt 0 ]; then
    load "$token_a" $port_a "$warmup" "$work/wa.out" 8 & wa=$!
    load "$token_b" $port_b "$warmup" "$work/wb.out" 8 & wb=$!
    wait $wa $wb
  fi
  ticks_a=$(ticks a); ticks_b=$(ticks b)
  if [ $((round % 2)) -eq 1 ]; then
    load "$token_a" $port_a "$seconds" "$work/a.out" 0 & la=$!
    load "$token_b" $port_b "$seconds" "$work/b.out" 0 & lb=$!
  else
    load "$token_b" $port_b "$seconds" "$work/b.out" 0 & lb=$!
    load "$token_a" $port_a "$seconds" "$work/a.out" 0 & la=$!
  fi
  wait $la $lb
  ticks_a=$(( $(ticks a) - ticks_a )); ticks_b=$(( $(ticks b) - ticks_b ))
  for side in a b; do grep -q "Non-2xx" "$work/$side.out" && { echo "round $round $side: refused answers"; grep "Non-2xx" "$work/$side.out"; }; done
  rate_a=$(awk '/Requests\/sec/{print $2}' "$work/a.out"); rate_b=$(awk '/Requests\/sec/{print $2}' "$work/b.out")
  n_a=$(awk '/requests in/{print $1}' "$work/a.out"); n_b=$(awk '/requests in/{print $1}' "$work/b.out")
  ratio=$(python3 -c "print(f'{$rate_b / $rate_a - 1:+.1%}')")
  ratios+=("$rate_a $rate_b")
  echo "round $round: A $rate_a appends/s ($(( ticks_a * 10000 / n_a )) µs CPU each), B $rate_b appends/s ($(( ticks_b * 10000 / n_b )) µs CPU each); B against A $ratio"
  kill -TERM "$(cat "$work/a.pid")" "$(cat "$work/b.pid")"; wait "$(cat "$work/a.pid")" "$(cat "$work/b.pid")" || true
  pids=()
done
printf '%s\n' "${ratios[@]}" | python3 tools/paired-summary.py "B against A"
