#!/usr/bin/env bash
# Durable appends over HTTP for two (or more) careledger binaries, alternately (A, B, A, B, …) on fresh
# data directories, each under wrk (`tools/wrk/append.lua`, the ~1 KiB penalty of
# tools/bench-http.sh, 64 connections by default): rate, p50/p99 and server CPU per append. For a
# before/after of one change on a machine whose rounds vary (BENCHMARKS.md says which).
# Usage: tools/bench-appends-ab.sh BINARY_A BINARY_B [BINARY_C …] [rounds=3] [seconds=10]
#   e.g. git worktree add /tmp/before 3fc0c1d && (cd /tmp/before && swift build -c release --product careledger)
#        tools/bench-appends-ab.sh /tmp/before/.build/release/careledger .build/release/careledger
#   Binaries are the arguments that are not plain numbers; each round runs them in order.
#   CARELEDGER_BENCH_PEOPLE=1: penalties against a new person each (tools/wrk/append-body.py
#   --people), so every append also makes the vault a data key.
#   CARELEDGER_BENCH_CONNECTIONS=N: N connections instead of 64 (e.g. 2, for what a change to
#   group commit does to appends that are not queued behind others).
#   CARELEDGER_BENCH_WARMUP=S: S seconds of the same load before the measured run, not counted,
#   so the figure is the running service's and not its first seconds (new files, growing tables).
set -euo pipefail
cd "$(dirname "$0")/.."
bins=(); numbers=()
for arg in "$@"; do
  if [[ $arg =~ ^[0-9]+$ ]]; then numbers+=("$arg"); else bins+=("$arg"); fi
done
[ ${#bins[@]} -ge 2 ] || { sed -n 2,15p "$0"; exit 2; }
rounds=${numbers[0]:-3}; seconds=${numbers[1]:-10}; connections=${CARELEDGER_BENCH_CONNECTIONS:-64}
sides=(A B C D E F G H)
port=18090
work=$(mktemp -d /tmp/careledger-appends-ab.XXXX); chmod 700 "$work"
trap 'if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
python3 tools/wrk/append-body.py ${CARELEDGER_BENCH_PEOPLE:+--people} "$work/body.json" >/dev/null
echo "## tools/bench-appends-ab.sh $(date -u +%FT%TZ), $(nproc) cores, $rounds rounds of ${seconds}s, $connections connections, ${CARELEDGER_BENCH_WARMUP:-0}s warm-up; $(for i in "${!bins[@]}"; do printf '%s=%s ' "${sides[$i]}" "${bins[$i]}"; done)"
for round in $(seq "$rounds"); do
  for i in "${!bins[@]}"; do
    side=${sides[$i]}; cli=${bins[$i]}
    rm -rf "$work/data"
    # Binaries from before the rate options existed run without them (their limits were higher).
    rates=""; if "$cli" serve --help 2>&1 | grep principal-rate >/dev/null; then rates="--principal-rate 1000000 --address-rate 1000000"; fi
    "$cli" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning $rates > "$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 200); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
    token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $(cat "$work/data/admin.token")" \
      -H 'Content-Type: application/json' \
      -d '{"id":"insp-bench","role":"inspector","authority":{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    if [ "${CARELEDGER_BENCH_WARMUP:-0}" -gt 0 ]; then
      CARELEDGER_THREAD_BASE=8 CARELEDGER_TOKEN=$token CARELEDGER_BODY=$work/body.json \
        wrk -t$(( connections < 2 ? 1 : 2 )) -c"$connections" -d${CARELEDGER_BENCH_WARMUP}s -s tools/wrk/append.lua http://127.0.0.1:$port > "$work/warmup.out"
      grep -q "Non-2xx" "$work/warmup.out" && { echo "round $round $side: refused answers in the warm-up"; grep "Non-2xx" "$work/warmup.out"; }
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    ticks_before=$(awk '{print $14 + $15}' /proc/$pid/stat)
    CARELEDGER_TOKEN=$token CARELEDGER_BODY=$work/body.json \
      wrk -t$(( connections < 2 ? 1 : 2 )) -c"$connections" -d${seconds}s --latency -s tools/wrk/append.lua http://127.0.0.1:$port > "$work/wrk.out"
    ticks_after=$(awk '{print $14 + $15}' /proc/$pid/stat)
    answered=$(awk '/requests in/{print $1}' "$work/wrk.out")
    grep -q "Non-2xx" "$work/wrk.out" && { echo "round $round $side: refused answers"; grep "Non-2xx" "$work/wrk.out"; }
    echo "round $round $side: $(awk '/Requests\/sec/{print $2}' "$work/wrk.out") appends/s, p50 $(awk '$1=="50%"{print $2}' "$work/wrk.out"), p99 $(awk '$1=="99%"{print $2}' "$work/wrk.out"), server CPU $(( (ticks_after - ticks_before) * 10000 / answered )) µs per append (load before $load)"
    kill -TERM $pid; wait $pid || true
  done
done
