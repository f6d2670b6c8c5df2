#!/usr/bin/env bash
# What the personal-data vault costs an append, in one binary (BENCHMARKS.md "Issue 15, evening
# of 2026-12-06"): this checkout's careledger against the same commit built with
# tools/ablations/no-vault.patch (records stored unsealed, no vault sync in the log's beforeCommit; for
# measurement only, never a product build), alternately under tools/bench-appends-ab.sh.
# Usage: tools/bench-vault-ablation.sh [rounds=3] [seconds=10] [worktree=/tmp/careledger-no-vault]
# The worktree's first release build takes ~7 minutes on 2 cores; later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-10}; tree=${3:-/tmp/careledger-no-vault}
swift build -c release --product careledger >/dev/null
head=$(git rev-parse HEAD)
if [ -d "$tree" ]; then
  git -C "$tree" checkout -q --detach -f "$head"
else
  git worktree add -f --detach "$tree" "$head" >/dev/null
fi
git -C "$tree" apply "$PWD/tools/ablations/no-vault.patch"
(cd "$tree" && swift build -c release --product careledger >/dev/null)
git -C "$tree" checkout -q -- .
echo "A = vault on ($head), B = no vault (the same commit with tools/ablations/no-vault.patch)"
tools/bench-appends-ab.sh "$PWD/.build/release/careledger" "$tree/.build/release/careledger" "$rounds" "$seconds"
