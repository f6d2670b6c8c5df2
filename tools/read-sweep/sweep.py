#!/usr/bin/env python3
"""The read sweep a stolen inspector token gets (issue 17 part 1; RELIABILITY.md "Least privilege").

Walks GET /v1/records/{seq}?purpose=inspection over the log as fast as the service answers,
one keep-alive connection, the way a thief with one inspector token would; where the
service asks for a case reference (another authority's record) it invents one, since a
caseRef is not checked against any case file. Counts what came back with a personal part
(`opened`) until the service refuses with 429 (the read quota or the rate limit), waits out
rate-limit refusals (Retry-After of a few seconds) and stops at the first read-quota
refusal or after --seconds. Prints records opened, per minute, and the statuses seen.

    python3 tools/read-sweep/sweep.py --base http://127.0.0.1:8080 --token-file insp.token [--seconds 120]
"""
import argparse
import http.client
import json
import time
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:8080")
    ap.add_argument("--token", help="bearer token (or --token-file)")
    ap.add_argument("--token-file")
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--case-ref", default="X-0001", help="the invented case reference")
    args = ap.parse_args()
    token = args.token or open(args.token_file).read().strip()
    url = urllib.parse.urlsplit(args.base)
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    headers = {"Authorization": "Bearer " + token}

    def get(path):
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, response.getheader("Retry-After"), body

    status, _, body = get("/log/checkpoint")
    size = int(body.decode().split("\n")[1]) if status == 200 else 0
    statuses = {}
    opened = 0
    cross = 0
    waited = 0.0
    stop_reason = "time"
    started = time.monotonic()
    first_refusal = None
    seq = 0
    while time.monotonic() - started < args.seconds and size > 0:
        path = f"/v1/records/{seq % size}?purpose=inspection"
        status, retry, body = get(path)
        if status == 403 and b"caseRef" in body:
            cross += 1
            status, retry, body = get(path + "&caseRef=" + urllib.parse.quote(args.case_ref))
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            if b'"opened"' in body:
                opened += 1
            seq += 1
        elif status == 429:
            problem = json.loads(body)
            if problem.get("type", "").endswith("read-quota-exceeded"):
                first_refusal = time.monotonic() - started
                stop_reason = "read quota (Retry-After %s s)" % retry
                break
            pause = float(retry or 1)
            waited += pause
            time.sleep(pause)
        else:
            seq += 1
    elapsed = time.monotonic() - started
    print(json.dumps({
        "logSize": size,
        "recordsOpened": opened,
        "otherAuthorityWithInventedCaseRef": cross,
        "seconds": round(elapsed, 2),
        "openedPerMinute": round(opened / elapsed * 60, 1) if elapsed else None,
        "secondsWaitingOnRateLimit": waited,
        "stoppedBy": stop_reason,
        "refusedAfterSeconds": round(first_refusal, 2) if first_refusal else None,
        "statuses": statuses,
    }, indent=2))


if __name__ == "__main__":
    main()
