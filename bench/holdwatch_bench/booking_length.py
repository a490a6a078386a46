"""(g) per-event cost against booking length: what one more event costs the live monitor
for a booking that already has L events, against a booking of normal length.

The real app (`create_app` + `app.start()`, its Lua commits) runs against an otherwise idle
stream. A booking of L events (`workload.long_booking`) is fed with its first L - K events
at once (applied in batches, as a backlog would be), then its last K one at a time, each
XADDed alone and timed until the group has acknowledged it (nothing pending, last
delivered = its id): so each timed event is a batch of its own, applied to a history of
about L events. A booking of L <= K events is timed whole, several bookings of it. The
normal booking is the same shape at the workload's length (4 events: booked, detainer,
two release dates), timed the same way in the same run; each length is reported as its
mean milliseconds per event and its ratio to the normal booking's.

The time includes the round trip through Redis and the consumer's wake-up, the same for
every length: the ratio is what grows with the history.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from holdwatch.bootstrap import build
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.monitor import create_app
from holdwatch.settings import Settings

from .report import spread
from .streams import group_info, prefill, text, wait_drained
from .workload import long_booking

LENGTHS = (5, 50, 500, 5_000)
#: the workload's booking: booked, detainer, two release dates (about its mean length)
NORMAL = 4


async def _applied(r: Redis, stream: str, group: str, entry_id: bytes, timeout: float) -> None:
    """Wait until the group has acknowledged `entry_id` (polled every millisecond)."""
    deadline = time.perf_counter() + timeout
    want = entry_id.decode()
    while True:
        g = await group_info(r, stream, group)
        if g is not None and g["pending"] == 0 and text(g["last-delivered-id"]) == want:
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"(g): entry {want} not applied in {timeout} s")
        await asyncio.sleep(0.001)  # tighter polling takes the CPU the app needs


async def _time_booking(
    r: Redis, settings: Settings, events: Sequence[bytes], timed: int, timeout: float
) -> list[float]:
    """Feed all but the last `timed` events at once, then time the rest one by one (ms)."""
    stream, group = settings.events_stream, settings.group
    head, tail = events[: len(events) - timed], events[len(events) - timed :]
    if head:
        last = await prefill(r, stream, head)
        if not await wait_drained(r, stream, group, last, timeout):
            raise TimeoutError("(g): the booking's first events were not applied")
    took: list[float] = []
    for payload in tail:
        started = time.perf_counter()
        entry_id = await r.xadd(stream, {"event": payload})
        await _applied(r, stream, group, entry_id, timeout)
        took.append((time.perf_counter() - started) * 1000)
    return took


async def run_booking_length(
    r: Redis,
    settings: Settings,
    lengths: Sequence[int] = LENGTHS,
    timed: int = 20,
    *,
    timeout: float = 300,
    settle: bool = True,
) -> dict[str, Any]:
    service = build(settings)
    app = create_app(service)
    if settle:
        heap.settle()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=400)
    await app.start()
    try:
        rows: dict[str, dict[str, Any]] = {}
        for label, length in (("normal", NORMAL), *((str(n), n) for n in lengths)):
            per_booking = min(timed, length)
            took: list[float] = []
            n = 0
            while len(took) < timed:
                name = f"G{length}-{n}"
                events = long_booking(name, length, start)
                took.extend(await _time_booking(r, settings, events, per_booking, timeout))
                n += 1
            ms = spread(took)
            rows[label] = {"events": length, "bookings": n, "timed_events": len(took), "ms": ms}
    finally:
        await app.stop()
    normal = rows["normal"]["ms"]["mean"]
    for row in rows.values():
        row["ratio_to_normal"] = round(row["ms"]["mean"] / normal, 2) if normal else None
    return {"timed_per_length": timed, "lengths": rows}
