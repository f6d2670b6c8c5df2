#!/usr/bin/env bash
# Issue 15's cost of the vault on background checks, paired: the same release binary serves
# copies of the two data directories `tools/bench-vault.sh` loads (the same 1M generated
# records as v1 entries, and sealed into the file vault) at the same time, each under its own
# wrk (`tools/wrk/check.lua`, 32 connections each), so both meet the same moment of a machine
# whose speed drifts (tools/bench-appends-paired.sh says why, and what an equal share of the
# CPU measures). Sides swap ports and start order each round: use an even number of rounds.
# Usage: tools/bench-vault-checks-paired.sh [rounds=6] [seconds=10] [workdir=/tmp/careledger-vault-bench]
#   (run tools/bench-vault.sh first; needs wrk and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}; seconds=${2:-10}; bench=${3:-/tmp/careledger-vault-bench}
[ -d "$bench/plain" ] && [ -d "$bench/sealed" ] || { echo "no $bench/plain and $bench/sealed: run tools/bench-vault.sh first" >&2; exit 1; }
swift build -c release --product careledger >/dev/null 2>&1
cli=$PWD/.build/release/careledger
work=$(mktemp -d /tmp/careledger-vault-checks-paired.XXXX); chmod 700 "$work"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

# start KIND PORT: a server on a copy of the KIND data directory; its token goes to $work/KIND.token.
start() {
  local kind=$1 port=$2
  "$cli" serve --data "$work/$kind" --listen 127.0.0.1:"$port" --log-level warning \
    --check-quota 1000000000 --principal-rate 1000000 --address-rate 1000000 > "$work/$kind.log" 2>&1 &
  pids+=($!)
  echo $! > "$work/$kind.pid"
}

# ready KIND PORT: waits for the server, then makes its institution principal.
ready() {
  local kind=$1 port=$2
  for _ in $(seq 2400); do curl -sf http://127.0.0.1:"$port"/healthz >/dev/null && break; sleep 0.05; done
  curl -sf -X POST http://127.0.0.1:"$port"/v1/principals -H "Authorization: Bearer $(cat "$work/$kind/admin.token")" \
    -d '{"id":"inst-bench","role":"institution","institution":{"name":"温州市瓯海区小星星托育有限公司","uscc":"91330304MA2J7K8L10","region":"330304"}}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' > "$work/$kind.token"
}

# load KIND PORT SECONDS OUT
load() {
  CARELEDGER_TOKEN=$(cat "$work/$1.token") CARELEDGER_PEOPLE=$work/$1/people.txt \
    wrk -t1 -c32 -d"$3"s --latency -s tools/wrk/check.lua http://127.0.0.1:"$2" > "$4"
}

# ticks KIND: the server's CPU so far (user + system, in clock ticks).
ticks() { awk '{print $14 + $15}' /proc/"$(cat "$work/$1.pid")"/stat; }

echo "## tools/bench-vault-checks-paired.sh $(date -u +%FT%TZ), $(nproc) cores, $rounds rounds of ${seconds}s, 32 connections per server"
pairs=()
for round in $(seq "$rounds"); do
  for kind in plain sealed; do rm -rf "$work/$kind"; cp -a "$bench/$kind" "$work/$kind"; done
  cp "$bench/careledger-vault.key" "$work/"  # beside both data directories, where serve looks for it
  sync  # the copies' writeback would otherwise compete with the access logs' fsyncs
  if [ $((round % 2)) -eq 1 ]; then first=plain; second=sealed; else first=sealed; second=plain; fi
  start $first 18096; start $second 18097
  ready $first 18096; ready $second 18097
  port_first=18096; port_second=18097
  # 3 s of checks first, not counted: the first answers of a freshly opened log are slower.
  load $first $port_first 3 "$work/w1.out" & w1=$!; load $second $port_second 3 "$work/w2.out" & w2=$!; wait $w1 $w2
  before_plain=$(ticks plain); before_sealed=$(ticks sealed)
  load $first $port_first "$seconds" "$work/$first.out" & l1=$!
  load $second $port_second "$seconds" "$work/$second.out" & l2=$!
  wait $l1 $l2
  cpu_plain=$(( $(ticks plain) - before_plain )); cpu_sealed=$(( $(ticks sealed) - before_sealed ))
  for kind in plain sealed; do grep -q "Non-2xx" "$work/$kind.out" && { echo "round $round $kind: refused answers"; grep "Non-2xx" "$work/$kind.out"; }; done
  rate_plain=$(awk '/Requests\/sec/{print $2}' "$work/plain.out"); rate_sealed=$(awk '/Requests\/sec/{print $2}' "$work/sealed.out")
  n_plain=$(awk '/requests in/{print $1}' "$work/plain.out"); n_sealed=$(awk '/requests in/{print $1}' "$work/sealed.out")
  pairs+=("$rate_plain $rate_sealed")
  echo "round $round: plain $rate_plain checks/s ($(( cpu_plain * 10000 / n_plain )) µs CPU each), sealed $rate_sealed checks/s ($(( cpu_sealed * 10000 / n_sealed )) µs CPU each); sealed against plain $(python3 -c "print(f'{$rate_sealed / $rate_plain - 1:+.1%}')")"
  kill -TERM "$(cat "$work/plain.pid")" "$(cat "$work/sealed.pid")"; wait "$(cat "$work/plain.pid")" "$(cat "$work/sealed.pid")" || true
  pids=()
done
printf '%s\n' "${pairs[@]}" | python3 tools/paired-summary.py "sealed against plain"
