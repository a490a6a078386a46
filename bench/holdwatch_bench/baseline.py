"""(a) baseline: a raw redis-py asyncio consumer over the pre-filled stream: XREADGROUP
COUNT 100, `json.loads` of every `event` field, one XACK per batch. Nothing useful is
done, so this is the limit for a Python consumer of this stream on this machine."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from .streams import BATCH, CONSUMER, GROUP, prefill


async def run_baseline(r: Redis, prefix: str, payloads: Sequence[bytes]) -> dict[str, Any]:
    stream = f"{prefix}:events"
    await prefill(r, stream, payloads)
    await r.xgroup_create(stream, GROUP, id="0")
    loads = json.loads
    count = 0
    started = time.perf_counter()
    while True:
        # redis-py's RESP2/RESP3 union reply types say little here: [[stream, entries]]
        reply: Any = await r.xreadgroup(GROUP, CONSUMER, {stream: ">"}, count=BATCH)
        if not reply or not reply[0][1]:
            break
        ids: list[bytes] = []
        for entry_id, fields in reply[0][1]:
            loads(fields[b"event"])
            ids.append(entry_id)
        await r.xack(stream, GROUP, *ids)
        count += len(ids)
    seconds = time.perf_counter() - started
    await r.unlink(stream)
    return {"events": count, "seconds": round(seconds, 3), "eps": round(count / seconds)}
