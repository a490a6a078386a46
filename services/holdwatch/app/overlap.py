"""One batch's commit in flight while the next batch is read and validated.

A replica is bound by its one core (bench `--rounds`: on a core 86% of the run), and
without this it sat idle while Redis ran each batch's commit scripts, then while the next
XREADGROUP came back. Here the handler of the events stream returns once it has started
the batch's judging and commit, so FastStream reads the next batch meanwhile and
`Monitor.parse` validates it; that batch is judged only after the one before it is
settled, so it reads what that commit left (the cache, the stream's frontier) exactly as
it would have without the overlap. At most one batch is in flight.

Nothing is acked by the overlap: the commit scripts ack what they applied, so entries of
a batch whose commit fails or never ends (the process killed) stay pending for the
reclaimer, as they would without it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from holdwatch.app.intake import Entry
from holdwatch.app.monitor import Monitor

log = structlog.get_logger("holdwatch.monitor")


class Overlapped:
    """The events stream's handler: each batch parsed at once, applied after the last."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self._in_flight: asyncio.Task[None] | None = None

    async def on_events(self, entries: Sequence[Entry]) -> None:
        parsed = self.monitor.parse(entries)
        await self.settled()
        task = asyncio.create_task(self.monitor.apply(parsed))
        task.add_done_callback(_report)
        self._in_flight = task

    async def settled(self) -> None:
        """Wait for the batch in flight, if any (a failure was logged; its entries are
        pending). Called before the next batch is judged and before the process lets go of
        Redis."""
        task, self._in_flight = self._in_flight, None
        if task is not None:
            await asyncio.wait([task])


def _report(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("batch_failed", error=type(exc).__name__, exc_info=exc)
