"""Which Redis holdwatch talks to: one server, a Redis Cluster, or a master Sentinel names.

Every client and every FastStream broker comes from here, so the rest of holdwatch is the
same code on each: keys carry slot tags on a cluster (adapters/keys.py), and a script that
would span two slots is split where that is safe (the acks after the commit).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import parse_url
from redis.asyncio.sentinel import Sentinel
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel as SyncSentinel

from holdwatch.adapters.embedded import EmbeddedRedis, check_reachable, redis_for
from holdwatch.adapters.packing import client
from holdwatch.settings import Settings

if TYPE_CHECKING:
    from faststream.redis import RedisBroker

#: Through a failover (a replica takes over in about the cluster's node timeout, or the
#: sentinels' down-after time) a command is retried for about 10 s, then fails.
FAILOVER_RETRY = Retry(ExponentialBackoff(cap=1.0, base=0.05), 16)


def sentinel_addresses(spec: str) -> list[tuple[str, int]]:
    """`host:port,host:port` → [(host, port), ...]."""
    out = []
    for item in spec.split(","):
        host, _colon, port = item.strip().rpartition(":")
        out.append((host, int(port)))
    return out


def master_options(url: str | None) -> dict[str, Any]:
    """What REDIS_URL says of the master behind Sentinel (its user, password, database);
    its host and port are the sentinels' to give."""
    if not url:
        return {}
    options = parse_url(url)
    return {k: options[k] for k in ("username", "password", "db") if k in options}


def open_redis(settings: Settings) -> tuple[Redis, EmbeddedRedis | None]:
    """A client for the configured Redis (an embedded one started now when none is set:
    the caller stops it). A cluster's client answers the same commands as one server's;
    it is typed as one, which is what the rest of holdwatch relies on."""
    if settings.redis_cluster:
        cluster = RedisCluster.from_url(str(settings.redis_url), retry=FAILOVER_RETRY)
        return cast(Redis, cluster), None
    if settings.redis_sentinels:
        addresses = sentinel_addresses(settings.redis_sentinels)
        sentinel = Sentinel(addresses, socket_timeout=5.0)  # type: ignore[no-untyped-call]
        master = sentinel.master_for(
            settings.redis_sentinel_master,
            retry=FAILOVER_RETRY,
            **master_options(settings.redis_url),
        )
        return master, None
    return redis_for(settings.redis_url, settings.data_dir)


def hot_client(settings: Settings, url: str) -> Redis | None:
    """The live path's own client on one Redis: without redis-py's timer on every reply
    (adapters/deadline.py bounds each round trip instead). None on a cluster or behind
    Sentinel, whose clients route and fail over themselves: the live path uses the
    service's client there."""
    if settings.redis_cluster or settings.redis_sentinels:
        return None
    return client(url, per_reply_timeout=False)


@asynccontextmanager
async def connected_to(settings: Settings) -> AsyncIterator[Redis]:
    """A client for a short command, and the embedded Redis while it runs, if any."""
    redis, embedded = open_redis(settings)
    try:
        yield redis
    finally:
        try:
            await redis.aclose()
        finally:
            if embedded is not None:
                embedded.close()


def reachable(settings: Settings, url: str, timeout: float = 5.0) -> None:
    """Raise redis' ConnectionError (MasterNotFoundError behind Sentinel) or TimeoutError
    unless the configured Redis answers: before a service starts, so that a wrong address
    is one clear error and not a failed startup inside the app."""
    if settings.redis_sentinels:
        addresses = sentinel_addresses(settings.redis_sentinels)
        sentinel = SyncSentinel(addresses, socket_timeout=timeout)  # type: ignore[no-untyped-call]
        sentinel.discover_master(settings.redis_sentinel_master)  # type: ignore[no-untyped-call]
        return
    check_reachable(url, timeout)


def broker_for(settings: Settings, url: str, **options: Any) -> RedisBroker:
    """The FastStream broker the subscribers read with, on the same Redis as `open_redis`
    (imported here: a short command such as `audit` has no broker and need not load it)."""
    from faststream.redis import RedisBroker  # noqa: PLC0415
    from faststream.redis.broker.cluster_broker import RedisClusterBroker  # noqa: PLC0415
    from faststream.redis.broker.sentinel_broker import RedisSentinelBroker  # noqa: PLC0415

    if settings.redis_cluster:
        return RedisClusterBroker(url, **options)
    if settings.redis_sentinels:
        return RedisSentinelBroker(
            url or "redis://",  # the sentinels give the address; the URL only options
            sentinels=sentinel_addresses(settings.redis_sentinels),
            sentinel_master_name=settings.redis_sentinel_master,
            **options,
        )
    return RedisBroker(url, **options)
