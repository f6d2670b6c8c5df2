#!/usr/bin/env python3
"""Writes the body template tools/wrk/append.lua posts: the ~1 KiB organisation penalty of
schemas/examples, with @N@ where append.lua puts each request's own decision number.
Usage: python3 tools/wrk/append-body.py OUT   (from the repository's root)"""
import json
import sys

doc = json.load(open("schemas/examples/valid/penalty-organization.json"))
body = doc["body"]
body["decisionNo"] = "瓯卫罚〔2026〕bench-@N@号"
body["facts"] = "经查，当事人监控录像保存不足90日，部分区域无监控覆盖，晨午检记录缺失。" * 6
body["authority"] = {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"}
body["dataSource"] = {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855"}
text = json.dumps(doc, ensure_ascii=False)
open(sys.argv[1], "w").write(text)
print("record size: %d bytes" % len(text.encode()))
