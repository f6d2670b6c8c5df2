"""Shared helpers of the tools/fire checks (Python 3 standard library only).

They drive a real `careledger serve` (the release build) over HTTP, so nothing here knows
the service's internals: only docs/http.md, the C2SP tile layout and RFC 8785.
"""
import base64
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, ".build", "release", "careledger")

OUHAI_HEALTH = {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"}
XIAOXINGXING = {"name": "温州市瓯海区小星星托育有限公司", "uscc": "91330304MA2J7K8L10", "region": "330304"}


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def require_binary():
    if not os.access(CLI, os.X_OK):
        fail("no release build at %s; run: swift build -c release --product careledger" % CLI)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- identifiers ------------------------------------------------------------------------

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(n, region="330381"):
    """The n-th synthetic resident ID number (GB 11643, valid check character).

    Birth dates walk from 1970-01-01 so they are real dates in the past; the three-digit
    sequence field makes 1,000 numbers per day."""
    day, order = divmod(n, 1000)
    birth = time.gmtime(day * 86400)  # 1970-01-01 + day
    body = "%s%04d%02d%02d%03d" % (region, birth.tm_year, birth.tm_mon, birth.tm_mday, order)
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS))
    return body + "10X98765432"[total % 11]


# --- RFC 8785 ---------------------------------------------------------------------------

def jcs(value):
    """RFC 8785 bytes of a JSON value whose numbers are integers (all CareLedger's are).
    Keys sort by UTF-16 code units; Python sorts by code point, the same for the BMP."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def leaf_hash_b64(entry_bytes):
    return base64.b64encode(hashlib.sha256(b"\x00" + entry_bytes).digest()).decode()


# --- HTTP -------------------------------------------------------------------------------

class Client:
    """One keep-alive connection; reconnects after a failure (the server may have died)."""

    def __init__(self, port, token=None, timeout=10):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def request(self, method, path, body=None, token="default", headers=None):
        token = self.token if token == "default" else token
        h = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body, ensure_ascii=False).encode()
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            payload = r.read()
        except Exception:
            self.close()
            raise
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), payload

    def json(self, method, path, body=None, token="default"):
        status, headers, payload = self.request(method, path, body, token)
        try:
            return status, headers, json.loads(payload) if payload else None
        except ValueError:
            return status, headers, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Server:
    """`careledger serve` as a child process whose stdout+stderr go to a file."""

    def __init__(self, data, port, log_path, extra=()):
        self.data, self.port, self.log_path, self.extra = data, port, log_path, list(extra)
        self.proc = None

    def start(self, timeout=60):
        out = open(self.log_path, "ab")
        self.proc = subprocess.Popen([CLI, "serve", "--data", self.data, "--listen", "127.0.0.1:%d" % self.port]
                                     + self.extra, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        deadline = time.time() + timeout
        c = Client(self.port, timeout=2)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("careledger serve exited with %s at start; see %s" % (self.proc.returncode, self.log_path))
            try:
                if c.request("GET", "/healthz")[0] == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        fail("careledger serve did not come up in %ds" % timeout)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def admin_token(self):
        return open(os.path.join(self.data, "admin.token")).read().strip()


def create_principal(client, admin, pid, role, **extra):
    body = {"id": pid, "role": role}
    body.update(extra)
    status, _, answer = client.json("POST", "/v1/principals", body, token=admin)
    if status != 201:
        fail("creating principal %s (%s): %s %s" % (pid, role, status, answer))
    return answer["token"]


# --- C2SP tlog-tiles entry bundles --------------------------------------------------------

def tile_index(n):
    """C2SP tile path element for index n: groups of three digits, all but the last x-prefixed."""
    s = "%d" % n
    s = "0" * (-len(s) % 3) + s
    groups = [s[i:i + 3] for i in range(0, len(s), 3)]
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def read_bundles(client, prefix, size):
    """All `size` entries of a log via `<prefix>tile/entries/…` (256 per full bundle)."""
    entries = []
    for n in range((size + 255) // 256):
        width = min(256, size - n * 256)
        path = "%stile/entries/%s%s" % (prefix, tile_index(n), "" if width == 256 else ".p/%d" % width)
        status, _, payload = client.request("GET", path)
        if status != 200:
            fail("GET %s: %s" % (path, status))
        i = 0
        while i < len(payload):
            length = int.from_bytes(payload[i:i + 2], "big")
            entries.append(payload[i + 2:i + 2 + length])
            i += 2 + length
    return entries[:size]


def checkpoint_size(client, path):
    status, _, payload = client.request("GET", path, token=None)
    if status != 200:
        fail("GET %s: %s" % (path, status))
    return int(payload.decode().split("\n")[1])


def verify_data(data):
    """`careledger verify --data DIR`; returns (ok, output)."""
    r = subprocess.run([CLI, "verify", "--data", data], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode == 0, r.stdout.decode(errors="replace")


def problem_ok(headers, payload):
    """An RFC 9457 problem: the media type and a JSON object with type/title/status."""
    if not headers.get("content-type", "").startswith("application/problem+json"):
        return False
    try:
        body = json.loads(payload)
    except ValueError:
        return False
    return isinstance(body, dict) and "type" in body and "status" in body


def rng(seed=None):
    return random.Random(seed)
