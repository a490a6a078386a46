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
every length: the ratio is what grows with the history. The same bookings also go through
the monitor's own work alone (`core_booking_length`: parse, group, `Monitor.plan`, cache,
as (f) does, no Redis), each timed event's CPU time measured: no wake-up, no round trip,
no other process's share of the machine, so the steadier ratio of the two.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from holdwatch.app.booking_cache import EMPTY
from holdwatch.bootstrap import build
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.monitor import create_app
from holdwatch.settings import Settings

from .report import spread
from .streams import BATCH, group_info, prefill, text, wait_drained
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


def _cases(lengths: Sequence[int], timed: int) -> list[tuple[str, int, int]]:
    """(label, length, bookings) of each case: enough bookings to time `timed` events."""
    out = []
    for label, length in (("normal", NORMAL), *((str(n), n) for n in lengths)):
        out.append((label, length, -(-timed // min(timed, length))))
    return out


async def core_booking_length(
    settings: Settings, lengths: Sequence[int] = LENGTHS, timed: int = 20
) -> dict[str, Any]:
    """The same bookings through `Monitor.gather` and `Monitor.plan` with no Redis: the head
    of each in batches, then each timed event alone, its CPU time (ms) measured."""
    service = build(settings)
    monitor = service.monitor

    def apply(batch: Sequence[bytes]) -> None:
        work, _letters = monitor.gather([(str(i), {b"event": raw}) for i, raw in enumerate(batch)])
        for tag, item in work.items():
            cached = monitor.cache.get(tag) or EMPTY
            plan = monitor.plan(tag, item, cached, "event")
            monitor.cache.put(tag, replace(plan.cached, version=cached.version + 1))

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=400)
    rows: dict[str, dict[str, Any]] = {}
    try:
        for label, length, bookings in _cases(lengths, timed):
            per_booking = min(timed, length)
            took: list[float] = []
            for n in range(bookings):
                events = long_booking(f"C{length}-{n}", length, start)
                head, tail = events[: length - per_booking], events[length - per_booking :]
                for i in range(0, len(head), BATCH):
                    apply(head[i : i + BATCH])
                for payload in tail:
                    began = time.process_time()
                    apply([payload])
                    took.append((time.process_time() - began) * 1000)
            rows[label] = {"events": length, "timed_events": len(took), "cpu_ms": spread(took)}
    finally:
        await service.close()
    normal = rows["normal"]["cpu_ms"]["mean"]
    for row in rows.values():
        row["ratio_to_normal"] = round(row["cpu_ms"]["mean"] / normal, 2) if normal else None
    return {"timed_per_length": timed, "lengths": rows}
