"""Bookings as the monitor left them in Redis (one packed string each), for assertions.

Tests read Redis directly, not through the store, so that what they check is what is
stored; the packed form is decoded by the codec the store writes with.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import redis
from redis.asyncio import Redis

from holdwatch.adapters.booking_codec import decode, encode
from holdwatch.adapters.keys import Keys
from holdwatch.app.ports import Snapshot


async def booking(r: Redis, keys: Keys, tag: str) -> Snapshot:
    raw: Any = await r.get(keys.booking(tag))
    return decode(tag, raw)


def booking_sync(c: redis.Redis, keys: Keys, tag: str) -> Snapshot:
    raw: Any = c.get(keys.booking(tag))
    return decode(tag, raw)


async def put_booking(r: Redis, keys: Keys, tag: str, snap: Snapshot) -> None:
    """Write `snap` as the commit script would have (a booking edited by hand, say)."""
    await r.set(keys.booking(tag), encode(tag, snap))


def _tag(key: bytes, prefix: str) -> str | None:
    name = key.decode().removeprefix(f"{prefix}:b:")
    return name if name.endswith("}") else None


async def bookings(r: Redis, prefix: str) -> AsyncIterator[tuple[str, Snapshot]]:
    """Every booking under `prefix`: its tag and what it holds."""
    async for key in r.scan_iter(match=f"{prefix}:b:*", count=1000):
        tag = _tag(key, prefix)
        if tag is not None:
            yield tag, decode(tag, await r.get(key))


def bookings_sync(c: redis.Redis, prefix: str) -> Iterator[tuple[str, Snapshot]]:
    for key in c.scan_iter(match=f"{prefix}:b:*", count=1000):
        tag = _tag(key, prefix)
        if tag is not None:
            raw: Any = c.get(key)
            yield tag, decode(tag, raw)
