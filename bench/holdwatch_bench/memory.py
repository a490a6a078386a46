"""(e) Redis memory per booking after (b)."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.keys import Keys

from .monitor import MonitorRun
from .streams import used_memory


def _tag(name: str) -> str:
    """`{agency/booking}` of a booking key: the packed one, or one of the previous layout."""
    return name if name.endswith("}") else name.rsplit(":", 1)[0]


def _kind(name: str) -> str:
    return "booking" if name.endswith("}") else name.rsplit(":", 1)[1]


async def measure_memory(r: Redis, run: MonitorRun, sample: int, seed: int) -> dict[str, Any]:
    s = run.settings
    after = await used_memory(r)
    keys = [k async for k in r.scan_iter(match=f"{s.key_prefix}:b:*", count=1_000)]
    tags = {_tag(k.decode().split(":b:", 1)[1]) for k in keys}
    bookings = len(tags)
    picked = random.Random(seed).sample(keys, min(sample, len(keys)))
    async with r.pipeline(transaction=False) as pipe:
        for key in picked:
            pipe.memory_usage(key, samples=0)
        sizes = [int(x or 0) for x in await pipe.execute()]
    per_key = sum(sizes) / len(sizes) if sizes else math.nan
    by_kind: dict[str, list[int]] = defaultdict(list)
    for key, size in zip(picked, sizes, strict=True):
        by_kind[_kind(key.decode().split(":b:", 1)[1])].append(size)
    k = Keys(s.key_prefix).only
    shared = {}
    for name in (s.alerts_stream, s.timers_stream, k.timers, k.timer_data, k.custody):
        shared[name.removeprefix(s.key_prefix + ":")] = int(
            await r.memory_usage(name, samples=0) or 0
        )
    delta = after - run.memory_before
    alerts = shared[s.alerts_stream.removeprefix(s.key_prefix + ":")]
    return {
        "bookings": bookings,
        "booking_keys": len(keys),
        "sampled_keys": len(picked),
        "booking_keys_bytes_per_booking": round(per_key * len(keys) / bookings) if bookings else 0,
        "bytes_per_key_by_kind": {
            kind: round(sum(v) / len(v)) for kind, v in sorted(by_kind.items())
        },
        "shared_keys_bytes": shared,
        "used_memory_delta": delta,
        "used_memory_delta_per_booking": round(delta / bookings) if bookings else 0,
        # the alerts stream is the notifier's input, not the bookings' own state
        "used_memory_delta_per_booking_without_alerts": (
            round((delta - alerts) / bookings) if bookings else 0
        ),
    }
