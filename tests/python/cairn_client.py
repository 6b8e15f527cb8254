"""A Cairn client in Python, with nats-py and msgpack only: what docs/protocol.md says a client in
another language does. Submits a task (without `v`), reads its status, watches the run's log to its
end through the API's `read` endpoint (each message msgpack, base64), provokes two error replies,
and reads the micro service's $SRV.INFO and $SRV.STATS. Prints one JSON object on stdout for
tests/e2e/python-client.test.ts to check.

Usage: python cairn_client.py <nats-url> <prefix> <task>
"""

import asyncio
import base64
import json
import sys
import time

import msgpack
import nats

SERVICE = "cairn"


async def main(url: str, prefix: str, task: str) -> dict:
    nc = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=0)
    try:

        async def call(endpoint: str, body: dict) -> dict:
            msg = await nc.request(f"{prefix}.api.{endpoint}", json.dumps(body).encode(), timeout=10)
            headers = msg.headers or {}
            return {
                "code": headers.get("Nats-Service-Error-Code"),
                "description": headers.get("Nats-Service-Error"),
                "body": json.loads(msg.data) if msg.data else None,
            }

        info = json.loads((await nc.request(f"$SRV.INFO.{SERVICE}", b"", timeout=5)).data)

        submitted = await call("submit", {"task": task})
        if submitted["code"] is not None:
            raise SystemExit(f"submit failed: {submitted}")
        run_id = submitted["body"]["runId"]
        first_status = await call("status", {"runId": run_id})

        # Watch: the run's log from its first message, page by page, until its end event.
        head = f"{prefix}.run.{run_id}."
        records = []
        ended = None
        next_seq = 1
        deadline = time.monotonic() + 60
        while ended is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"run {run_id} did not end within 60 s: {records}")
            page = await call("read", {"runId": run_id, "fromSeq": next_seq})
            if page["code"] is not None:
                raise SystemExit(f"read failed: {page}")
            for e in page["body"]["entries"]:
                record = msgpack.unpackb(base64.b64decode(e["data"]), raw=False)
                records.append({"seq": e["seq"], "subject": e["subject"][len(head) :], "type": record.get("type")})
                next_seq = e["seq"] + 1
                if e["subject"] == f"{head}evt.ended":
                    ended = record
            if ended is None and not page["body"]["more"]:
                await asyncio.sleep(0.2)

        final_status = await call("status", {"runId": run_id})
        not_found = await call("status", {"runId": "nosuchrun"})
        bad_version = await call("submit", {"v": 2, "task": "x"})
        stats = json.loads((await nc.request(f"$SRV.STATS.{SERVICE}", b"", timeout=5)).data)

        return {
            "info": info,
            "submitted": submitted["body"],
            "firstStatus": first_status["body"],
            "records": records,
            "ended": {"status": ended.get("status"), "answer": ended.get("answer"), "turns": ended.get("turns")},
            "finalStatus": final_status["body"],
            "notFound": not_found,
            "badVersion": bad_version,
            "stats": stats,
        }
    finally:
        await nc.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: cairn_client.py <nats-url> <prefix> <task>")
    print(json.dumps(asyncio.run(main(*sys.argv[1:]))))
