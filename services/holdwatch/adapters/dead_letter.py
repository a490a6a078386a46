"""The dead-letter stream: each entry keeps the reason, the original id and the raw payload."""

from __future__ import annotations

import json
from collections.abc import Sequence

from redis.asyncio import Redis

from holdwatch.app.ports import DeadLetter


class RedisDeadLetters:
    def __init__(self, redis: Redis, dlq_stream: str, group: str, maxlen: int) -> None:
        self.redis = redis
        self.dlq_stream = dlq_stream
        self.group = group
        self.maxlen = maxlen

    async def send(self, stream: str, letters: Sequence[DeadLetter]) -> None:
        if not letters:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
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
                        "payload": letter.payload,
                    },
                    maxlen=self.maxlen,
                    approximate=True,
                )
            pipe.xack(stream, self.group, *(letter.entry_id for letter in letters))
            await pipe.execute()
