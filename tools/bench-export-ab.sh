#!/usr/bin/env bash
# Issue 15's export figure, before and after a change, on the same machine in one run:
# `careledger export --profile csv-2.0` of the sealed (and plain) logs that tools/bench-vault.sh
# built, the two binaries alternating, so a slow phase of the machine hits both alike. Prints
# every run, then the median per binary and log, and checks that every run of a log wrote the
# same batch files byte for byte.
# Usage: tools/bench-export-ab.sh BEFORE_BIN AFTER_BIN [rounds=5] [workdir=/tmp/careledger-vault-bench] [kinds="sealed plain"]
set -euo pipefail
before=$1 after=$2 rounds=${3:-5} work=${4:-/tmp/careledger-vault-bench} kinds=${5:-sealed plain}
[ -d "$work/sealed" ] || { echo "no logs in $work: run tools/bench-vault.sh first" >&2; exit 1; }
results=$(mktemp)
echo "## tools/bench-export-ab.sh $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $rounds rounds"
echo "before: $before"
echo "after:  $after"
for round in $(seq 1 "$rounds"); do
  for kind in $kinds; do
    for side in before after; do
      bin=${!side}
      spool="$work/spool-ab-$side"
      rm -rf "$spool"; sync
      keyflag=()
      [ "$kind" = sealed ] && keyflag=(--vault-key-file "$work/careledger-vault.key")
      /usr/bin/time -f "%e %U %S %M" -o "$work/time-ab.txt" "$bin" export --data "$work/$kind" --out "$spool" \
        --profile csv-2.0 "${keyflag[@]}" > "$work/export-ab.txt"
      read -r wall user sys rss < "$work/time-ab.txt"
      records=$(sed -n 's/^batch [^:]*: \([0-9]*\) records.*/\1/p' "$work/export-ab.txt")
      files=$(cd "$spool" && sha256sum */*.csv */*.jsonl | awk '{print $1}' | sha256sum | cut -c1-16)
      echo "round $round $kind $side: ${wall}s, user ${user}s, sys ${sys}s, peak RSS $((rss / 1024)) MB, $records records, files $files"
      echo "$kind $side $wall $records $files" >> "$results"
    done
  done
done
echo "## medians"
for kind in $kinds; do
  for side in before after; do
    awk -v k="$kind" -v s="$side" '$1 == k && $2 == s { print $3, $4 }' "$results" | sort -n |
      awk -v k="$kind" -v s="$side" '{ w[NR] = $1; n = $2 } END { m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2;
        printf "%s %s: median %.2f s = %.0f records/s\n", k, s, m, n / m }'
  done
  distinct=$(awk -v k="$kind" '$1 == k { print $5 }' "$results" | sort -u | wc -l)
  echo "$kind: $distinct distinct batch file set(s) over all runs (1 = byte-identical)"
done
rm -f "$results"
