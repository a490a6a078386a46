"""The composition root: settings in, a wired live service out. Nothing else builds parts."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.dead_letter import RedisDeadLetters
from holdwatch.adapters.deadline import BoundedBookings, BoundedFrontier
from holdwatch.adapters.delivery_store import DeliveryStore, NotifyKeys
from holdwatch.adapters.embedded import EmbeddedRedis
from holdwatch.adapters.frontier import RedisFrontier
from holdwatch.adapters.keys import Keys
from holdwatch.adapters.layout import check_layout
from holdwatch.adapters.mail import MailSender, SmtpConfig
from holdwatch.adapters.metrics import DeliveryCounter, PromObserver, StateCollector
from holdwatch.adapters.reclaim import Handler, Reclaimer
from holdwatch.adapters.redis_store import BookingStore
from holdwatch.adapters.timers import TimerPoller
from holdwatch.adapters.topology import connected_to, hot_client, open_redis
from holdwatch.adapters.webhook import WebhookSender
from holdwatch.app.access import TokenTable
from holdwatch.app.agencies import AgencyMap
from holdwatch.app.config_file import ConfigError
from holdwatch.app.local_overlays import registry_for
from holdwatch.app.monitor import Monitor, MonitorConfig, Storage
from holdwatch.app.notifier import Notifier, Retry
from holdwatch.app.overlap import Overlapped
from holdwatch.app.ports import Clock
from holdwatch.app.routing import RoutingTable
from holdwatch.settings import Settings

log = structlog.get_logger("holdwatch.service")


def system_clock() -> datetime:
    return datetime.now(UTC)


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
        for stream in self.streams:
            try:
                await self.redis.xgroup_create(stream, self.settings.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def drain_own(self) -> None:
        """Before subscribing: finish what this consumer read before it last stopped."""
        for reclaimer in self.reclaimers:
            drained = await reclaimer.drain_own()
            if drained:
                log.info("pending_drained", stream=reclaimer.stream, entries=drained)

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


def keys_for(s: Settings) -> Keys:
    """The key layout: slot-tagged on a cluster, split into `s.partitions`."""
    return Keys(
        s.key_prefix,
        partitions=s.partitions,
        tagged=s.redis_cluster,
        alerts_stream=s.alerts_stream,
        timers_stream=s.timers_stream,
        events_stream=s.events_stream,
    )


def dead_letters(redis: Redis, s: Settings, stream: str, group: str) -> RedisDeadLetters:
    return RedisDeadLetters(
        redis,
        stream,
        group,
        s.dlq_maxlen,
        payload_max_bytes=s.dlq_payload_max_bytes,
        retention_days=s.dlq_retention_days,
        one_slot=not s.redis_cluster,
    )


def booking_store(redis: Redis, s: Settings) -> BookingStore:
    """The bookings' repository (`BookingRepository`) on `redis`."""
    return BookingStore(redis, keys_for(s), group=s.group, alerts_maxlen=s.alerts_maxlen)


def delivery_store(redis: Redis, s: Settings) -> DeliveryStore:
    """The notifier's store (`Deliveries`) on `redis`."""
    keys = NotifyKeys(s.key_prefix, tagged=s.redis_cluster)
    return DeliveryStore(redis, keys, s.notify_group, s.alerts_stream)


@dataclass(frozen=True)
class Stores:
    """The stores a short command (ack, report) works on, with the connection they share."""

    redis: Redis
    keys: Keys
    bookings: BookingStore
    deliveries: DeliveryStore


@contextlib.asynccontextmanager
async def stores(settings: Settings) -> AsyncIterator[Stores]:
    """Connect for one command, and let go after."""
    async with connected_to(settings) as redis:
        yield Stores(
            redis,
            keys_for(settings),
            booking_store(redis, settings),
            delivery_store(redis, settings),
        )


