#!/usr/bin/env python3
"""Compares the workbooks of two export batches cell by cell, as openpyxl (a reader
independent of both writers) reads them: sheet names, row counts, and every non-empty
cell's column, type and value. Used to hold the streaming writer to libxlsxwriter on a
full batch (BENCHMARKS.md "Export profiles at 1M"):

    tools/export-profiles/compare_xlsx.py SPOOL_A/BATCH SPOOL_B/BATCH

Exit status 0 when every workbook matches, 1 at the first difference."""
import itertools, os, sys

import openpyxl

a, b = sys.argv[1], sys.argv[2]
names = sorted(f for f in os.listdir(a) if f.endswith(".xlsx"))
if names != sorted(f for f in os.listdir(b) if f.endswith(".xlsx")):
    sys.exit(f"the batches hold different workbooks: {names}")
total = 0
for name in names:
    wa = openpyxl.load_workbook(os.path.join(a, name), read_only=True)
    wb = openpyxl.load_workbook(os.path.join(b, name), read_only=True)
    if [s.title for s in wa.worksheets] != [s.title for s in wb.worksheets]:
        sys.exit(f"{name}: different sheets")
    for sa, sb in zip(wa.worksheets, wb.worksheets):
        n = 0
        for ra, rb in itertools.zip_longest(sa.iter_rows(), sb.iter_rows()):
            if ra is None or rb is None:
                sys.exit(f"{name} {sa.title}: one sheet ends at row {n}")
            va = [(i, c.data_type, c.value) for i, c in enumerate(ra) if c.value is not None]
            vb = [(i, c.data_type, c.value) for i, c in enumerate(rb) if c.value is not None]
            if va != vb:
                sys.exit(f"{name} {sa.title} row {n + 1} differs")
            n += 1
        print(f"{name} {sa.title}: {n} rows identical", flush=True)
        total += n
print(f"all {total} rows identical")
