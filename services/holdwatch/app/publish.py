"""Short commands against the live Redis: feed a JSONL history into the events stream, as
any producer would (field `event`), acknowledge a finding, build the compliance report.

Lines are sent as they are: validating is the monitor's job, and what it rejects is
dead-lettered there with its reason, exactly as for a jail's own producer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from holdwatch.adapters.delivery_store import DeliveryStore, NotifyKeys
from holdwatch.adapters.embedded import connected
from holdwatch.adapters.keys import Keys
from holdwatch.adapters.redis_store import BookingStore
from holdwatch.app.report import Period, Report
from holdwatch.app.report_sources import agency_profiles, from_redis
from holdwatch.settings import Settings

CHUNK = 1000


async def publish_lines(
    settings: Settings,
    lines: Iterable[bytes],
    *,
    rate: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Append each non-blank line to the events stream; at most `rate` a second if given.

    `progress` hears how many were sent after each chunk (for a progress bar).
    """
    sent = 0
    chunk = CHUNK if rate is None else max(1, min(CHUNK, int(rate / 10)))
    started = time.monotonic()
    async with (
        connected(settings.redis_url, settings.data_dir) as redis,
        redis.pipeline(transaction=False) as pipe,
    ):
        for line in lines:
            if not line.strip():
                continue
            pipe.xadd(settings.events_stream, {"event": line.rstrip(b"\r\n")})
            sent += 1
            if sent % chunk == 0:
                await pipe.execute()
                if progress:
                    progress(sent)
                if rate is not None:  # hold back until the rate allows what was sent
                    await asyncio.sleep(max(0.0, sent / rate - (time.monotonic() - started)))
        await pipe.execute()
    if progress:
        progress(sent)
    return sent


async def acknowledge(settings: Settings, finding_id: str, by: str, note: str) -> bool:
    """Record who took up a finding; its escalation then stays silent. First one wins."""
    record = {"by": by, "note": note, "at": datetime.now(UTC).isoformat()}
    async with connected(settings.redis_url, settings.data_dir) as redis:
        s = settings
        store = DeliveryStore(redis, NotifyKeys(s.key_prefix), s.notify_group, s.alerts_stream)
        return await store.acknowledge(finding_id, record)


async def live_report(settings: Settings, as_of: datetime, period: Period) -> Report:
    """The compliance report on what the live monitor holds in Redis."""
    s = settings
    async with connected(s.redis_url, s.data_dir) as redis:
        keys = Keys(s.key_prefix)
        store = BookingStore(
            redis, keys, alerts_stream=s.alerts_stream, group=s.group, alerts_maxlen=s.alerts_maxlen
        )
        return await from_redis(store, keys, s.dlq_stream, as_of, period, agency_profiles(s))
