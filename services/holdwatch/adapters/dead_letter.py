"""The dead-letter stream: each entry keeps the reason, the original id and the raw payload.

The stream is bounded three ways, because a producer controls what lands in it: the
stored payload is cut at a size (its full size and SHA-256 are kept, so a republished
copy can be matched against it), the stream by count (XADD MAXLEN ~) and by age (XTRIM
MINID, exact: dead letters are rare, and an approximate trim removes only whole nodes,
which in a stream written a few times a month would keep entries for years). The age is
taken on the Redis clock, from the id Redis gives the newest letter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from holdwatch.app.ports import DeadLetter

#: The fields of a dead-letter entry, in the order they are written.
DEAD_LETTER_FIELDS = (
    "reason",
    "detail",
    "errors",
    "original_stream",
    "original_id",
    "deliveries",
    "payload",
    "payload_bytes",
    "payload_sha256",
    "payload_truncated",
)
PAYLOAD_MAX_BYTES = 64 * 1024
RETENTION_DAYS = 30
DAY_MS = 86_400_000


def stored_payload(payload: bytes, max_bytes: int) -> dict[FieldT, EncodableT]:
    """The payload as stored: at most `max_bytes` of it, with the full size and digest."""
    return {
        "payload": payload[:max_bytes],
        "payload_bytes": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_truncated": "true" if len(payload) > max_bytes else "false",
    }


class RedisDeadLetters:
    def __init__(
        self,
        redis: Redis,
        dlq_stream: str,
        group: str,
        maxlen: int,
        *,
        payload_max_bytes: int = PAYLOAD_MAX_BYTES,
        retention_days: int = RETENTION_DAYS,
        one_slot: bool = True,
    ) -> None:
        #: One Redis: the letters and the ack are one transaction. On a cluster the two
        #: streams are in different slots: the letters are written first, then the ack,
        #: so a crash between can only write a letter twice, never lose one.
        self.one_slot = one_slot
        self.redis = redis
        self.dlq_stream = dlq_stream
        self.group = group
        self.maxlen = maxlen
        self.payload_max_bytes = payload_max_bytes
        self.retention_ms = retention_days * DAY_MS

    async def send(self, stream: str, letters: Sequence[DeadLetter]) -> None:
        if not letters:
            return
        async with self.redis.pipeline(transaction=self.one_slot) as pipe:
            for letter in letters:
                pipe.xadd(
                    self.dlq_stream,
                    {
                        "reason": letter.reason,
                        "detail": letter.detail,
                        "errors": json.dumps([{"field": f, "reason": r} for f, r in letter.errors]),
                        "original_stream": stream,
                        "original_id": letter.entry_id,
                        "deliveries": letter.deliveries,
                        **stored_payload(letter.payload, self.payload_max_bytes),
                    },
                    maxlen=self.maxlen,
                    approximate=True,
                )
            if self.one_slot:
                pipe.xack(stream, self.group, *(letter.entry_id for letter in letters))
            replies = await pipe.execute()
        if not self.one_slot:
            await self.redis.xack(stream, self.group, *(letter.entry_id for letter in letters))
        ids = replies[: len(letters)]
        newest = ids[-1].decode() if isinstance(ids[-1], bytes) else str(ids[-1])
        newest_ms = int(newest.split("-")[0])
        await self.redis.xtrim(
            self.dlq_stream, minid=newest_ms - self.retention_ms, approximate=False
        )
