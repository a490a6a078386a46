"""One deadline for each of the monitor's round trips, instead of one for each reply.

redis-py (8.x) bounds every reply it reads with a timer of its own (`socket_timeout`, 5 s
by default) and every command it sends with a task. A commit is a pipeline of one reply
per booking, and those timers cost about a sixth of the live monitor's time per event
(`python -m bench stream`, part b). The monitor's storage reads on a client without them
(`client(url, per_reply_timeout=False)`) and each round trip is bounded here as a whole:
a Redis that stops answering still fails the batch, with redis' own `TimeoutError` (the
entries stay pending for the reclaimer), and the connection it was cut off on is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from redis.exceptions import TimeoutError as RedisTimeout

from holdwatch.app.horizon import Outstanding
from holdwatch.app.ports import BookingRepository, Commit, Frontier, Snapshot

#: redis-py's own default socket timeout, now for a whole round trip
ROUND_TRIP_SECONDS = 5.0


class BoundedBookings:
    """A `BookingRepository` whose every call fails after `seconds`."""

    def __init__(self, inner: BookingRepository, seconds: float = ROUND_TRIP_SECONDS) -> None:
        self.inner = inner
        self.seconds = seconds

    async def load(self, tags: Sequence[str]) -> list[Snapshot]:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.inner.load(tags)
        except TimeoutError:
            raise RedisTimeout(f"bookings: no reply within {self.seconds} s") from None

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.inner.commit(ack_stream, commits)
        except TimeoutError:
            raise RedisTimeout(f"bookings: no reply within {self.seconds} s") from None


class BoundedFrontier:
    """A `Frontier` whose every call fails after `seconds`."""

    def __init__(self, inner: Frontier, seconds: float = ROUND_TRIP_SECONDS) -> None:
        self.inner = inner
        self.seconds = seconds

    async def around(self, first: str, last: str, latest: datetime) -> Outstanding:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.inner.around(first, last, latest)
        except TimeoutError:
            raise RedisTimeout(f"frontier: no reply within {self.seconds} s") from None

    async def settled(self) -> Outstanding:
        try:
            async with asyncio.timeout(self.seconds):
                return await self.inner.settled()
        except TimeoutError:
            raise RedisTimeout(f"frontier: no reply within {self.seconds} s") from None
