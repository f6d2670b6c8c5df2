#!/usr/bin/env bash
# Web pages with 1,000,000 records loaded (issue 18 "Figures"): the public institution page
# under wrk (64 connections), every page's size, and the HR check page beside the JSON check
# it wraps (the same people, one after the other). Release build.
# Usage: tools/bench-web.sh [SECONDS]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
work=$(mktemp -d /tmp/careledger-web-bench.XXXX)
port=18084
swift build -c release --product careledger >/dev/null 2>&1
swift build -c release --product load-records >/dev/null 2>&1
cli=$PWD/.build/release/careledger
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
.build/release/load-records --data "$work/data" --records 1000000 --people 300000 --vault-key-file "$work/careledger-vault.key" >/dev/null

wait_up() { for _ in $(seq 1200); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && return 0; sleep 0.05; done; return 1; }
"$cli" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning --check-quota 1000000000 \
  --principal-rate 1000000 --address-rate 1000000 > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
wait_up
base=http://127.0.0.1:$port

# 200 institutions of the loaded set, each page once to warm it, then wrk over them at random.
curl -sf "$base/v1/institutions?limit=200" | python3 -c 'import json,sys; [print("/institutions/" + i["uscc"]) for i in json.load(sys.stdin)["institutions"]]' > "$work/paths"
# The first fetch of each is uncached (every record about the institution read back from the
# log): timed one at a time, as the first visitor after an append would wait.
while read -r p; do curl -sf -o /dev/null -w '%{time_total}\n' "$base$p"; done < "$work/paths" > "$work/uncached"
python3 - "$work/uncached" <<'PY'
import sys
t = sorted(float(x) * 1000 for x in open(sys.argv[1]) if x.strip())
print("## uncached first fetch of the 200 pages, one at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (t[len(t) // 2], t[int(len(t) * 0.99) - 1], t[-1]))
PY
echo "## GET /institutions/{uscc} (200 institutions at random), 64 connections, ${seconds}s"
CARELEDGER_PATHS=$work/paths wrk -t2 -c64 -d${seconds}s --latency -s tools/wrk/pages.lua "$base" | tee "$work/wrk-page.out"

# Sizes: the largest institution page of the set, and the public lists.
largest=0
while read -r p; do s=$(curl -sf -o /dev/null -w '%{size_download}' "$base$p"); [ "$s" -gt "$largest" ] && largest=$s; done < "$work/paths"
echo "largest institution page of the 200: $largest bytes"
for p in / /public/closures /public/penalties /log /signin; do
  echo "$p: $(curl -sf -o /dev/null -w '%{size_download}' "$base$p") bytes"
done

# An institution principal, its token for the JSON check, and a signed-in session for the page.
admin=$(cat "$work/data/admin.token")
token=$(curl -sf -X POST $base/v1/principals -H "Authorization: Bearer $admin" \
  -d '{"id":"inst-bench","role":"institution","institution":{"name":"温州市瓯海区小星星托育有限公司","uscc":"91330304MA2J7K8L10","region":"330304"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
jar=$work/cookies
csrf=$(curl -sf -c "$jar" $base/signin | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -sf -o /dev/null -b "$jar" -c "$jar" -X POST $base/signin --data "csrf=$csrf&token=$token"
session=$(awk '$6=="careledger_session"{print $6"="$7}' "$jar")
page_csrf=$(curl -sf -b "$jar" $base/hr/check | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)

echo "## POST /v1/checks (JSON), 64 connections, ${seconds}s"
CARELEDGER_TOKEN=$token CARELEDGER_PEOPLE=$work/data/people.txt \
  wrk -t2 -c64 -d${seconds}s --latency -s tools/wrk/check.lua $base | tee "$work/wrk-json.out"
echo "## POST /hr/check (the result page), 64 connections, ${seconds}s"
CARELEDGER_COOKIE=$session CARELEDGER_CSRF=$page_csrf CARELEDGER_PEOPLE=$work/data/people.txt \
  wrk -t2 -c64 -d${seconds}s --latency -s tools/wrk/check-page.lua $base | tee "$work/wrk-html.out"
# One connection: what the page adds to one check's latency, without queueing behind 63 others.
echo "## one connection, ${seconds}s each: JSON check, then the page"
CARELEDGER_TOKEN=$token CARELEDGER_PEOPLE=$work/data/people.txt \
  wrk -t1 -c1 -d${seconds}s --latency -s tools/wrk/check.lua $base | tee "$work/wrk-json1.out"
CARELEDGER_COOKIE=$session CARELEDGER_CSRF=$page_csrf CARELEDGER_PEOPLE=$work/data/people.txt \
  wrk -t1 -c1 -d${seconds}s --latency -s tools/wrk/check-page.lua $base | tee "$work/wrk-html1.out"
p50() { awk '/^ +50%/{print $2}' "$1"; }
echo "## check: 64 connections JSON p50 $(p50 "$work/wrk-json.out"), page p50 $(p50 "$work/wrk-html.out"); one connection JSON p50 $(p50 "$work/wrk-json1.out"), page p50 $(p50 "$work/wrk-html1.out")"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
