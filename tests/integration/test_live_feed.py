"""Publishing a history as it happens, on a real Redis, with an injected clock."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from holdwatch.app.live_feed import emit_live
from holdwatch.bootstrap import system_clock

pytestmark = pytest.mark.asyncio


def event(n: int, at: datetime) -> dict[str, Any]:
    return {"id": f"e{n}", "time": at.isoformat()}


async def stored(r: Redis, stream: str) -> list[dict[str, Any]]:
    return [json.loads(f[b"event"]) for _i, f in await r.xrange(stream)]


async def test_past_events_go_at_once_and_future_ones_when_due(redis_url: str, prefix: str) -> None:
    r = Redis.from_url(redis_url)
    now = datetime.now(UTC)
    events = [
        event(1, now - timedelta(days=2)),
        event(2, now),
        event(3, now + timedelta(seconds=0.6)),
    ]
    started = asyncio.get_running_loop().time()
    assert await emit_live(r, f"{prefix}:events", events, asyncio.Event(), system_clock) == 3
    took = asyncio.get_running_loop().time() - started
    assert 0.5 <= took < 3
    assert [e["id"] for e in await stored(r, f"{prefix}:events")] == ["e1", "e2", "e3"]
    await r.aclose()


async def test_faster_time_restamps_each_event_and_stop_ends_it(
    redis_url: str, prefix: str
) -> None:
    r = Redis.from_url(redis_url)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    events = [event(n, t0 + timedelta(hours=n)) for n in range(10)]  # an hour apart
    stop = asyncio.Event()
    task = asyncio.create_task(
        emit_live(
            r, f"{prefix}:events", events, stop, system_clock, speed=3600 * 4
        )  # 0.25 s an hour
    )
    await asyncio.sleep(0.6)
    stop.set()
    sent = await task
    assert 2 <= sent <= 5  # about 0.6 s worth, then it stopped
    out = await stored(r, f"{prefix}:events")
    assert len(out) == sent
    stamps = [datetime.fromisoformat(e["time"]) for e in out]
    assert all(abs(s - datetime.now(UTC)) < timedelta(seconds=5) for s in stamps)  # re-stamped
    assert stamps == sorted(stamps)
    await r.aclose()
