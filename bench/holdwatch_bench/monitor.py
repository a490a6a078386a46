"""(b) the live monitor: the real FastStream app (`create_app` + `app.start()`, its real
broker and Lua commits) consuming a pre-filled stream until the group has nothing
pending, its last-delivered id is the stream's last, and every timer due is judged."""

from __future__ import annotations

import cProfile
import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.keys import Keys
from holdwatch.bootstrap import build
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.monitor import create_app
from holdwatch.settings import Settings

from .streams import prefill, server_time, timers_settled, used_memory, wait_drained


class GcTimer:
    """Time the process spends in the cyclic garbage collector, by generation."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self.longest = 0.0  # the longest pause: the event loop stands still meanwhile
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._started
            self.seconds[info["generation"]] += pause
            self.runs[info["generation"]] += 1
            self.longest = max(self.longest, pause)

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)

    def summary(self) -> dict[str, Any]:
        return {
            "seconds": round(sum(self.seconds), 3),
            "by_generation_s": [round(x, 3) for x in self.seconds],
            "runs": self.runs,
            "longest_pause_ms": round(self.longest * 1000, 1),
        }


@dataclass
class MonitorRun:
    result: dict[str, Any]
    settings: Settings
    memory_before: int
    profiler: cProfile.Profile | None = None


async def run_monitor(
    r: Redis,
    settings: Settings,
    payloads: Sequence[bytes],
    *,
    timeout: float,
    profile: bool = False,
    settle: bool = True,
) -> MonitorRun:
    stream = settings.events_stream
    last_id = await prefill(r, stream, payloads)
    memory_before = await used_memory(r)
    service = build(settings)
    app = create_app(service)
    if settle:
        heap.settle()  # as `holdwatch monitor` does before it serves
    profiler = cProfile.Profile() if profile else None
    commands_before = await r.info("commandstats")
    started = time.perf_counter()
    cpu_started = time.process_time()
    if profiler is not None:
        profiler.enable()
    await app.start()
    try:
        with GcTimer() as gc_time:
            done = await wait_drained(r, stream, settings.group, last_id, timeout)
            done = done and await timers_settled(r, settings, timeout)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if profiler is not None:
            profiler.disable()
    finally:
        await app.stop()
    server = server_time(commands_before, await r.info("commandstats"))
    busy = sum(v["usec"] for v in server.values()) / 1e6
    result: dict[str, Any] = {
        "events": len(payloads),
        "seconds": round(seconds, 3),
        "eps": round(len(payloads) / seconds),
        # this process's CPU over the run: near `seconds` when Python, not Redis, is the bound
        "cpu_s": round(cpu, 3),
        "cpu_share": round(cpu / seconds, 3),
        "drained": done,
        "alerts": await r.xlen(settings.alerts_stream),
        "dead_letters": await r.xlen(settings.dlq_stream),
        "timers_fired": await r.xlen(settings.timers_stream),
        "timers_armed": await r.zcard(Keys(settings.key_prefix).only.timers),
        "gc": gc_time.summary(),  # Python's cyclic GC, part of `seconds`
        # Redis' own time in commands while (b) ran (the whole server, not only this run)
        "redis_busy_s": round(busy, 3),
        "redis_share": round(busy / seconds, 3),
        "redis_commands": server,
    }
    return MonitorRun(result, settings, memory_before, profiler)
