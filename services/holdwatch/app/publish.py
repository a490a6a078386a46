"""Feed a JSONL history into the events stream, as any producer would (field `event`).

Lines are sent as they are: validating is the monitor's job, and what it rejects is
dead-lettered there with its reason, exactly as for a jail's own producer.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

from holdwatch.adapters.embedded import start_embedded
from holdwatch.settings import Settings

CHUNK = 1000


async def publish_lines(settings: Settings, lines: Iterable[bytes]) -> int:
    embedded = None if settings.redis_url else start_embedded(settings.data_dir)
    url = settings.redis_url or (embedded.url if embedded else "")
    redis = Redis.from_url(url)
    sent = 0
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for line in lines:
                if not line.strip():
                    continue
                pipe.xadd(settings.events_stream, {"event": line.rstrip(b"\r\n")})
                sent += 1
                if sent % CHUNK == 0:
                    await pipe.execute()
            await pipe.execute()
    finally:
        await redis.aclose()
        if embedded is not None:
            embedded.close()
    return sent
