"""The FastStream subscribers of one app, kept reading.

When a consumer group vanishes (FLUSHALL, a restore without the groups, a stream deleted
by hand), FastStream stops the subscriber for good and asks the application to exit,
which under our own uvicorn server does nothing: the process stayed up, said it was
healthy and read nothing more. Here a watcher recreates the groups at id 0 (so what is
written after the loss is read) and starts the stopped subscribers again; the health
endpoints say whether every subscriber is running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

import structlog
from redis.exceptions import RedisError

log = structlog.get_logger("holdwatch.subscriptions")


class Subscriber(Protocol):
    """What FastStream's subscribers offer that the watcher uses."""

    running: bool

    async def start(self) -> None: ...


class Subscriptions:
    def __init__(
        self,
        subscribers: Sequence[Subscriber],
        ensure_groups: Callable[[], Awaitable[None]],
        interval: float,
    ) -> None:
        self.subscribers = subscribers
        self.ensure_groups = ensure_groups
        self.interval = interval
        self.restarts = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return all(s.running for s in self.subscribers)

    async def revive(self) -> int:
        """Start again every stopped subscriber, its group recreated first."""
        stopped = [s for s in self.subscribers if not s.running]
        if not stopped:
            return 0
        await self.ensure_groups()
        for subscriber in stopped:
            await subscriber.start()
        self.restarts += len(stopped)
        log.warning("subscribers_restarted", count=len(stopped))
        return len(stopped)

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.revive()
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("subscribers_not_restarted", error=type(exc).__name__)

    async def start(self) -> None:
        """After startup: watch until `stop`."""
        self._task = asyncio.create_task(self.watch())

    async def stop(self) -> None:
        """On shutdown, before the broker stops its subscribers: they stay stopped."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
