"""(h) throughput against replicas and partitions: the same events consumed by 1, 2, ...
monitors in one consumer group, each a process of its own (as a deployment scales out),
with the bookings' shared keys in 1, 3, ... partitions, on one Redis and on a cluster.

Each replica builds the real app (`build` + `create_app`) with a consumer name of its own,
reports ready, and starts consuming only when every replica is ready, so start-up is not
timed; the run ends when the group has nothing pending, its last-delivered id is the
stream's last and every timer due is judged. Each count is reported as events/s and as
its ratio to one replica's with one partition on the same Redis in the same run. Bookings
are not pinned to a replica: any replica may apply any booking's events (the commit's
version check makes that safe), so two replicas also measure what their conflicts cost.

`--cluster` adds the same runs on a Redis Cluster of the bench's own (3 masters with a
replica each, Debian's redis-server started in cluster mode; cluster.py).
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

from holdwatch.bootstrap import keys_for
from holdwatch.settings import Settings

from .streams import bench_settings, delete_prefix, prefill, timers_settled, wait_drained


def run_settings(url: str, prefix: str, work: Path, partitions: int, cluster: bool) -> Settings:
    base = bench_settings(url, prefix, work / "agencies.toml", work / "data")
    return base.model_copy(update={"partitions": partitions, "redis_cluster": cluster})


def _replica(
    url: str,
    prefix: str,
    shape: tuple[int, bool],
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
    base = run_settings(url, prefix, Path(work), *shape)
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
    partitions: Sequence[int] = (1,),
    *,
    cluster: bool = False,
    timeout: float = 600,
    log_level: str = "INFO",
    settle: bool = True,
) -> dict[str, dict[str, Any]]:
    """Rows keyed `<partitions>p x<replicas>`, each with its rate and ratio to the first."""
    ctx = multiprocessing.get_context("spawn")
    rows: dict[str, dict[str, Any]] = {}
    for parts in partitions:
        for count in counts:
            prefix = f"{run}-h{parts}p{count}{'c' if cluster else ''}"
            settings = run_settings(url, prefix, work, parts, cluster)
            last = await prefill(r, settings.events_stream, payloads)
            ready = ctx.Queue()
            go, stop = ctx.Event(), ctx.Event()
            shape = (parts, cluster)
            procs = []
            for i in range(count):
                args = (url, prefix, shape, f"bench-{i + 1}", str(work), log_level, settle)
                procs.append(
                    ctx.Process(target=_replica, args=(*args, ready, go, stop), daemon=True)
                )
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
            keys = keys_for(settings)
            rows[f"{parts}p x{count}"] = {
                "partitions": parts,
                "replicas": count,
                "events": len(payloads),
                "seconds": round(seconds, 3),
                "eps": round(len(payloads) / seconds),
                "drained": done,
                "alerts": sum([await r.xlen(p.alerts) for p in keys.parts]),
                "dead_letters": await r.xlen(settings.dlq_stream),
            }
            await delete_prefix(r, prefix)
    return rows


def with_ratios(rows: dict[str, dict[str, Any]], base: float) -> dict[str, dict[str, Any]]:
    """Each row's rate as a ratio to `base` (one replica, one partition, one Redis)."""
    for row in rows.values():
        row["ratio"] = round(row["eps"] / base, 3)
    return rows