def build(settings: Settings, clock: Clock = system_clock) -> Service:
    redis, embedded = open_redis(settings)
    url = settings.redis_url or (embedded.url if embedded else "")
    keys = keys_for(settings)
    registry = CollectorRegistry()
    observer = PromObserver(registry)
    agencies = AgencyMap.load(
        settings.agencies_file,
        settings.default_profile or None,
        settings.warning_lead,
        registry_for(settings.overlays_dir),
    )
    dead = dead_letters(redis, settings, settings.dlq_stream, settings.group)
    # the live path's round trips, each bounded as a whole (adapters/deadline.py)
    hot = hot_client(settings, url) or redis
    frontier = BoundedFrontier(
        RedisFrontier(hot, settings.events_stream, settings.group, keys.frontier)
    )
    timer_streams = [p.fired for p in keys.parts]
    monitor = Monitor(
        Storage(BoundedBookings(booking_store(hot, settings)), dead, frontier),
        agencies,
        clock,
        observer,
        MonitorConfig(
            events_stream=settings.events_stream,
            timers_stream=settings.timers_stream,
            retention=timedelta(days=settings.retention_days),
        ),
    )
    handlers: list[tuple[str, Handler]] = [(settings.events_stream, monitor.on_events)]
    handlers += [(f, functools.partial(monitor.on_timers, stream=f)) for f in timer_streams]
    reclaimers = tuple(
        Reclaimer(
            redis,
            stream,
            settings.group,
            settings.consumer,
            handler,
            dead,
            observer,
            min_idle_seconds=settings.reclaim_idle,
            dead_after=settings.dead_letter_after,
            batch=settings.batch_size,
        )
        for stream, handler in handlers
    )
    poller = TimerPoller(
        redis,
        keys,
        frontier,
        interval=settings.poll_interval,
        maxlen=settings.alerts_maxlen,
    )
    state = StateCollector(
        redis,
        keys,
        (settings.events_stream, *timer_streams),
        settings.dlq_stream,
        settings.group,
        place=agencies.places,
    )
    registry.register(state)
    return Service(
        settings,
        url,
        redis,
        registry,
        keys,
        monitor,
        Overlapped(monitor),
        poller,
        reclaimers,
        state,
        embedded=embedded,
        hot=hot if hot is not redis else None,
    )


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
        for stream in self.streams:
            try:
                await self.redis.xgroup_create(
                    stream, self.settings.notify_group, id="0", mkstream=True
                )
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def drain_own(self) -> None:
        for reclaimer in self.reclaimers:
            drained = await reclaimer.drain_own()
            if drained:
                log.info("pending_drained", stream=reclaimer.stream, entries=drained)

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


def build_notifier(settings: Settings, clock: Clock = system_clock) -> NotifyService:
    if settings.routing_file is None:
        raise ConfigError("HOLDWATCH_ROUTING_FILE (or --routing) unset: notify needs its routes")
    routing = RoutingTable.load(settings.routing_file)
    redis, embedded = open_redis(settings)
    url = settings.redis_url or (embedded.url if embedded else "")
    registry = CollectorRegistry()
    s = settings
    store = delivery_store(redis, s)
    mail = None
    if s.smtp_host:
        mail = MailSender(
            SmtpConfig(
                s.smtp_host,
                s.smtp_port,
                s.smtp_sender,
                s.smtp_username,
                s.smtp_password,
                s.smtp_starttls,
            )
        )
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0))
    dead = dead_letters(redis, s, s.alerts_dlq_stream, s.notify_group)
    notifier = Notifier(
        store,
        routing,
        WebhookSender(http),
        mail,
        dead,
        clock,
        DeliveryCounter(registry),
        alerts_stream=s.alerts_stream,
        retry=Retry(s.notify_backoff_base, s.notify_backoff_cap, s.notify_give_up_after),
    )
    observer = PromObserver(registry)  # alerts dead-lettered: holdwatch_events{outcome=reason}
    reclaimers = tuple(
        Reclaimer(
            redis,
            part.alerts,
            s.notify_group,
            s.consumer,
            functools.partial(notifier.on_alerts, stream=part.alerts),
            dead,
            observer,
            min_idle_seconds=s.reclaim_idle,
            dead_after=s.dead_letter_after,
            batch=s.batch_size,
        )
        for part in keys_for(s).parts
    )
    return NotifyService(s, url, redis, registry, notifier, reclaimers, http, embedded=embedded)


@dataclass(frozen=True)
class ApiParts:
    """`holdwatch api`'s store and tokens, and what lets go of its connection."""

    store: ApiStore
    tokens: TokenTable
    close: Callable[[], Awaitable[None]]


def build_api_parts(settings: Settings) -> ApiParts:
    if settings.api_tokens_file is None:
        raise ConfigError("HOLDWATCH_API_TOKENS_FILE (or --tokens) unset: api needs a tokens file")
    tokens = TokenTable.load(settings.api_tokens_file)
    redis, embedded = open_redis(settings)
    s = settings
    store = ApiStore(
        redis, keys_for(s), booking_store(redis, s), delivery_store(redis, s), s.dlq_stream
    )

    async def close() -> None:
        await redis.aclose()
        if embedded is not None:
            embedded.close()

    return ApiParts(store, tokens, close)
