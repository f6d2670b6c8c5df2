#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: tools/fuzzers/seeds.py OUT_DIR.

fuzz-record  every schemas/examples JSON file, each valid one also wrapped as a stored
             log envelope, and a few hostile shapes (deep nesting, escapes, big numbers)
fuzz-ids     every identifier-looking string in schemas/examples, and cut/flipped variants
fuzz-note    the C2SP reference note (golang.org/x/mod/sumdb/note) and a CareLedger
             checkpoint with its signature, as in Tests/TransparencyLogTests/NoteTests.swift
fuzz-frame   frames encoded as Sources/TransparencyLog/Storage/Frame.swift does (CRC-32C here)
fuzz-tilepath  canonical tile paths and near misses
"""
import glob, hashlib, json, os, re, struct, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out = sys.argv[1]

def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

examples = sorted(glob.glob(os.path.join(root, "schemas/examples/*/*.json")))
for path in examples:
    name = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
    raw = open(path, "rb").read()
    put("fuzz-record", name, raw)
    if "/valid/" in path:
        doc = json.loads(raw)
        env = {"v": 1, "kind": doc.get("kind"), "body": doc.get("body"), "submittedAt": "2026-11-22T08:00:00Z",
               "submittedBy": {"principal": "insp-ouhai-01", "authority": "113303040025997855"}}
        if "clientSignature" in doc:
            env["clientSignature"] = doc["clientSignature"]
        put("fuzz-record", "envelope-" + name, json.dumps(env, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
for i, s in enumerate(["[" * 40 + "]" * 40, '{"a":' * 33 + "1" + "}" * 33, '"\\ud83d\\ude00\\u0000\\n"',
                       "[1e400,-0,0.1e-7,123456789012345678901234567890,1E+2]", '{"a":1,"a":2}', '"\\udc00"']):
    put("fuzz-record", "shape-%d.json" % i, s)

ids = set()
for path in examples:
    ids.update(re.findall(rb'"([0-9A-Za-z]{5,20})"', open(path, "rb").read()))
for i, v in enumerate(sorted(ids)):
    put("fuzz-ids", "id-%03d" % i, v)
    put("fuzz-ids", "id-%03d-cut" % i, v[:-1])
    put("fuzz-ids", "id-%03d-lower" % i, v.lower())

go_text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
peter = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
enoch = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
body = "example.com/careledger\n7\nZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=\n"
sig = "— example.com/careledger xWcXolCBN/ceQJRp3+5kAEI9jbNdLPJSkijqy7r2BVlw8Icoqi0zfwEH5lKy4cyPzezCIH8NrZQ7I7ARxeLgCt9azAM=\n"
for i, s in enumerate([go_text + "\n" + peter, go_text + "\n" + peter + enoch, body, body + "\n" + sig,
                       body.replace("\n7\n", "\n18446744073709551615\n") + "extension line\n",
                       "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                       "example.com/careledger+c56717a2+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"]):
    put("fuzz-note", "note-%d" % i, s)

# CRC-32C (Castagnoli, reflected 0x82F63B78).
table = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    table.append(c)
def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF
def frame(kind, payload, chain=None):
    n = len(payload)
    crc = crc32c(bytes([kind, n >> 8, n & 0xFF]) + payload + (chain or b""))
    word = (crc & 0x7FFFFFFF) | (0x80000000 if kind == 1 else 0)
    return struct.pack(">HI", n, word) + payload + (chain or b"")
chain = b"\0" * 32
run = b""
for i, path in enumerate(p for p in examples if "/valid/" in p):
    payload = open(path, "rb").read()
    chain = hashlib.sha256(chain + hashlib.sha256(b"\0" + payload).digest()).digest()
    f = frame(0, payload, chain)
    put("fuzz-frame", "entry-%d" % i, f)
    run += f
cp = frame(1, (body + "\n" + sig).encode())
put("fuzz-frame", "checkpoint", cp)
put("fuzz-frame", "run", run + cp)
put("fuzz-frame", "run-torn", (run + cp)[:-7])
put("fuzz-frame", "empty-entry", frame(0, b"", b"\1" * 32))

for i, s in enumerate(["tile/0/000", "tile/0/x001/x234/067.p/8", "tile/entries/005", "tile/63/x018/x446/x744/x073/x709/x551/615",
                       "tile/1/255.p/255", "tile/0/../001", "tile/0//001", "tile/entries/000.p/1", "tile/0/x000/001"]):
    put("fuzz-tilepath", "tile-%d" % i, s)
