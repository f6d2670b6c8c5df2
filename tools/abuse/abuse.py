#!/usr/bin/env python3
"""HTTP abuse run against a real `careledger serve` (issue 6, part 4). Standard library only.

    tools/abuse/abuse.py [--binary .build/release/careledger] [--idle 2000] [--slow 1000]
                         [--hold 10] [--slow-hold 15] [--url http://127.0.0.1:PORT --admin-token-file F]

Starts the service on a temporary data directory and a free port (unless --url is given),
makes an inspector with the admin token, then runs each attack while a separate probe
process times GET /healthz on a fresh connection every 20 ms. Every attack that is due an
answer must get a 4xx (never a 5xx, never a dropped connection); slow and idle connections
must not stop the service from answering others; /healthz must stay under 50 ms. Prints a
table and exits 1 if anything failed.
"""
import argparse, http.client, json, os, resource, select, shutil, signal, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HOST = "127.0.0.1"
LIMIT_MS = 50.0


# ---------------------------------------------------------------- probe (own process, no GIL sharing)

def probe_main(port, interval):
    out = sys.stdout
    while True:
        t0 = time.perf_counter()
        status = 0
        try:
            c = http.client.HTTPConnection(HOST, port, timeout=5)
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            status = r.status
            c.close()
        except Exception:
            status = -1
        ms = (time.perf_counter() - t0) * 1000
        out.write("%.6f %.3f %d\n" % (time.time(), ms, status))
        out.flush()
        time.sleep(interval)


# ---------------------------------------------------------------- HTTP helpers

def read_response(sock, timeout=10.0):
    """Reads one HTTP/1.1 response; returns (status, headers, body) or (None, why, b'')."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None, "closed before a response" if not data else "closed mid-head", b""
            data += chunk
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            n = int(headers["content-length"])
            while len(rest) < n:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                rest += chunk
            return status, headers, rest[:n]
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in rest:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return status, headers, body
                    rest += chunk
                size_line, rest = rest.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return status, headers, body + rest
                    rest += chunk
                if size == 0:
                    return status, headers, body
                body += rest[:size]
                rest = rest[size + 2:]
        return status, headers, rest
    except socket.timeout:
        return None, "timed out waiting for a response", b""
    except (ConnectionResetError, BrokenPipeError) as e:
        return None, "connection reset (%s)" % type(e).__name__, b""


def raw(port, data, timeout=10.0, send_all=True):
    """Sends raw bytes on a new connection and reads one response."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        try:
            if send_all:
                s.sendall(data)
            else:
                s.send(data)
        except (ConnectionResetError, BrokenPipeError):
            pass  # the server may answer (e.g. 413) and close before the rest is sent
        return read_response(s, timeout)
    finally:
        s.close()


