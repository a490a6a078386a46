"""Short commands against the live Redis: feed a JSONL history into the events stream, as
any producer would (field `event`), acknowledge a finding.

Lines are sent as they are: validating is the monitor's job, and what it rejects is
dead-lettered there with its reason, exactly as for a jail's own producer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from holdwatch.adapters.topology import connected_to
from holdwatch.app.ports import Clock, Deliveries
from holdwatch.settings import Settings

CHUNK = 1000


async def publish_lines(
    settings: Settings,
    lines: Iterable[bytes],
    *,
    rate: float | None = None,
    progress: Callable[[int], None] | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    """Append each non-blank line to the events stream; at most `rate` a second if given
    (paced by `monotonic`, seconds).

    `progress` hears how many were sent after each chunk (for a progress bar).
    """
    sent = 0
    chunk = CHUNK if rate is None else max(1, min(CHUNK, int(rate / 10)))
    started = monotonic()
    async with (
        connected_to(settings) as redis,
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
                    await asyncio.sleep(max(0.0, sent / rate - (monotonic() - started)))
        await pipe.execute()
    if progress:
        progress(sent)
    return sent


async def acknowledge(
    deliveries: Deliveries, clock: Clock, finding_id: str, by: str, note: str
) -> bool:
    """Record who took up a finding, and when (`clock`); its escalation then stays silent.
    The first acknowledgement wins."""
    record = {"by": by, "note": note, "at": clock().isoformat()}
    return await deliveries.acknowledge(finding_id, record)
