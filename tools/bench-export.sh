#!/usr/bin/env bash
# Export benchmark (BENCHMARKS.md, "Export — issue 5"): loads N mixed records into a fresh
# data directory, then times one `careledger export` of all of them per profile (read, verify
# against the signed checkpoint, map, write the profile's files, hash, sign), reporting
# records/s and peak RSS side by side. Release build.
# Usage: [PROFILES="csv-2.0 national-2.0"] [SCRATCH=dir] tools/bench-export.sh [records=1000000] [workdir=/tmp/careledger-export-bench]
# ROUNDS=N repeats the profiles N times, one after the other each round, and ends with each
# profile's median rate and its ratio to the first profile's in the same round: this machine's
# speed drifts by a third within minutes, so only figures taken side by side compare.
# A profile written NAME+libxlsxwriter is the shipped NAME with its workbooks written by
# libxlsxwriter instead of the export's own streaming writer (docs/export.md "Excel writers").
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
work=${2:-/tmp/careledger-export-bench}

# SCRATCH=DIR builds in another scratch path (beside a debug build in .build that is in use).
scratch=(${SCRATCH:+--scratch-path "$SCRATCH"})
swift build -c release "${scratch[@]}" --product careledger >/dev/null
swift build -c release "${scratch[@]}" --product export-bench-load >/dev/null
bin=$(swift build -c release "${scratch[@]}" --show-bin-path)

if [ ! -f "$work/loaded-$records" ]; then
  rm -rf "$work"; mkdir -p "$work"
  "$bin/export-bench-load" --data "$work/data" --records "$records" --examples schemas/examples/valid
  touch "$work/loaded-$records"
fi
vkey=$("$bin/careledger" log vkey --data "$work/data")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "log: $(du -sh "$work/data/records" | cut -f1) for $records records"

# One export per profile, into its own spool, one after the other on the same data (issue 16:
# the project's CSV beside the national Excel template).
profiles=(${PROFILES:-csv-2.0 national-2.0})
results="$work/rounds.txt"
: > "$results"
for round in $(seq 1 "${ROUNDS:-1}"); do
for profile in "${profiles[@]}"; do
  spool="$work/spool-$profile"
  use="$profile"
  if [[ "$profile" == *+libxlsxwriter ]]; then
    use="$work/${profile%+libxlsxwriter}-libxlsxwriter.json"
    sed 's/"format": "xlsx",/"format": "xlsx", "xlsxWriter": "libxlsxwriter",/' "schemas/export/profiles/${profile%+libxlsxwriter}.json" > "$use"
  fi
  rm -rf "$spool"
  sync
  echo "== $profile (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -v "$bin/careledger" export --data "$work/data" --out "$spool" --profile "$use" 2> "$work/time.txt" | tee "$work/export.txt"
  elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  seconds=$(echo "$elapsed" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  echo "wall: ${seconds}s, user: $(awk -F': ' '/User time/ {print $2}' "$work/time.txt")s, sys: $(awk -F': ' '/System time/ {print $2}' "$work/time.txt")s"
  rate=$(awk -v n="$records" -v s="$seconds" 'BEGIN { printf "%.0f", n/s }')
  echo "rate: $rate records/s"
  echo "$round $profile $rate" >> "$results"
  echo "peak RSS: $((rss / 1024)) MB"
  echo "batch: $(du -sh "$spool" | cut -f1)"
  batch=$(ls "$spool" | grep -v cursor.json | head -1)
  "$bin/careledger" export verify-batch "$spool/$batch" --vkey "$vkey"
done
done

if [ "${ROUNDS:-1}" -gt 1 ]; then
  echo "== ${ROUNDS} rounds (rate records/s; ratio to ${profiles[0]} in the same round)"
  python3 - "$results" "${profiles[@]}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
first = sys.argv[2]
base = {r: float(rate) for r, p, rate in rows if p == first}
for profile in sys.argv[2:]:
    rates = {r: float(rate) for r, p, rate in rows if p == profile}
    ratios = [rates[r] / base[r] for r in rates]
    print(f"{profile}: median {statistics.median(rates.values()):.0f} (from {min(rates.values()):.0f} to {max(rates.values()):.0f}),"
          f" ratio median {statistics.median(ratios):.2f} (from {min(ratios):.2f} to {max(ratios):.2f})")
PY
fi
