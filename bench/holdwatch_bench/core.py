"""(f) the core alone: the monitor's own Python work with no Redis at all."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from holdwatch.app.booking_cache import EMPTY
from holdwatch.bootstrap import build
from holdwatch.settings import Settings

from .streams import BATCH


async def run_core(settings: Settings, payloads: Sequence[bytes]) -> dict[str, Any]:
    """The monitor's own work on the same events with no Redis at all: each batch parsed
    and grouped (`Monitor.gather`, as `on_events` does), each booking planned
    (`Monitor.plan`: history parsed from the cache, events applied, judged, the commit
    built) and cached. Whatever storage does, (b) cannot run faster than this."""
    service = build(settings)
    monitor = service.monitor
    started = time.perf_counter()
    for start in range(0, len(payloads), BATCH):
        batch = payloads[start : start + BATCH]
        work, _letters = monitor.gather([(str(i), {b"event": raw}) for i, raw in enumerate(batch)])
        for tag, item in work.items():
            cached = monitor.cache.get(tag) or EMPTY
            plan = monitor.plan(tag, item, cached, "event")
            monitor.cache.put(tag, replace(plan.cached, version=cached.version + 1))
    seconds = time.perf_counter() - started
    await service.close()
    return {
        "events": len(payloads),
        "seconds": round(seconds, 3),
        "eps": round(len(payloads) / seconds),
    }
