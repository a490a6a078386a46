"""Entries a consumer read but never acked: its own after a restart, or a dead replica's.

FastStream only reads new entries (`>`), so a replica first drains its own pending list,
then periodically claims entries idle too long (XAUTOCLAIM). An entry delivered more than
`dead_after` times is dead-lettered with that count instead of being tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from holdwatch.adapters.entries import raw_payload
from holdwatch.app.intake import Entry
from holdwatch.app.ports import DeadLetter, DeadLetters, Observer

log = structlog.get_logger("holdwatch.reclaim")

Handler = Callable[[Sequence[Entry]], Awaitable[None]]


class Reclaimer:
    def __init__(
        self,
        redis: Redis,
        stream: str,
        group: str,
        consumer: str,
        handler: Handler,
        dead_letters: DeadLetters,
        observer: Observer,
        *,
        min_idle_seconds: float,
        dead_after: int,
        batch: int = 100,
    ) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.handler = handler
        self.dead_letters = dead_letters
        self.observer = observer
        self.min_idle_ms = int(min_idle_seconds * 1000)
        self.dead_after = dead_after
        self.batch = batch

    async def drain_own(self) -> int:
        """Re-deliver this consumer's own pending entries (left by a crash), oldest first."""
        done, last = 0, "0"
        while True:
            reply: Any = await self.redis.xreadgroup(
                self.group, self.consumer, {self.stream: last}, count=self.batch
            )
            entries = reply[0][1] if reply else []
            if not entries:
                return done
            last = entries[-1][0]
            done += await self._retry(entries)

    async def reclaim_once(self) -> int:
        """Claim entries idle past the limit from any consumer and retry them."""
        done, start = 0, "0-0"
        while True:
            reply: Any = await self.redis.xautoclaim(
                self.stream,
                self.group,
                self.consumer,
                min_idle_time=self.min_idle_ms,
                start_id=start,
                count=self.batch,
            )
            start, entries = reply[0], reply[1]
            if entries:
                done += await self._retry(entries)
            if start in {b"0-0", "0-0"}:
                return done

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                await self.reclaim_once()
            except RedisError as exc:
                log.warning("reclaim_failed", stream=self.stream, error=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def _retry(self, raw: Sequence[tuple[bytes, dict[bytes, bytes] | None]]) -> int:
        ids = [i.decode() for i, _ in raw]
        gone = [i for i, (_, fields) in zip(ids, raw, strict=True) if fields is None]
        if gone:  # trimmed from the stream while pending: nothing left to apply
            await self.redis.xack(self.stream, self.group, *gone)
        entries = [(i, f) for i, (_, f) in zip(ids, raw, strict=True) if f is not None]
        if not entries:
            return 0
        counts = await self._deliveries(entries[0][0], entries[-1][0], len(entries))
        letters = [
            DeadLetter(
                i,
                raw_payload(f),
                "delivery_limit",
                f"entry: failed {counts[i]} deliveries; processing never succeeded",
                deliveries=counts[i],
            )
            for i, f in entries
            if counts.get(i, 0) > self.dead_after
        ]
        if letters:
            await self.dead_letters.send(self.stream, letters)
            for letter in letters:
                self.observer.event("unknown", letter.reason)
        dead = {letter.entry_id for letter in letters}
        retry = [(i, f) for i, f in entries if i not in dead]
        if retry:
            await self.handler(retry)
        return len(entries)

    async def _deliveries(self, first: str, last: str, count: int) -> dict[str, int]:
        rows: Any = await self.redis.xpending_range(
            self.stream, self.group, min=first, max=last, count=count, consumername=self.consumer
        )
        return {
            (
                r["message_id"].decode() if isinstance(r["message_id"], bytes) else r["message_id"]
            ): int(r["times_delivered"])
            for r in rows
        }
