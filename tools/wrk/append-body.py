#!/usr/bin/env python3
"""Writes the body template tools/wrk/append.lua posts: the ~1 KiB organisation penalty of
schemas/examples, with @N@ where append.lua puts each request's own decision number.
With --people, a ~1 KiB penalty against a person instead, with @ID@ where append.lua puts a
resident ID number of its own for each request: every record then names a new person, so
the vault makes a data key (a key frame) for each one.
Usage: python3 tools/wrk/append-body.py [--people] OUT   (from the repository's root)"""
import json
import sys

people = "--people" in sys.argv[1:]
out = [a for a in sys.argv[1:] if a != "--people"][0]
doc = json.load(open("schemas/examples/valid/penalty-%s.json" % ("person" if people else "organization")))
body = doc["body"]
body["decisionNo"] = "瓯卫罚〔2026〕bench-@N@号"
if people:
    body["party"]["idNumber"] = "@ID@"
body["facts"] = "经查，当事人监控录像保存不足90日，部分区域无监控覆盖，晨午检记录缺失。" * 6
body["authority"] = {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"}
body["dataSource"] = {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855"}
text = json.dumps(doc, ensure_ascii=False)
open(out, "w").write(text)
print("record size: %d bytes" % len(text.encode()))