def request_bytes(method, path, body=None, headers=None, host="careledger"):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if body is not None:
        lines.append("Content-Length: %d" % len(body))
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def api(port, method, path, body=None, token=None, extra=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    headers.update(extra or {})
    return raw(port, request_bytes(method, path, body, headers))


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.rows = []          # (attack, cases, ok, detail, start, end)
        self.failures = []

    def add(self, name, cases, ok, detail, start, end):
        self.rows.append((name, cases, ok, detail, start, end))
        if ok != cases:
            self.failures.append(name)


REPEAT = 3.0  # seconds: quick attacks are repeated this long so the probe measures under them


def rounds(cases):
    """The cases over and over until REPEAT seconds have passed (at least once)."""
    t_end = time.time() + REPEAT
    while True:
        for case in cases:
            yield case
        if time.time() >= t_end:
            return


def expect_4xx(results, name, port, cases, start=None, forbid=()):
    """cases: list of (label, bytes). Each must get a 4xx whose body holds none of `forbid`."""
    start = start or time.time()
    ok, statuses, bad, n = 0, {}, [], 0
    for label, data in rounds(cases):
        n += 1
        status, headers, body = raw(port, data)
        statuses[status] = statuses.get(status, 0) + 1
        leaked = [f for f in forbid if f and f.encode() in body]
        if status is not None and 400 <= status < 500 and not leaked:
            ok += 1
        else:
            bad.append("%s→%s%s" % (label, status if status is not None else headers, " leaked" if leaked else ""))
    detail = " ".join("%s×%d" % (k, v) for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
    if bad:
        detail += "  FAIL: " + "; ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
    results.add(name, n, ok, detail, start, time.time())


# ---------------------------------------------------------------- attacks

def attack_idle(results, port, n, hold):
    start = time.time()
    socks, refused = [], 0
    for _ in range(n):
        try:
            socks.append(socket.create_connection((HOST, port), timeout=2))
        except OSError:
            refused += 1
            if refused >= 5:
                break  # the service stopped accepting: no point waiting out every connect
    served, tried = 0, 0
    t_end = time.time() + hold
    while time.time() < t_end:
        try:
            status, _, _ = raw(port, request_bytes("GET", "/log/checkpoint"), timeout=2)
        except OSError:
            status = None
        tried += 1
        served += status == 200
        time.sleep(0.5)
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    ok = refused == 0 and served == tried
    results.add("idle connections", n, n - refused if ok else 0,
                "%d open %.0fs, %d connects failed, %d closed by server, %d/%d checkpoints served meanwhile" % (len(socks), hold, refused, closed, served, tried),
                start, time.time())


def attack_slowloris(results, port, n, hold):
    """n connections each trickling a never-ending header block, one byte per second. The
    service should close each one its head deadline (10 s) after it was opened; reports how
    many it closed and after how long (to within the 1 s tick)."""
    start = time.time()
    socks = {}  # socket -> when it was opened
    for _ in range(n):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            s.setblocking(False)
            socks[s] = time.time()
        except OSError:
            pass
    opened = len(socks)
    served, tried, t_end, closed_after, answered_408 = 0, 0, time.time() + hold, [], 0
    while time.time() < t_end:
        for s, opened_at in list(socks.items()):
            try:
                data = s.recv(4096)
                if data:  # the answer before the close (408); the close shows on the next tick
                    answered_408 += data.startswith(b"HTTP/1.1 408")
                    continue
                closed = True
            except BlockingIOError:
                try:
                    s.send(b"a")
                    closed = False
                except BlockingIOError:
                    closed = False
                except OSError:
                    closed = True
            except OSError:
                closed = True
            if closed:
                closed_after.append(time.time() - opened_at)
                del socks[s]
                s.close()
        status, _, _ = raw(port, request_bytes("GET", "/log/checkpoint"))
        tried += 1
        served += status == 200
        time.sleep(1)
    for s in socks:
        s.close()
    ok = served >= max(1, tried - 1)
    closed_after.sort()
    when = ("after %.1f/%.1f/%.1f s (min/median/max)" % (closed_after[0], closed_after[len(closed_after) // 2], closed_after[-1])
            if closed_after else "")
    results.add("slowloris headers", n, n if ok else 0,
                "%d trickling 1 B/s for %.0fs, %d closed by server %s (%d answered 408), %d still open, %d/%d checkpoints served meanwhile"
                % (opened, hold, len(closed_after), when, answered_408, len(socks), served, tried),
                start, time.time())


def attack_slow_body(results, port, n, hold, token):
    """n authenticated POST /v1/records trickling a body of a declared 100 kB."""
    start = time.time()
    socks = []
    head = request_bytes("POST", "/v1/records", None, {"Authorization": "Bearer " + token,
                                                       "Content-Type": "application/json", "Content-Length": "100000"})
    head = head.replace(b"Connection: close\r\n", b"")
    for _ in range(n):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.sendall(head + b"{")
            socks.append(s)
        except OSError:
            pass
    served, t_end = 0, time.time() + hold
    while time.time() < t_end:
        for s in list(socks):
            try:
                s.send(b" ")
            except OSError:
                socks.remove(s)
        status, _, _ = raw(port, request_bytes("GET", "/log/checkpoint"))
        served += status == 200
        time.sleep(1)
    # Cut them mid-body: the service must shrug (no crash, nothing appended).
    for s in socks:
        s.close()
    time.sleep(0.5)
    status, _, body = raw(port, request_bytes("GET", "/log/checkpoint"))
    ok = served >= max(1, int(hold) - 1) and status == 200
    results.add("slow request bodies", n, n if ok else 0,
                "%d trickling 1 B/s for %.0fs then cut, %d/%d checkpoints served meanwhile, after: %s" % (n, hold, served, int(hold), status),
                start, time.time())


def attack_headers(results, port, token):
    big = "a" * (100 * 1024)
    many = "".join("X-H%d: v\r\n" % i for i in range(5000))
    cases = [
        ("100KiB-header", request_bytes("GET", "/healthz", None, {"X-Big": big})),
        ("100KiB-auth", request_bytes("GET", "/v1/records/0", None, {"Authorization": "Bearer " + big})),
        ("5000-headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many.encode() + b"Connection: close\r\n\r\n"),
        ("1MiB-headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + ("X-Pad: %s\r\n" % ("b" * 1000)).encode() * 1000 + b"\r\n"),
        ("100KiB-url", request_bytes("GET", "/log/tile/" + "0" * (100 * 1024))),
        ("100KiB-query", request_bytes("GET", "/v1/log/proof/inclusion?seq=" + "9" * (100 * 1024))),
        ("header-no-colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
        ("nul-in-header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n"),
        ("bad-request-line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage-tls-hello\r\n\r\n"),
        ("bad-version", b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"),
        ("token-with-ctl", request_bytes("GET", "/v1/records/0", None, {"Authorization": "Bearer " + token[:-1] + "\x7f"})),
        ("two-content-lengths", b"POST /v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode()
         + b"\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}"),
        ("cl-and-chunked", b"POST /v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode()
         + b"\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ]
    expect_4xx(results, "oversized/malformed headers", port, cases)


def attack_bodies(results, port, token, admin):
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    start = time.time()
    cases = []
    huge = b"[" + b"0," * (5 * 1024 * 1024) + b"0]"
    cases.append(("10MiB-declared", request_bytes("POST", "/v1/records", huge, auth)))
    h = dict(auth, **{"Content-Length": "99999999999999999999999"})
    cases.append(("absurd-content-length", request_bytes("POST", "/v1/records", None, h) + b"{}"))
    h = dict(auth, **{"Content-Length": "-1"})
    cases.append(("negative-content-length", request_bytes("POST", "/v1/records", None, h) + b"{}"))
    chunk = b"x" * 65536
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(16)) + b"0\r\n\r\n"
    h = dict(auth, **{"Transfer-Encoding": "chunked"})
    cases.append(("1MiB-chunked-no-length", request_bytes("POST", "/v1/records", None, h) + chunked))
    cases.append(("300KiB-principal", request_bytes("POST", "/v1/principals", b"{" + b" " * 300000 + b"}",
                                                  dict(auth, Authorization="Bearer " + admin))))
    cases.append(("300KiB-check", request_bytes("POST", "/v1/checks", b"{" + b" " * 300000 + b"}", auth)))
    ok, statuses, bad, n = 0, {}, [], 0
    for label, data in rounds(cases):
        n += 1
        status, headers, _ = raw(port, data, send_all=False) if len(data) > 1 << 20 else raw(port, data)
        statuses[status] = statuses.get(status, 0) + 1
        if status is not None and 400 <= status < 500:
            ok += 1
        else:
            bad.append("%s→%s" % (label, status if status is not None else headers))
    detail = " ".join("%s×%d" % (k, v) for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
    if bad:
        detail += "  FAIL: " + "; ".join(bad)
    results.add("oversized bodies", n, ok, detail, start, time.time())


def keepalive_posts(port, path, bodies, token):
    """POSTs each body on one keep-alive connection (reconnecting if the server closes);
    returns {status: count} and the failures."""
    statuses, bad = {}, []
    conn = None
    # Lazily: rounds() repeats the cases until REPEAT seconds have passed *while sending*; a
    # list of it would hold as many copies as the generator makes in 3 s (millions).
    for label, body in rounds(bodies):
        for attempt in range(2):
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("POST", path, body=body, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                status = r.status
                if r.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
                break
            except (http.client.HTTPException, OSError) as e:
                if conn:
                    conn.close()
                conn = None
                status = None
                if attempt == 1:
                    bad.append("%s→%s" % (label, type(e).__name__))
        statuses[status] = statuses.get(status, 0) + 1
        if status is not None and not 400 <= status < 500:
            bad.append("%s→%d" % (label, status))
    if conn:
        conn.close()
    return statuses, bad


def summarize(results, name, n, start, statuses, bad):
    n = sum(statuses.values())
    ok = n - len(bad)
    detail = " ".join("%s×%d" % (k, v) for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))
    if bad:
        detail += "  FAIL: " + "; ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
    results.add(name, n, ok, detail, start, time.time())


def attack_cuts(results, port, token):
    start = time.time()
    example = open(os.path.join(ROOT, "schemas/examples/valid/ban-lifetime.json"), "rb").read().rstrip()
    bodies = [("cut@%d" % i, example[:i]) for i in range(len(example))]
    statuses, bad = keepalive_posts(port, "/v1/records", bodies, token)
    summarize(results, "JSON cut at every byte", len(bodies), start, statuses, bad)


def attack_utf8(results, port, token):
    start = time.time()
    sequences = {
        "ff": b"\xff", "c0af-overlong": b"\xc0\xaf", "e080af-overlong": b"\xe0\x80\xaf", "ed-a080-surrogate": b"\xed\xa0\x80",
        "f4908080-above-max": b"\xf4\x90\x80\x80", "lone-continuation": b"\x80", "truncated-e4b8": b"\xe4\xb8",
        "f8-5byte": b"\xf8\x88\x80\x80\x80", "esc-lone-high": b"\\ud800", "esc-lone-low": b"\\udc00", "esc-high-high": b"\\ud800\\ud800",
        "nul-raw": b"\x00", "latin1-name": "张三".encode("gb18030"),
    }
    example = open(os.path.join(ROOT, "schemas/examples/valid/ban-lifetime.json"), "rb").read()
    bodies = []
    for label, seq in sequences.items():
        bodies.append(("record-name-" + label, example.replace("张三".encode(), seq, 1) if "张三".encode() in example else b'{"x":"' + seq + b'"}'))
        bodies.append(("record-key-" + label, b'{"kind":"ban","' + seq + b'":1}'))
        bodies.append(("bare-" + label, seq))
    statuses, bad = keepalive_posts(port, "/v1/records", bodies, token)
    check_bodies = [(l, b'{"idType":"resident_id","idNumber":"11010519491231002X","name":"' + s + b'","purpose":"hiring","consentRef":"c"}')
                    for l, s in sequences.items()]
    s2, b2 = keepalive_posts(port, "/v1/checks", check_bodies, token)
    for k, v in s2.items():
        statuses[k] = statuses.get(k, 0) + v
    summarize(results, "invalid UTF-8", len(bodies) + len(check_bodies), start, statuses, bad + b2)


def attack_nesting(results, port, token):
    start = time.time()
    bodies = []
    for depth in (33, 64, 1000, 100000):
        bodies.append(("array-%d" % depth, b"[" * depth + b"]" * depth))
        bodies.append(("object-%d" % depth, b'{"a":' * depth + b"1" + b"}" * depth))
        bodies.append(("open-%d" % depth, b"[" * depth))
        bodies.append(("in-body-%d" % min(depth, 30000), b'{"kind":"ban","body":' + b'{"a":' * min(depth, 30000) + b"1" + b"}" * min(depth, 30000) + b"}"))
    statuses, bad = keepalive_posts(port, "/v1/records", bodies, token)
    s2, b2 = keepalive_posts(port, "/v1/checks", [("check-" + l, b) for l, b in bodies[:8]], token)
    for k, v in s2.items():
        statuses[k] = statuses.get(k, 0) + v
    summarize(results, "deep nesting", len(bodies) + 8, start, statuses, bad + b2)


def attack_arrays(results, port, token):
    start = time.time()
    example = json.load(open(os.path.join(ROOT, "schemas/examples/valid/inspection-rectification.json")))
    many_findings = json.loads(json.dumps(example))
    findings = many_findings["body"].get("findings") or [{}]
    many_findings["body"]["findings"] = (findings * 20000)[:20000]
    raw_findings = json.dumps(many_findings, ensure_ascii=False).encode()
    if len(raw_findings) > 250000:  # stay under the 256 KiB body limit: the validator must see it
        many_findings["body"]["findings"] = many_findings["body"]["findings"][: 20000 * 250000 // len(raw_findings)]
        raw_findings = json.dumps(many_findings, ensure_ascii=False).encode()
    bodies = [
        ("130k-zeros", b"[" + b"0," * 130000 + b"0]"),
        ("65k-empty-arrays", b"[" + b"[]," * 65000 + b"[]]"),
        ("40k-keys", b"{" + b",".join(b'"k%d":0' % i for i in range(20000)) + b"}"),
        ("findings×%d" % len(many_findings["body"]["findings"]), raw_findings),
        ("250KiB-string", b'{"kind":"ban","body":{"notes":"' + b"a" * 250000 + b'"}}'),
        ("long-number", b'{"kind":"ban","body":{"x":' + b"9" * 200000 + b"}}"),
        ("1e999999", b'{"kind":"ban","body":{"x":1e999999}}'),
    ]
    statuses, bad = keepalive_posts(port, "/v1/records", bodies, token)
    summarize(results, "huge arrays/strings/numbers", len(bodies), start, statuses, bad)


def attack_traversal(results, port, token, data_dir, admin):
    paths = [
        "/log/tile/../../../../etc/passwd", "/log/tile/0/../../admin.token", "/log/tile/%2e%2e/%2e%2e/admin.token",
        "/log/tile/0/%2e%2e%2f%2e%2e%2fadmin.token", "/log/tile/entries/..%2f..%2fserver-secret", "/log/tile/0/000%00",
        "/log/tile//etc/passwd", "/log/tile/0/x001/../000", "/log/tile/0/./000", "/log/tile/0/000.p/0", "/log/tile/64/000",
        "/log/tile/0/000.p/256", "/log/tile/0/x000/001", "/log/tile/00/000", "/log/tile/0/1", "/log/tile/0/0000",
        "/log/tile/-1/000", "/log/tile/0/-001", "/log/tile/0/x" + "999/x" * 8 + "999", "/log/tile/%30/000",
        "/log/tile/0/000.p/8/extra", "/log/tile/entries/x018/x446/x744/x073/x709/x551/616", "/log/tile/0/%c0%ae%c0%ae/x",
        "/log/tile/\\..\\..\\admin.token", "/log/tile/0/999999999999999999999999", "/log/tile/0/000?x=1",
        "/access-log/tile/../../server-secret", "/access-log/tile/0/..%2f..%2fprincipals.json",
        "/log/tile/0/x001/x234/067.p/8", "/log/tile/63/x018/x446/x744/x073/x709/x551/615",
        "/v1/institutions/..%2f..%2fadmin.token", "/v1/records/..%2fadmin.token",
    ]
    secret = open(os.path.join(data_dir, "server-secret"), "rb").read() if data_dir else b""
    forbid = [admin, "root:", "tokenSHA256", "careledger.local/records\n0\n"] if admin else ["root:"]
    cases = [(p, request_bytes("GET", p, None, {"Authorization": "Bearer " + admin} if p.startswith("/log/tile/entries") else None))
             for p in paths]
    expect_4xx(results, "path traversal in tile paths", port, cases, forbid=forbid)


def attack_queries(results, port, admin):
    qs = [
        "/v1/log/proof/inclusion?seq=-1", "/v1/log/proof/inclusion?seq=+0", "/v1/log/proof/inclusion?seq=18446744073709551615",
        "/v1/log/proof/inclusion?seq=18446744073709551616", "/v1/log/proof/inclusion?seq=1e3", "/v1/log/proof/inclusion?seq=0x10",
        "/v1/log/proof/inclusion?seq=", "/v1/log/proof/inclusion?seq=0&seq=0", "/v1/log/proof/inclusion?seq=0.0",
        "/v1/log/proof/inclusion?seq=%2D1", "/v1/log/proof/inclusion?seq=0&size=-5", "/v1/log/proof/inclusion?seq=" + "9" * 400,
        "/v1/log/proof/inclusion?seq=%00", "/v1/log/proof/inclusion?seq=%ff%fe",
        "/v1/log/proof/consistency?from=-1&to=1", "/v1/log/proof/consistency?from=0&to=99999999999999999999",
        "/v1/log/proof/consistency?from=2&to=1", "/v1/log/proof/consistency?from=18446744073709551615",
        "/v1/records?from=-1", "/v1/records?limit=0", "/v1/records?limit=1001", "/v1/records?limit=-1",
        "/v1/records?limit=1e9", "/v1/records?from=99999999999999999999999", "/v1/records?from=0&from=1",
        "/v1/records/-1", "/v1/records/99999999999999999999999", "/v1/records/18446744073709551615", "/v1/records/1e3",
    ]
    cases = [(q, request_bytes("GET", q, None, {"Authorization": "Bearer " + admin})) for q in qs]
    expect_4xx(results, "negative/huge query numbers", port, cases)


# ---------------------------------------------------------------- main

def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/careledger"))
    ap.add_argument("--url", help="attack a running service instead of starting one")
    ap.add_argument("--admin-token-file")
    ap.add_argument("--idle", type=int, default=2000, help="idle connections")
    ap.add_argument("--slow", type=int, default=1000, help="slowloris connections")
    ap.add_argument("--slow-bodies", type=int, default=200)
    ap.add_argument("--hold", type=float, default=10.0, help="seconds to hold slow bodies and idle connections")
    ap.add_argument("--slow-hold", type=float, default=15.0,
                    help="seconds to trickle slowloris headers (past the service's 10 s head deadline)")
    ap.add_argument("--server-nofile", type=int, help="the service's open-file limit (default: the raised one of this script)")
    ap.add_argument("--probe", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        probe_main(args.probe, 0.02)
        return 0

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, 4 * (args.idle + args.slow + args.slow_bodies) + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the server inherits it too

    server, data_dir, log_file = None, None, None
    if args.url:
        port = int(args.url.rsplit(":", 1)[1].strip("/"))
        admin = open(args.admin_token_file).read().strip()
    else:
        data_dir = tempfile.mkdtemp(prefix="careledger-abuse-")
        s = socket.socket()
        s.bind((HOST, 0))
        port = s.getsockname()[1]
        s.close()
        log_file = open(os.path.join(data_dir, "..", os.path.basename(data_dir) + ".log"), "w")
        server = subprocess.Popen([args.binary, "serve", "--data", os.path.join(data_dir, "d"), "--listen", "%s:%d" % (HOST, port),
                                   "--log-level", "warning",
                                   # The attacks are for the parser and the connection limits:
                                   # the per-principal and per-address rates (issue 17) would
                                   # answer most of them 429 before the parser saw them.
                                   "--principal-rate", "1000000", "--address-rate", "1000000"], stdout=log_file, stderr=subprocess.STDOUT,
                                  preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (args.server_nofile, hard)))
                                  if args.server_nofile else None)
        for _ in range(300):
            try:
                c = http.client.HTTPConnection(HOST, port, timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            print("service did not start; see", log_file.name)
            return 2
        data_dir = os.path.join(data_dir, "d")
        admin = open(os.path.join(data_dir, "admin.token")).read().strip()

    status, _, body = api(port, "POST", "/v1/principals", json.dumps({
        "id": "abuse-insp-%d" % os.getpid(), "role": "inspector",
        "authority": {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"}}).encode(), admin)
    if status != 201:
        print("could not create an inspector:", status, body[:200])
        return 2
    token = json.loads(body)["token"]
    status, _, _ = api(port, "POST", "/v1/records", open(os.path.join(ROOT, "schemas/examples/valid/ban-lifetime.json"), "rb").read(), token)
    print("service on port %d (seed record: %s), ulimit -n %d (service: %s)" % (port, status, want, args.server_nofile or want))

    # The probe writes to a file, not a pipe: an unread pipe fills after ~2,000 samples and
    # would stop the probe (the later attacks then had no samples).
    probe_file = tempfile.TemporaryFile(mode="w+")
    probe = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--probe", str(port)], stdout=probe_file, text=True)
    time.sleep(2)  # baseline
    baseline_end = time.time()

    results = Results()
    attacks = [
        lambda: attack_idle(results, port, args.idle, args.hold),
        lambda: attack_slowloris(results, port, args.slow, args.slow_hold),
        lambda: attack_slow_body(results, port, args.slow_bodies, args.hold, token),
        lambda: attack_headers(results, port, token),
        lambda: attack_bodies(results, port, token, admin),
        lambda: attack_cuts(results, port, token),
        lambda: attack_utf8(results, port, token),
        lambda: attack_nesting(results, port, token),
        lambda: attack_arrays(results, port, token),
        lambda: attack_traversal(results, port, token, data_dir, admin),
        lambda: attack_queries(results, port, admin),
    ]
    for attack in attacks:
        attack()
        name, cases, ok, detail, _, _ = results.rows[-1]
        print("  %-30s %4d/%-4d %s" % (name, ok, cases, detail), flush=True)
        if server and server.poll() is not None:
            print("SERVICE EXITED with", server.returncode)
            break
    time.sleep(1)
    alive = server is None or server.poll() is None
    status, _, _ = raw(port, request_bytes("GET", "/healthz"))

    probe.send_signal(signal.SIGTERM)
    samples = []
    probe.wait(timeout=10)
    probe_file.seek(0)
    for line in probe_file.read().splitlines():
        t, ms, st = line.split()
        samples.append((float(t), float(ms), int(st)))

    def window(a, b):
        return [(ms, st) for t, ms, st in samples if a <= t - ms / 1000 and t <= b]

    print()
    print("%-30s %6s %6s  %-7s %7s %7s %7s %6s %5s  %s" % ("attack", "cases", "ok", "result", "p50 ms", "p99 ms", "max ms", "probes", ">50ms", "detail"))
    base = [ms for ms, st in window(0, baseline_end) if st == 200]
    print("%-30s %6s %6s  %-7s %7.1f %7.1f %7.1f %6d %5d" % ("(baseline, no attack)", "", "", "", pct(base, 50), pct(base, 99), max(base or [0]), len(base),
                                                          sum(m >= LIMIT_MS for m in base)))
    failed = bool(results.failures)
    all_ms, bad_probes = [], 0
    for name, cases, ok, detail, a, b in results.rows:
        w = window(a, b)
        ms = [m for m, st in w if st == 200]
        bad = sum(1 for _, st in w if st != 200)
        bad_probes += bad
        all_ms += ms
        slow = (max(ms) if ms else 0) >= LIMIT_MS or bad
        verdict = "PASS" if ok == cases and not slow else "FAIL"
        failed |= verdict == "FAIL"
        print("%-30s %6d %6d  %-7s %7.1f %7.1f %7.1f %6d %5d  %s%s" % (name, cases, ok, verdict, pct(ms, 50), pct(ms, 99), max(ms or [0]),
                                                                   len(w), sum(m >= LIMIT_MS for m in ms), detail,
                                                                   ("  (%d probes failed)" % bad) if bad else ""))
    print("%-30s %6s %6s  %-7s %7.1f %7.1f %7.1f %6d %5d" % ("all attacks", "", "", "", pct(all_ms, 50), pct(all_ms, 99), max(all_ms or [0]),
                                                          len(all_ms) + bad_probes, sum(m >= LIMIT_MS for m in all_ms)))
    print("machine load average during the run: %s" % open("/proc/loadavg").read().split()[:3])
    print("service alive after the run: %s, /healthz %s; healthz limit %.0f ms; failed probes %d" % (alive, status, LIMIT_MS, bad_probes))
    failed |= not alive or status != 200

    if server:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
        print("service exit status %s; its log: %s" % (server.returncode, log_file.name))
        shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)
    print("RESULT:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
