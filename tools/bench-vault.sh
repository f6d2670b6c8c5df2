#!/usr/bin/env bash
# Issue 15's cost of the vault on the export (BENCHMARKS.md "Personal-data vault"): the same
# 1M generated records (tools/load-records, same seed) loaded twice, once as v1 entries (the
# format before sealed entries) and once sealed into the file vault as the service seals them;
# then one `careledger export --profile csv-2.0` of each, one after the other, with rate, peak
# RSS, and the vault's bytes per record. Release build.
# Usage: tools/bench-vault.sh [records=1000000] [workdir=/tmp/careledger-vault-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
work=${2:-/tmp/careledger-vault-bench}
swift build -c release --product careledger >/dev/null
swift build -c release --product load-records >/dev/null
bin=$(swift build -c release --show-bin-path)
rm -rf "$work"; mkdir -p "$work"; chmod 700 "$work"
echo "## tools/bench-vault.sh $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $records records"
"$bin/load-records" --data "$work/plain" --records "$records" --people 300000
"$bin/load-records" --data "$work/sealed" --records "$records" --people 300000 --vault-key-file "$work/careledger-vault.key"
for kind in plain sealed; do
  sync
  echo "== export of the $kind log (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -v "$bin/careledger" export --data "$work/$kind" --out "$work/spool-$kind" --profile csv-2.0 \
    2> "$work/time-$kind.txt" > "$work/export-$kind.txt" || { cat "$work/time-$kind.txt" "$work/export-$kind.txt"; exit 1; }
  elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-$kind.txt")
  seconds=$(echo "$elapsed" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$kind.txt")
  echo "wall ${seconds}s, rate $(awk -v n="$records" -v s="$seconds" 'BEGIN { printf "%.0f", n/s }') records/s, peak RSS $((rss / 1024)) MB"
  tail -2 "$work/export-$kind.txt"
done
vault=$(du -sb "$work/sealed/vault" | cut -f1)
leaves=$(cat "$work/sealed/records/segments/"* | wc -c)
plain=$(cat "$work/plain/records/segments/"* | wc -c)
echo "vault: $vault bytes, $(awk -v v="$vault" -v n="$records" 'BEGIN { printf "%.0f", v/n }') bytes per record"
echo "log segments: v1 $plain bytes ($(awk -v v="$plain" -v n="$records" 'BEGIN { printf "%.0f", v/n }')/record), sealed $leaves bytes ($(awk -v v="$leaves" -v n="$records" 'BEGIN { printf "%.0f", v/n }')/record)"
