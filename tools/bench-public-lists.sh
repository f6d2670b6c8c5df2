#!/usr/bin/env bash
# The public lists anyone may ask for without a token (BENCHMARKS.md "Public lists"): the
# median of 9 answers of each, from a server on a copy of the 1M sealed records that
# tools/bench-vault.sh builds, between appends (the index's tables made once, then reused);
# then the median of 5 first answers right after an append (a penalty against one institution:
# the tables bring that institution's rows up to date, or are made whole where that is not built).
# Usage: tools/bench-public-lists.sh [careledger binary=.build/release/careledger] [bench dir=/tmp/careledger-vault-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/careledger}
bench=${2:-/tmp/careledger-vault-bench}
[ -d "$bench/sealed" ] || { echo "no $bench/sealed: run tools/bench-vault.sh 1000000 first"; exit 2; }
port=18096
work=$(mktemp -d /tmp/careledger-public-lists.XXXX); chmod 700 "$work"
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cp -a "$bench/sealed" "$work/data"
cp "$bench/careledger-vault.key" "$work/careledger-vault.key"
"$bin" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 600); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
echo "## tools/bench-public-lists.sh $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $bin"
for u in "/public/penalties" "/public/closures" "/institutions?q=%E6%89%98%E8%82%B2" "/v1/institutions?status=closed&limit=100" \
         "/v1/institutions?limit=100&after=91330000000000000X"; do
  first=$(curl -s -o /dev/null -w "%{time_total}" "http://127.0.0.1:$port$u")
  median=$(for _ in $(seq 9); do curl -s -o /dev/null -w "%{time_total}\n" "http://127.0.0.1:$port$u"; done | sort -n | sed -n 5p)
  echo "$u: first ${first}s, median of the next 9 ${median}s"
done
# Right after an append: an inspector's penalty, then the route once; five times per route.
python3 tools/wrk/append-body.py "$work/body.json" >/dev/null
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $(cat "$work/data/admin.token")" \
  -H 'Content-Type: application/json' \
  -d '{"id":"insp-lists","role":"inspector","authority":{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
n=0
for u in "/public/penalties" "/public/closures" "/v1/institutions?status=closed&limit=100"; do
  times=""
  for _ in $(seq 5); do
    n=$((n + 1))
    sed "s/@N@/lists-$n/" "$work/body.json" > "$work/one.json"
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/v1/records" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data-binary @"$work/one.json"
    times="$times $(curl -s -o /dev/null -w "%{time_total}" "http://127.0.0.1:$port$u")"
  done
  echo "$u right after an append: median of 5 $(echo $times | tr ' ' '\n' | sort -n | sed -n 3p)s (all:$times)"
done
