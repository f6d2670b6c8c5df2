#!/usr/bin/env python3
"""Reads export workbooks back with openpyxl, a reader independent of the writer
(libxlsxwriter), for the profile tests: prints, per file, every sheet's name and rows, each
cell as {"t": "s"|"n", "v": value} or null for an empty cell."""
import json, sys

import openpyxl

out = {}
for path in sys.argv[1:]:
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = []
    for ws in book.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = []
            for c in row:
                if c.value is None:
                    cells.append(None)
                elif c.data_type == "n":
                    cells.append({"t": "n", "v": repr(float(c.value))})
                else:
                    cells.append({"t": c.data_type, "v": str(c.value)})
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
        sheets.append({"name": ws.title, "rows": rows})
    out[path.rsplit("/", 1)[-1]] = sheets
json.dump(out, sys.stdout, ensure_ascii=False)
