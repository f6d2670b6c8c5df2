#!/usr/bin/env bash
# Durable appends over HTTP (wrk, 64 keep-alive connections, ~1 KiB penalty records) and the
# same work in PostgreSQL 15 (hash-chained table, pgbench, 64 clients), one after the other on
# this machine. Prints both and the ratio quoted in BENCHMARKS.md.
# Usage: tools/bench-http.sh [SECONDS]   (needs wrk and postgresql-15: apt-get install wrk postgresql)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
work=$(mktemp -d /tmp/careledger-http-bench.XXXX)
port=18080
swift build -c release --product careledger >/dev/null
cli=$PWD/.build/release/careledger

echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(date -u +%F)"

# --- CareLedger ---------------------------------------------------------------------------
"$cli" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning --principal-rate 1000000 --address-rate 1000000 > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; [ -n "${pgdata:-}" ] && pg_ctl -D "$pgdata" stop -m fast >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
admin=$(cat "$work/data/admin.token")
authority='{"name":"温州市瓯海区卫生健康局","uscc":"113303040025997855","region":"330304"}'
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d "{\"id\":\"insp-bench\",\"role\":\"inspector\",\"authority\":$authority}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
python3 tools/wrk/append-body.py "$work/body.json"
echo "## CareLedger: POST /v1/records, 64 connections, ${seconds}s"
CARELEDGER_TOKEN=$token CARELEDGER_BODY=$work/body.json wrk -t2 -c64 -d${seconds}s --latency -s tools/wrk/append.lua http://127.0.0.1:$port | tee "$work/wrk.out"
kill -TERM $server; wait $server || true
# A full verify of the log just built over HTTP (many small batches: one signed checkpoint per
# few entries). The page cache holds the files, as after a backup copy; MB/s over segment bytes.
sync
segbytes=$(cat "$work"/data/records/segments/*.seg | wc -c)
checkpoints=$(sed -n 2p "$work/data/records/checkpoint")
vstart=$(date +%s.%N)
"$cli" verify --data "$work/data"
vend=$(date +%s.%N)
python3 -c "print('## verify of the HTTP-built log: %d bytes, %s entries in %.3f s = %.1f MB/s' % ($segbytes, '$checkpoints', $vend - $vstart, $segbytes / ($vend - $vstart) / 1e6))"
# The same with Ed25519 on the latest checkpoint only (docs/log-format.md, "What a full verify
# proves": one signature per batch bounds the full verify of such a log).
vstart=$(date +%s.%N)
"$cli" verify --data "$work/data" --signatures latest
vend=$(date +%s.%N)
python3 -c "print('## verify --signatures latest of the HTTP-built log: %d bytes in %.3f s = %.1f MB/s' % ($segbytes, $vend - $vstart, $segbytes / ($vend - $vstart) / 1e6))"

# --- PostgreSQL ----------------------------------------------------------------------------
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata=$work/pg
su_run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$pgdata" && chown postgres "$work" "$pgdata" 2>/dev/null || true
su_run "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
su_run "$pgbin/pg_ctl" -D "$pgdata" -o "-p 15432 -k /tmp -c fsync=on -c synchronous_commit=on -c max_connections=100 -c shared_buffers=1GB" -l "$work/pg.log" start >/dev/null
for _ in $(seq 50); do psql -h /tmp -p 15432 -U postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
psql -q -h /tmp -p 15432 -U postgres -f tools/pg/chain.sql
echo "## PostgreSQL $(psql -h /tmp -p 15432 -U postgres -tAc 'show server_version'): hash-chained insert, 64 clients, ${seconds}s"
(cd "$work" && pgbench -h /tmp -p 15432 -U postgres -n -c 64 -j 2 -T "$seconds" -f "$OLDPWD/tools/pg/append.sql" -l --log-prefix=pg postgres | tee "$work/pgbench.out")
cat "$work"/pg.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "pgbench latency p50 %.2f ms p99 %.2f ms\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'
su_run "$pgbin/pg_ctl" -D "$pgdata" stop -m fast >/dev/null

ours=$(awk '/Requests\/sec/{print $2}' "$work/wrk.out")
theirs=$(awk '/^tps/{print $3; exit}' "$work/pgbench.out")
python3 -c "print('## ratio CareLedger / PostgreSQL: %.1fx (%s vs %s appends/s)' % ($ours / $theirs, '$ours', '$theirs'))"
rm -rf "$work"
