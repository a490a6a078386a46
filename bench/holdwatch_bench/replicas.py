"""(h) throughput against replicas: the same events consumed by 1, 2, ... monitors in one
consumer group, each a process of its own (as a deployment scales out), on one Redis.

Each replica builds the real app (`build` + `create_app`) with a consumer name of its own,
reports ready, and starts consuming only when every replica is ready, so start-up is not
timed; the run ends when the group has nothing pending, its last-delivered id is the
stream's last and every timer due is judged. Each count is reported as events/s and as
its ratio to one replica's in the same run. Bookings are not pinned to a replica: any
replica may apply any booking's events (the commit's version check makes that safe), so
two replicas also measure what their conflicts cost.

Partitions: with partitioned keys (a booking's partition from its hash tag, alerts,
timers and custody per partition) a replica count can be run per partition count, on one
Redis or on a cluster. This build's keys are not partitioned, so `partitions` accepts only
1; the option is where that axis goes, and nothing is reported for it until it exists.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import Sequence
from multiprocessing.synchronize import Event as EventT
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from .streams import bench_settings, delete_prefix, prefill, timers_settled, wait_drained

#: partition counts this build can measure (see the module's docstring)
SUPPORTED_PARTITIONS = (1,)


def check_partitions(partitions: Sequence[int]) -> None:
    unsupported = sorted(set(partitions) - set(SUPPORTED_PARTITIONS))
    if unsupported:
        raise SystemExit(
            f"(h) --partitions {','.join(map(str, unsupported))}: this build's keys are not "
            "partitioned; only 1 can be measured"
        )


def _replica(
    url: str,
    prefix: str,
    consumer: str,
    work: str,
    log_level: str,
    settle: bool,
    ready: Any,
    go: EventT,
    stop: EventT,
) -> None:
    """One replica's process: the app built, then started at `go`, stopped at `stop`."""
    from holdwatch.adapters.logging import configure_logging  # noqa: PLC0415
    from holdwatch.bootstrap import build  # noqa: PLC0415
    from holdwatch.entrypoints import heap  # noqa: PLC0415
    from holdwatch.entrypoints.monitor import create_app  # noqa: PLC0415

    devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives for the process)
    configure_logging(log_level, stream=devnull)
    base = bench_settings(url, prefix, Path(work) / "agencies.toml", Path(work) / "data")
    settings = base.model_copy(update={"consumer": consumer})

    async def serve() -> None:
        app = create_app(build(settings))
        if settle:
            heap.settle()
        ready.put(consumer)
        await asyncio.to_thread(go.wait)
        await app.start()
        try:
            await asyncio.to_thread(stop.wait)
        finally:
            await app.stop()

    asyncio.run(serve())


async def run_replicas(
    r: Redis,
    url: str,
    run: str,
    work: Path,
    payloads: Sequence[bytes],
    counts: Sequence[int] = (1, 2),
    *,
    timeout: float = 600,
    log_level: str = "INFO",
    settle: bool = True,
) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    rows: dict[str, dict[str, Any]] = {}
    for count in counts:
        prefix = f"{run}-h{count}"
        settings = bench_settings(url, prefix, work / "agencies.toml", work / "data")
        last = await prefill(r, settings.events_stream, payloads)
        ready = ctx.Queue()
        go, stop = ctx.Event(), ctx.Event()
        procs = [
            ctx.Process(
                target=_replica,
                args=(url, prefix, f"bench-{i + 1}", str(work), log_level, settle, ready, go, stop),
                daemon=True,
            )
            for i in range(count)
        ]
        for p in procs:
            p.start()
        try:
            for _ in procs:
                await asyncio.to_thread(ready.get, True, timeout)
            started = time.perf_counter()
            go.set()
            done = await wait_drained(r, settings.events_stream, settings.group, last, timeout)
            done = done and await timers_settled(r, settings, timeout)
            seconds = time.perf_counter() - started
        finally:
            stop.set()
            for p in procs:
                await asyncio.to_thread(p.join, 60)
                if p.is_alive():
                    p.kill()
        rows[str(count)] = {
            "replicas": count,
            "events": len(payloads),
            "seconds": round(seconds, 3),
            "eps": round(len(payloads) / seconds),
            "drained": done,
            "alerts": await r.xlen(settings.alerts_stream),
            "dead_letters": await r.xlen(settings.dlq_stream),
        }
        await delete_prefix(r, prefix)
    first = rows[str(counts[0])]["eps"]
    for row in rows.values():
        row[f"ratio_to_{counts[0]}"] = round(row["eps"] / first, 3)
    return {"partitions": 1, "standalone": rows}
