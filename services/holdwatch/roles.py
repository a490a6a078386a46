"""The running roles as `bootstrap.py` builds them: what each holds, and how it starts,
finishes its work and lets go of Redis. Built nowhere else."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx
import structlog
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from holdwatch.adapters.embedded import EmbeddedRedis
from holdwatch.adapters.keys import Keys
from holdwatch.adapters.layout import check_layout
from holdwatch.adapters.metrics import StateCollector
from holdwatch.adapters.reclaim import Reclaimer
from holdwatch.adapters.timers import TimerPoller
from holdwatch.app.monitor import Monitor
from holdwatch.app.notifier import Notifier
from holdwatch.app.overlap import Overlapped
from holdwatch.settings import Settings

log = structlog.get_logger("holdwatch.service")


@dataclass
class Service:
    settings: Settings
    url: str
    redis: Redis
    registry: CollectorRegistry
    keys: Keys
    monitor: Monitor
    #: the events stream's handler: a batch's commit in flight while the next is read
    events: Overlapped
    poller: TimerPoller
    reclaimers: tuple[Reclaimer, ...]
    state: StateCollector
    embedded: EmbeddedRedis | None = None
    #: the monitor's own client: bookings and frontier, without per-reply timers
    hot: Redis | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def streams(self) -> tuple[str, ...]:
        """The streams the monitor's group reads: events, and each partition's fired timers."""
        return (self.settings.events_stream, *(p.fired for p in self.keys.parts))

    async def ensure_groups(self) -> None:
        """Create the consumer groups at id 0 before any subscriber starts (NOTES §2),
        once the stored key layout is known to be this one."""
        await check_layout(self.redis, self.keys)
        await _create_groups(self.redis, self.streams, self.settings.group)

    async def drain_own(self) -> None:
        """Before subscribing: finish what this consumer read before it last stopped."""
        await _drain_own(self.reclaimers)

    async def start_background(self) -> None:
        """Poll timers and reclaim idle entries of dead replicas until stopped."""
        self.tasks = [
            asyncio.create_task(self.poller.run(self.stop)),
            *(
                asyncio.create_task(r.run(self.stop, self.settings.reclaim_interval))
                for r in self.reclaimers
            ),
        ]

    async def stop_background(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []

    async def close(self) -> None:
        """After the subscribers stopped: finish what they read, then let go of Redis.

        A subscriber stopped while its XREADGROUP was in flight leaves that batch delivered
        to this consumer but never handled; draining it now is what makes SIGTERM leave
        nothing pending.
        """
        await self.events.settled()
        await self.stop_background()
        try:
            await self.drain_own()
        except RedisError as exc:
            log.warning("final_drain_failed", error=type(exc).__name__)
        await self.redis.aclose()
        if self.hot is not None:
            await self.hot.aclose()
        if self.embedded is not None:
            self.embedded.close()


@dataclass
class NotifyService:
    """`holdwatch notify`: the alerts consumer, the delivery and escalation loops."""

    settings: Settings
    url: str
    redis: Redis
    registry: CollectorRegistry
    notifier: Notifier
    reclaimers: tuple[Reclaimer, ...]  # one per alerts partition
    http: httpx.AsyncClient
    embedded: EmbeddedRedis | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def streams(self) -> tuple[str, ...]:
        """The alerts partitions the notifier's group reads."""
        return tuple(r.stream for r in self.reclaimers)

    async def ensure_group(self) -> None:
        await _create_groups(self.redis, self.streams, self.settings.notify_group)

    async def drain_own(self) -> None:
        await _drain_own(self.reclaimers)

    async def start_background(self) -> None:
        interval = self.settings.poll_interval
        self.tasks = [
            asyncio.create_task(_every(interval, self.notifier.deliver_due, self.stop)),
            asyncio.create_task(_every(interval, self.notifier.escalate_due, self.stop)),
            *(
                asyncio.create_task(r.run(self.stop, self.settings.reclaim_interval))
                for r in self.reclaimers
            ),
        ]

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        try:
            await self.drain_own()
        except RedisError as exc:
            log.warning("final_drain_failed", error=type(exc).__name__)
        await self.http.aclose()
        await self.redis.aclose()
        if self.embedded is not None:
            self.embedded.close()


async def _every(interval: float, work: Callable[[], Awaitable[int]], stop: asyncio.Event) -> None:
    """Run `work` until stopped: again at once while it finds work, else after `interval`."""
    while not stop.is_set():
        try:
            busy = await work()
        except RedisError as exc:
            log.warning("notify_loop_failed", error=type(exc).__name__)
            busy = 0
        if not busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)


async def _create_groups(redis: Redis, streams: Sequence[str], group: str) -> None:
    """The group on each stream, at id 0 (so nothing written before it is skipped)."""
    for stream in streams:
        try:
            await redis.xgroup_create(stream, group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise


async def _drain_own(reclaimers: Sequence[Reclaimer]) -> None:
    for reclaimer in reclaimers:
        drained = await reclaimer.drain_own()
        if drained:
            log.info("pending_drained", stream=reclaimer.stream, entries=drained)
