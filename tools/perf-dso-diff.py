#!/usr/bin/env python3
"""Compares two `perf record` profiles per append, by library (or, with --sym SUBSTRING, by
symbol within the libraries whose name contains it): µs of on-CPU samples per append in A and
B, and B - A. The profiles come from tools/profile-appends.sh (PERF=1, 2,000 samples a second).
Usage: tools/perf-dso-diff.py A.perf.data A_APPENDS B.perf.data B_APPENDS [--sym kernel]"""
import re
import subprocess
import sys

HZ = 2000


def per_append(path, appends, sym):
    fields = "sample,dso,sym" if sym else "sample,dso"
    out = subprocess.run(["perf", "report", "-i", path, "--no-children", "-g", "none", "--sort", fields.split(",", 1)[1],
                          "-q", "--stdio", "-F", fields], capture_output=True, text=True, check=True).stdout
    costs = {}
    for line in out.splitlines():
        if sym:
            m = re.match(r"\s*(\d+)\s+(\S+)\s+\[.\]\s+(.*)", line)
            if not m or sym not in m.group(2):
                continue
            key = m.group(3).strip()[:90]
        else:
            m = re.match(r"\s*(\d+)\s+(.*)", line)
            if not m:
                continue
            key = m.group(2).strip()
            key = "the careledger binary" if key.startswith(("careledger", "cl-")) else key
        costs[key] = costs.get(key, 0) + int(m.group(1)) * 1e6 / HZ / appends
    return costs


def main():
    args = [a for a in sys.argv[1:] if a != "--sym"]
    sym = sys.argv[sys.argv.index("--sym") + 1] if "--sym" in sys.argv else None
    if sym:
        args.remove(sym)
    if len(args) != 4:
        sys.exit(__doc__)
    a = per_append(args[0], int(args[1]), sym)
    b = per_append(args[2], int(args[3]), sym)
    print(f"{'':40} {'A':>8} {'B':>8} {'B - A':>8}   (µs per append)")
    print(f"{'all':40} {sum(a.values()):8.1f} {sum(b.values()):8.1f} {sum(b.values()) - sum(a.values()):+8.1f}")
    for key in sorted(set(a) | set(b), key=lambda k: -(b.get(k, 0) - a.get(k, 0)))[:25]:
        print(f"{key[:40]:40} {a.get(key, 0):8.1f} {b.get(key, 0):8.1f} {b.get(key, 0) - a.get(key, 0):+8.1f}")


if __name__ == "__main__":
    main()
