#!/usr/bin/env bash
# Reproduces the TransparencyLog figures of BENCHMARKS.md on this machine (release build).
# Usage: tools/bench-log.sh [WORKDIR]   (needs ~14 GB free in WORKDIR; default /tmp/careledger-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/careledger-bench}
rm -rf "$work" && mkdir -p "$work"
swift build -c release --product log-bench >/dev/null
swift build -c release --product careledger >/dev/null
bench=.build/release/log-bench
cli=.build/release/careledger

echo "## machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(df -h "$work" | awk 'NR==2{print $1" "$6}'), $(date -u +%F)"
grep -m1 'model name' /proc/cpuinfo || true

echo "## reference: openssl speed (same machine)"
openssl speed -seconds 3 -evp sha256 2>/dev/null | grep -E '^(type|sha256)'
openssl speed -seconds 3 ed25519 2>/dev/null | grep -E 'Ed25519|sign/s'

echo "## durable appends, 1 KiB entries"
for n in 1 16 256; do
  $bench append --dir "$work/append-$n" --appenders "$n" --seconds 10 --entry-size 1024
done

echo "## inclusion proofs at 1M and 10M entries (64-byte entries)"
$bench fill --dir "$work/records" --count 1000000 --entry-size 64
$bench proofs --dir "$work/records" --seconds 5 --threads 1
$bench proofs --dir "$work/records" --seconds 5 --threads 2
$bench fill --dir "$work/records" --count 9000000 --entry-size 64
$bench proofs --dir "$work/records" --seconds 5 --threads 1
$bench proofs --dir "$work/records" --seconds 5 --threads 2

echo "## reopen at 10M entries: clean stop, then kill -9 under load"
$bench reopen --dir "$work/records"
$bench load-forever --dir "$work/records" --entry-size 64 > "$work/load.out" 2>&1 &
pid=$!
sleep 4
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
$bench reopen --dir "$work/records"

echo "## verify a 1 GB log of 1 KiB entries (ratio against openssl sha256 at 1 KiB above)"
$bench fill --dir "$work/gig/records" --count 1000000 --entry-size 1024
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
$cli log verify --data "$work/gig"
$cli log verify --data "$work/gig"

echo "## storage overhead"
echo "(see 'overhead' in the fill and append lines above: bytes on disk beyond the entries, per entry)"
rm -rf "$work"
