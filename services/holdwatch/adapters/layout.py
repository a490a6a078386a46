"""The stored key layout, checked before a monitor writes under it.

A booking's partition follows from the partition count (adapters/keys.py), so bookings
stored under one count cannot be found under another: a monitor started with another
count would judge each booking as if it had no history.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.keys import Keys
from holdwatch.app.config_file import ConfigError


async def check_layout(redis: Redis, keys: Keys) -> None:
    """Refuse to run on bookings stored under another partition count: a booking would
    be looked for in the wrong partition and judged as if it had no history. The first
    monitor records the layout; a later one with another gets a ConfigError."""
    layout = f"partitions={keys.partitions}"
    if await redis.set(keys.layout, layout, nx=True):
        return
    raw: Any = await redis.get(keys.layout)
    stored = raw.decode() if isinstance(raw, bytes) else raw
    if stored is not None and stored != layout:
        raise ConfigError(
            f"HOLDWATCH_PARTITIONS={keys.partitions}: the bookings under key prefix "
            f"{keys.prefix!r} are stored with {stored}; drain and start afresh, "
            "or keep the partitions they were stored with"
        )
