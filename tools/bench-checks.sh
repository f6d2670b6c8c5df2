#!/usr/bin/env bash
# Background checks with 1,000,000 records over 300,000 people loaded: start-up (index
# rebuild, then snapshot + tail), server memory per record, POST /v1/checks under wrk (64
# connections; each check is durably in the access log before it is answered), and
# PostgreSQL 15 doing the same lookup plus a chained, durable audit insert under pgbench.
# Usage: tools/bench-checks.sh [SECONDS]   (needs wrk and postgresql: apt-get install wrk postgresql)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
work=$(mktemp -d /tmp/careledger-checks-bench.XXXX)
port=18082
swift build -c release --product careledger >/dev/null 2>&1
swift build -c release --product load-records >/dev/null 2>&1
cli=$PWD/.build/release/careledger
echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(date -u +%F)"

# Sealed as the service seals them, with the key file serve finds beside the data directory.
.build/release/load-records --data "$work/data" --records 1000000 --people 300000 --vault-key-file "$work/careledger-vault.key"

wait_up() { for _ in $(seq 600); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && return 0; sleep 0.05; done; return 1; }
rss_kb() { awk '/VmRSS/{print $2}' /proc/$1/status; }

# An empty server's memory, for the per-record figure.
"$cli" serve --data "$work/empty" --listen 127.0.0.1:$port --log-level warning > "$work/empty.log" 2>&1 &
pid=$!; wait_up; empty_rss=$(rss_kb $pid); kill -TERM $pid; wait $pid || true

start=$(date +%s.%N)
"$cli" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning --principal-rate 1000000 --address-rate 1000000 > "$work/serve1.log" 2>&1 &
pid=$!; wait_up
echo "start-up with no snapshot (replay + index rebuild of 1M records): $(echo "$(date +%s.%N) - $start" | bc) s"
kill -TERM $pid; wait $pid || true
start=$(date +%s.%N)
"$cli" serve --data "$work/data" --listen 127.0.0.1:$port --log-level warning --check-quota 1000000000 --principal-rate 1000000 --address-rate 1000000 > "$work/serve2.log" 2>&1 &
pid=$!; wait_up
echo "start-up from the snapshot: $(echo "$(date +%s.%N) - $start" | bc) s"
loaded_rss=$(rss_kb $pid)
echo "server RSS: empty $empty_rss KiB, with 1M records $loaded_rss KiB: $(( (loaded_rss - empty_rss) * 1024 / 1000000 )) bytes/record (index and registry)"

admin=$(cat "$work/data/admin.token")
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/principals -H "Authorization: Bearer $admin" \
  -d '{"id":"inst-bench","role":"institution","institution":{"name":"温州市瓯海区小星星托育有限公司","uscc":"91330304MA2J7K8L10","region":"330304"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
before=$("$cli" log checkpoint --data "$work/data" --log access | sed -n 2p)
echo "## CareLedger: POST /v1/checks, 64 connections, ${seconds}s"
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
ticks_before=$(cpu_ticks $pid)
CARELEDGER_TOKEN=$token CARELEDGER_PEOPLE=$work/data/people.txt \
  wrk -t2 -c64 -d${seconds}s --latency -s tools/wrk/check.lua http://127.0.0.1:$port | tee "$work/wrk.out"
ticks_after=$(cpu_ticks $pid)
answered=$(awk '/requests in/{print $1}' "$work/wrk.out")
# Server CPU per check (user + system, clock ticks of 10 ms): what the rate costs, whatever else runs.
echo "server CPU: $(( (ticks_after - ticks_before) * 10000 / answered )) µs per check"
kill -TERM $pid; wait $pid || true
after=$("$cli" log checkpoint --data "$work/data" --log access | sed -n 2p)
echo "access log grew by $((after - before)) entries"
"$cli" verify --data "$work/data"

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata=$work/pg
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$pgdata"; chown postgres "$work" "$pgdata" 2>/dev/null || true
run_pg "$pgbin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
run_pg "$pgbin/pg_ctl" -D "$pgdata" -o "-p 15433 -k /tmp -c fsync=on -c synchronous_commit=on -c max_connections=100 -c shared_buffers=1GB" -l "$work/pg.log" start >/dev/null
trap 'run_pg "$pgbin/pg_ctl" -D "$pgdata" stop -m fast >/dev/null 2>&1 || true' EXIT
for _ in $(seq 50); do psql -h /tmp -p 15433 -U postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
psql -q -h /tmp -p 15433 -U postgres -f tools/pg/checks.sql
echo "## PostgreSQL: lookup + chained audit insert per transaction, 64 clients, ${seconds}s"
(cd "$work" && pgbench -h /tmp -p 15433 -U postgres -n -c 64 -j 2 -T "$seconds" -f "$OLDPWD/tools/pg/check.sql" -l --log-prefix=pg postgres | tee "$work/pgbench.out")
cat "$work"/pg.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "pgbench latency p50 %.2f ms p99 %.2f ms\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'
ours=$(awk '/Requests\/sec/{print $2}' "$work/wrk.out")
theirs=$(awk '/^tps/{print $3; exit}' "$work/pgbench.out")
python3 -c "print('## ratio CareLedger / PostgreSQL: %.1fx (%s vs %s checks/s)' % ($ours / $theirs, '$ours', '$theirs'))"
# Stop the server (and wait for it) before deleting its directory: it writes WAL while it
# shuts down, and rm racing it failed the run.
run_pg "$pgbin/pg_ctl" -D "$pgdata" stop -m fast -w >/dev/null
rm -rf "$work"
