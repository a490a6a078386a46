"""The monitor's round trips fail as a whole after their deadline, as redis' own timeout
did for each reply (adapters/deadline.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.exceptions import TimeoutError as RedisTimeout

from holdwatch.adapters.deadline import BoundedBookings, BoundedFrontier
from holdwatch.app.horizon import Outstanding
from holdwatch.app.ports import Commit, Snapshot


class Silent:
    """Storage that answers after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def load(self, tags: Sequence[str]) -> list[Snapshot]:
        await asyncio.sleep(self.delay)
        return [Snapshot(0, None) for _ in tags]

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        await asyncio.sleep(self.delay)
        return [1 for _ in commits]

    async def around(self, first: str, last: str, latest: datetime) -> Outstanding:
        await asyncio.sleep(self.delay)
        return Outstanding()

    async def settled(self) -> Outstanding:
        await asyncio.sleep(self.delay)
        return Outstanding()


AT = datetime(2025, 1, 1, tzinfo=UTC)
CALLS: list[tuple[str, Callable[[Any], Awaitable[object]]]] = [
    ("load", lambda s: BoundedBookings(s, 0.05).load(["t"])),
    ("commit", lambda s: BoundedBookings(s, 0.05).commit("events", [])),
    ("around", lambda s: BoundedFrontier(s, 0.05).around("1-0", "2-0", AT)),
    ("settled", lambda s: BoundedFrontier(s, 0.05).settled()),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
async def test_a_round_trip_past_its_deadline_is_redis_timeout(
    name: str, call: Callable[[Any], Awaitable[object]]
) -> None:
    with pytest.raises(RedisTimeout, match=r"no reply within 0\.05 s"):
        await call(Silent(delay=1.0))


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
async def test_a_round_trip_in_time_is_answered(
    name: str, call: Callable[[Any], Awaitable[object]]
) -> None:
    assert await call(Silent(delay=0.0)) is not None
