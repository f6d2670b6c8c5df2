#!/usr/bin/env bash
# One careledger binary alone under tools/wrk/append.lua (32 connections, 5 s of warm-up, then
# 10 s measured): its rate, the server's CPU per append by thread name, and with PERF=1 a
# `perf record -g` of the measured seconds, kept in the work directory for `perf report`.
# BENCHMARKS.md, issue 15 "where the CPU goes, by library", compares two builds this way.
# Usage: [PERF=1] tools/profile-appends.sh BINARY WORKDIR
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { sed -n 2,6p "$0"; exit 2; }
bin=$1; work=$2; port=18200
rm -rf "$work"; mkdir -p "$work"; chmod 700 "$work"
python3 tools/wrk/append-body.py "$work/body.json" >/dev/null
"$bin" serve --data "$work/d" --listen 127.0.0.1:$port --log-level warning \
  --principal-rate 1000000 --address-rate 1000000 > "$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 200); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $(cat "$work/d/admin.token")" \
  -H 'Content-Type: application/json' \
  -d '{"id":"insp-bench","role":"inspector","authority":{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
load() {  # SECONDS THREAD_BASE OUT
  CARELEDGER_THREAD_BASE=$2 CARELEDGER_TOKEN=$token CARELEDGER_BODY=$work/body.json \
    wrk -t1 -c32 -d"$1"s -s tools/wrk/append.lua http://127.0.0.1:$port > "$3"
}
# CPU ticks (user + system) per thread name, summed over threads of the same name.
threads() {
  for t in /proc/$pid/task/*; do echo "$(tr ' ' _ < "$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done |
    awk '{a[$1] += $2} END {for (k in a) print k, a[k]}' | sort
}
load 5 8 "$work/warmup.out"
threads > "$work/ticks.before"
if [ "${PERF:-0}" = 1 ]; then perf record -F 2000 -g -p $pid -o "$work/perf.data" -- sleep 10 >/dev/null 2>&1 & perf_pid=$!; fi
load 10 0 "$work/wrk.out"
[ "${PERF:-0}" = 1 ] && wait $perf_pid
threads > "$work/ticks.after"
n=$(awk '/requests in/{print $1}' "$work/wrk.out")
echo "$(awk '/Requests\/sec/{print $2}' "$work/wrk.out") appends/s, $n appends"
join "$work/ticks.before" "$work/ticks.after" |
  awk -v n="$n" -v hz="$(getconf CLK_TCK)" '{d = $3 - $2; s += d; if (d > 0) printf "  %-24s %6.1f µs CPU per append\n", $1, d * 1e6 / hz / n}
    END {printf "  %-24s %6.1f µs CPU per append\n", "all threads", s * 1e6 / hz / n}'
