#!/bin/sh
# Issue 17 part 5's figure: GET /v1/tasks as a random inspector per request (wrk, the Lua
# script beside tools/principal-bench), against a service holding 10 principals and one
# holding 100,000, both running, rounds alternated so that the machine's drift hits both.
#   swift build -c release --product principals-bench
#   tools/principals-bench/side-by-side.sh [rounds] [seconds]
set -eu
rounds=${1:-5}
seconds=${2:-10}
bin=${BIN:-.build/release/principals-bench}
lua=tools/principal-bench/random-token.lua
work=$(mktemp -d)
"$bin" serve 10 18501 "$work/t10.txt" > "$work/s10.log" 2>&1 & small=$!
"$bin" serve 100000 18502 "$work/t100k.txt" > "$work/s100k.log" 2>&1 & large=$!
# The services' data directories are named in their first line ("(data DIR)").
trap 'kill $small $large 2>/dev/null; sleep 1; rm -rf $(sed -n "s/.*(data \(.*\))$/\1/p" "$work"/s*.log) "$work"' EXIT
for port in 18501 18502; do
  until curl -sf "http://127.0.0.1:$port/healthz" > /dev/null; do sleep 1; done
done
cat "$work/s10.log" "$work/s100k.log"
run() { # port tokens → "p50_us req_per_s"
  TOKENS=$2 wrk -t2 -c8 -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$1/v1/tasks" > "$work/wrk.txt"
  awk '/^ +50%/ { v=$2; if (v ~ /ms$/) { sub(/ms/,"",v); v*=1000 } else if (v ~ /us$/) { sub(/us/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1e6 } p=v }
       /^Requests\/sec/ { r=$2 } /Non-2xx/ { bad=$NF } END { printf "%.0f %.0f %s\n", p, r, (bad ? bad : 0) }' "$work/wrk.txt"
}
run 18501 "$work/t10.txt" > /dev/null   # warm both up
run 18502 "$work/t100k.txt" > /dev/null
echo "round principals p50_us req_s non2xx"
i=1
while [ $i -le "$rounds" ]; do
  echo "$i 10 $(run 18501 "$work/t10.txt")"
  echo "$i 100000 $(run 18502 "$work/t100k.txt")"
  i=$((i + 1))
done | tee "$work/rounds.txt"
awk '$2 == 10 { s += $3; n++ } $2 == 100000 { l += $3; m++ }
     END { printf "## ratio p50(100,000) / p50(10): %.3f (means of %d rounds)\n", (l/m)/(s/n), n }' "$work/rounds.txt"
