"""The composition root: settings in, a wired live service out. Nothing else builds parts."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.dead_letter import RedisDeadLetters
from holdwatch.adapters.deadline import BoundedBookings, BoundedFrontier
from holdwatch.adapters.delivery_store import DeliveryStore, NotifyKeys
from holdwatch.adapters.frontier import RedisFrontier
from holdwatch.adapters.keys import Keys
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
from holdwatch.roles import NotifyService, Service
from holdwatch.settings import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


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
