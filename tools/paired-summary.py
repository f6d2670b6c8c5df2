#!/usr/bin/env python3
"""The summary line of the paired benchmarks (tools/bench-appends-paired.sh,
tools/bench-vault-checks-paired.sh): stdin has one round per line, "RATE_A RATE_B"; the
ratio of each round is paired (both sides ran at the same moment), so its mean and standard
error say how B compares with A on this machine. Usage: paired-summary.py "B against A"."""
import statistics
import sys

label = sys.argv[1] if len(sys.argv) > 1 else "B against A"
pairs = [tuple(map(float, line.split())) for line in sys.stdin if line.strip()]
ratios = [b / a - 1 for a, b in pairs]
error = statistics.stdev(ratios) / len(ratios) ** 0.5 if len(ratios) > 1 else float("nan")
print(f"{label}: mean {statistics.mean(ratios):+.1%} (standard error {error:.1%}), "
      f"median {statistics.median(ratios):+.1%}, of sums {sum(b for _, b in pairs) / sum(a for a, _ in pairs) - 1:+.1%}")
