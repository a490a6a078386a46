"""(c) event -> alert latency at a fixed producer rate, the producer in its own process."""

from __future__ import annotations

import asyncio
import bisect
import json
import multiprocessing
import time
from collections import Counter, defaultdict
from typing import Any

import redis
from redis.asyncio import Redis

from holdwatch.adapters.keys import booking_tag
from holdwatch.bootstrap import build
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.monitor import create_app
from holdwatch.settings import Settings

from .report import spread
from .streams import Entry, EntryId, id_key, read_stream, wait_drained
from .workload import LATENCY_AGENCY


def produce(url: str, stream: str, payloads: list[bytes], rate: float) -> None:
    """Open-loop producer (own process): entry i is XADDed at start + i / rate."""
    client = redis.Redis.from_url(url)
    started = time.perf_counter()
    for i, payload in enumerate(payloads):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        client.xadd(stream, {"event": payload})
    client.close()


async def run_latency(
    r: Redis,
    settings: Settings,
    payloads: list[bytes],
    rate: float,
    timeout: float,
    settle: bool = True,
) -> dict[str, Any]:
    stream = settings.events_stream
    service = build(settings)
    app = create_app(service)
    if settle:
        heap.settle()
    await app.start()
    try:
        proc = multiprocessing.get_context("spawn").Process(
            target=produce, args=(service.url, stream, payloads, rate), daemon=True
        )
        proc.start()
        await asyncio.to_thread(proc.join)
        last: list[Entry] = await r.xrevrange(stream, count=1)  # type: ignore[assignment]
        done = bool(last) and await wait_drained(r, stream, settings.group, last[0][0], timeout)
    finally:
        await app.stop()

    produced = await read_stream(r, stream)
    by_booking: dict[str, list[EntryId]] = defaultdict(list)
    eligible_of: dict[str, EntryId] = {}
    for entry_id, fields in produced:
        event = json.loads(fields[b"event"])
        tag = booking_tag(event["agency"], event.get("subject"))
        key = id_key(entry_id)
        by_booking[tag].append(key)
        if event["agency"] == LATENCY_AGENCY and event["type"] == "release.eligible":
            eligible_of[tag] = key
    first_ms, last_ms = id_key(produced[0][0])[0], id_key(produced[-1][0])[0]

    designed: list[float] = []
    other: list[float] = []
    codes: Counter[str] = Counter()
    timer_alerts = 0
    for alert_id, fields in await read_stream(r, settings.alerts_stream):
        finding = json.loads(fields[b"finding"])
        if fields.get(b"trigger") != b"event":
            timer_alerts += 1
            continue
        at = id_key(alert_id)
        tag = booking_tag(finding["agency"], finding["booking_id"])
        codes[finding["code"]] += 1
        source = eligible_of.get(tag)
        if source is not None and finding["code"] == "HOLD_OVER_WINDOW":
            if fields[b"change"] == b"new":
                designed.append(at[0] - source[0])
            continue
        ids = by_booking.get(tag, [])
        i = bisect.bisect_right(ids, at) - 1
        if i >= 0:
            other.append(at[0] - ids[i][0])
    return {
        "events": len(produced),
        "target_rate": rate,
        "achieved_rate": round(len(produced) / max(0.001, (last_ms - first_ms) / 1000)),
        "produce_seconds": round((last_ms - first_ms) / 1000, 2),
        "drained": done,
        "designed_bookings": len(eligible_of),
        "hold_over_window_ms": spread(designed),
        "other_event_alerts_ms_lower_bound": spread(other),
        "event_alerts_by_code": dict(codes.most_common()),
        "timer_alerts": timer_alerts,
        "dead_letters": await r.xlen(settings.dlq_stream),
    }
