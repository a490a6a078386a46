"""Commands packed by hiredis are byte-for-byte what redis-py would send, and a real Redis
answers them over TCP and over the embedded server's unix socket."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from holdwatch.adapters.embedded import start_embedded
from holdwatch.adapters.packing import PackedConnection, PackedUnixConnection, client

ARGS = [
    ("PING",),
    ("SET", "k", "v"),
    ("HSET", b"h", "f\x1fé", b"\x00\xff raw", 17, -3, 2.5, 1e20),
    ("SCRIPT LOAD", "return 1"),
    (b"CLIENT SETNAME", "x"),
    ("XADD", "s", "*", "event", memoryview(b'{"a": 1}')),
    ("SET", "empty", ""),
    ("SET", "ba", bytearray(b"\x01bytes")),
    ("SET", "big", "x" * 100_000),
]


@pytest.mark.parametrize("args", ARGS, ids=lambda a: str(a[0])[:20])
def test_packed_bytes_equal_redis_py(args: tuple[object, ...]) -> None:
    ours = b"".join(PackedConnection().pack_command(*args))
    theirs = b"".join(bytes(p) for p in Connection().pack_command(*args))
    assert ours == theirs


@pytest.mark.parametrize("bad", [None, True, object(), [1]])
def test_unpackable_argument_is_a_data_error(bad: object) -> None:
    with pytest.raises(DataError):
        PackedConnection().pack_command("SET", "k", bad)
    with pytest.raises(DataError):
        Connection().pack_command("SET", "k", bad)


async def _round_trip(url: str) -> None:
    redis = client(url)
    key = f"hwt-pack-{uuid.uuid4().hex[:10]}"
    try:
        value = "é\x1f" + "x" * 10_000
        await redis.set(key, value)
        assert await redis.get(key) == value.encode()
        sha = await redis.script_load("return {KEYS[1], ARGV[1], ARGV[2]}")
        assert await redis.evalsha(sha, 1, key, 42, b"\xff") == [key.encode(), b"42", b"\xff"]
    finally:
        await redis.delete(key)
        await redis.aclose()


def test_round_trip_on_real_redis(redis_url: str) -> None:
    assert client(redis_url).connection_pool.connection_class.__name__.startswith("Packed")
    asyncio.run(_round_trip(redis_url))


def test_round_trip_on_embedded_unix_socket(tmp_path: Path) -> None:
    embedded = start_embedded(tmp_path)
    try:
        assert client(embedded.url).connection_pool.connection_class is PackedUnixConnection
        asyncio.run(_round_trip(embedded.url))
    finally:
        embedded.close()
