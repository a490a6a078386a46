"""(d) timer lateness: timers armed directly, fired by several TimerPollers at once."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from holdwatch.adapters.frontier import RedisFrontier
from holdwatch.adapters.keys import Keys, booking_tag
from holdwatch.adapters.timers import TimerPoller

from .report import spread
from .streams import GROUP, read_stream


async def run_timers(
    url: str, prefix: str, n: int, pollers: int, spread_s: float, lead_s: float, interval: float
) -> dict[str, Any]:
    fired_stream = f"{prefix}:timers:fired"
    keys = Keys(prefix, timers_stream=fired_stream)
    r = Redis.from_url(url)
    seconds, micros = await r.time()
    base = seconds * 1000 + micros // 1000 + int(lead_s * 1000)
    step = spread_s * 1000 / n
    chunk = 5_000
    for start in range(0, n, chunk):
        scores: dict[str, int] = {}
        data: dict[FieldT, EncodableT] = {}
        for i in range(start, min(n, start + chunk)):
            booking = f"T{i:07d}"
            member = Keys.timer(booking_tag("bench", booking), "deadline")
            scores[member] = base + int(i * step)
            data[member] = json.dumps({"agency": "bench", "booking_id": booking})
        async with r.pipeline(transaction=False) as pipe:
            pipe.zadd(keys.only.timers, scores)
            pipe.hset(keys.only.timer_data, mapping=data)
            await pipe.execute()
    seconds, micros = await r.time()
    armed_at = seconds * 1000 + micros // 1000
    clients = [Redis.from_url(url) for _ in range(pollers)]
    # Pollers ask the (here idle) events stream how far it is applied, as they do live.
    events_stream = f"{prefix}:timers:events"
    await r.xgroup_create(events_stream, GROUP, id="0", mkstream=True)
    instances = [
        TimerPoller(
            c,
            keys,
            RedisFrontier(c, events_stream, GROUP, keys.frontier),
            interval=interval,
            maxlen=max(1_000_000, 2 * n),
        )
        for c in clients
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(p.run(stop)) for p in instances]
    deadline = time.perf_counter() + lead_s + spread_s + 60
    while await r.zcard(keys.only.timers) > 0 and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks)
    left = await r.zcard(keys.only.timers)
    entries = await read_stream(r, fired_stream)
    members = Counter(fields[b"timer"] for _id, fields in entries)
    lateness = [int(f[b"fired_ms"]) - int(f[b"due_ms"]) for _id, f in entries]
    for c in clients:
        await c.aclose()
    await r.aclose()
    return {
        "timers": n,
        "pollers": pollers,
        "poll_interval_s": interval,
        "spread_s": spread_s,
        "armed_ahead_ms": base - armed_at,
        "fired_entries": len(entries),
        "distinct_fired": len(members),
        "fired_more_than_once": sum(1 for c in members.values() if c > 1),
        "left_unfired": left,
        "exactly_once": len(entries) == n and len(members) == n and left == 0,
        "lateness_ms": spread(lateness),
    }
