"""Publishing a history as it happens: each event when its instant comes.

At speed 1 an event goes out when the wall clock reaches its time, so a history that
starts in the past is first published at once up to now (a backfill), then live. Faster,
simulated time runs `speed` times the wall clock from the first event, and each event is
re-stamped with the moment it goes out: the monitor judges on its own clock, so durations
shrink by `speed` — traffic for load and demos, not for judging real holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from holdwatch.app.ports import Clock


async def emit_live(
    redis: Redis,
    stream: str,
    events: Sequence[dict[str, Any]],
    stop: asyncio.Event,
    clock: Clock,
    *,
    speed: float = 1.0,
    sent: Callable[[int], None] | None = None,
) -> int:
    """Publish `events` (in time order) as their instants come on `clock`; returns how many
    went out."""
    if not events:
        return 0
    wall0, sim0 = clock(), datetime.fromisoformat(events[0]["time"])
    count = 0
    for event in events:
        due = datetime.fromisoformat(event["time"])
        wait = (
            (due - clock()).total_seconds()
            if speed == 1
            else (due - sim0).total_seconds() / speed - (clock() - wall0).total_seconds()
        )
        if wait > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
        if stop.is_set():
            break
        stamped = (
            event if speed == 1 else {**event, "time": clock().astimezone(due.tzinfo).isoformat()}
        )
        await redis.xadd(stream, {"event": json.dumps(stamped)})
        count += 1
        if sent:
            sent(count)
    return count
