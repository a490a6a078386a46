"""The events handler's overlap (app/overlap.py) on in-memory ports: a batch's commit stays
in flight while the next batch is parsed, the next is judged only once it settled, and a
failed commit leaves its entries pending without stopping the batches after it."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog

from holdwatch.adapters.keys import booking_tag
from holdwatch.app.agencies import AgencyMap
from holdwatch.app.intake import Entry
from holdwatch.app.monitor import Monitor, MonitorConfig, Storage
from holdwatch.app.overlap import Overlapped
from holdwatch.app.ports import Commit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakes import FakeBookings, FakeClock, FakeDeadLetters, FakeFrontier, FakeObserver
from story import Story

EVENTS = "events"
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)


class GatedBookings(FakeBookings):
    """Each commit waits for its gate, so a test decides when storage answers."""

    def __init__(self) -> None:
        super().__init__()
        self.gates: list[asyncio.Event] = []
        self.started: list[list[str]] = []  # the tags of each commit call, as it began

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        gate = asyncio.Event()
        self.gates.append(gate)
        self.started.append([c.tag for c in commits])
        await gate.wait()
        return await super().commit(ack_stream, commits)


class Line:
    def __init__(self) -> None:
        self.bookings = GatedBookings()
        self.monitor = Monitor(
            Storage(self.bookings, FakeDeadLetters(), FakeFrontier()),
            AgencyMap({}, "us-federal", timedelta(hours=2)),
            FakeClock(T0 + 100 * H),
            FakeObserver(),
            MonitorConfig(EVENTS, "timers"),
        )
        self.handler = Overlapped(self.monitor)
        self._ids = 0

    def entries(self, events: Sequence[dict[str, Any]]) -> list[Entry]:
        out: list[Entry] = []
        for e in events:
            self._ids += 1
            out.append((f"{self._ids}-0", {b"event": json.dumps(e).encode()}))
        return out

    async def open_gate(self, n: int) -> None:
        """Let commit call `n` answer once it has begun."""
        while len(self.bookings.gates) <= n:
            await asyncio.sleep(0)
        self.bookings.gates[n].set()


def booking(name: str) -> Story:
    return (
        Story(agency="pierce", booking=name)
        .booked(T0.isoformat())
        .detainer((T0 + H).isoformat())
        .eligible((T0 + 5 * H).isoformat())
    )


async def test_the_handler_returns_with_its_commit_in_flight_and_the_next_waits() -> None:
    line = Line()
    first = line.entries(booking("B1").events)
    await line.handler.on_events(first)
    await asyncio.sleep(0)
    assert line.bookings.started == [[booking_tag("pierce", "B1")]]
    assert EVENTS not in line.bookings.acked  # returned before storage answered
    second = line.entries(booking("B2").events)
    handled = asyncio.create_task(line.handler.on_events(second))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not handled.done()  # parsed, but judged only once the first commit settled
    assert len(line.bookings.started) == 1
    await line.open_gate(0)
    await handled
    assert line.bookings.acked[EVENTS] == [i for i, _ in first]
    await line.open_gate(1)
    await line.handler.settled()
    assert line.bookings.acked[EVENTS] == [i for i, _ in first + second]
    assert line.bookings.codes().count(("HOLD_OVER_WINDOW", "new")) == 2


async def test_the_next_batch_reads_what_the_one_before_committed() -> None:
    """The same booking in two batches: the second is planned on the first's commit
    (no conflict, no read), as it would be without the overlap."""
    line = Line()
    story = booking("B1")
    await line.handler.on_events(line.entries(story.events[:2]))
    await line.open_gate(0)
    later = line.entries(story.events[2:])
    await line.handler.on_events(later)
    await line.open_gate(1)
    await line.handler.settled()
    tag = booking_tag("pierce", "B1")
    assert line.bookings.bookings[tag].version == 2
    assert line.bookings.commit_calls == 2 and line.bookings.loads == 0
    assert line.bookings.acked[EVENTS][-1] == later[0][0]
    assert line.bookings.codes() == [("HOLD_OVER_WINDOW", "new")]


async def test_a_failed_commit_is_logged_and_left_pending_and_the_next_goes_on() -> None:
    line = Line()
    line.bookings.fail_after = 0
    lost = line.entries(booking("B1").events)
    with structlog.testing.capture_logs() as logs:
        await line.handler.on_events(lost)
        await line.open_gate(0)
        kept = line.entries(booking("B2").events)
        await line.handler.on_events(kept)
        await line.open_gate(1)
        await line.handler.settled()
    failed = [e for e in logs if e["event"] == "batch_failed"]
    assert [e["error"] for e in failed] == ["StorageDown"]
    assert line.bookings.acked[EVENTS] == [i for i, _ in kept]  # the lost batch: pending
    assert not any(i in line.bookings.acked[EVENTS] for i, _ in lost)


async def test_settled_waits_for_the_batch_in_flight_and_is_idle_after() -> None:
    line = Line()
    await line.handler.on_events(line.entries(booking("B1").events))
    waiting = asyncio.create_task(line.handler.settled())
    await asyncio.sleep(0)
    assert not waiting.done()
    await line.open_gate(0)
    await waiting
    assert EVENTS in line.bookings.acked
    await asyncio.wait_for(line.handler.settled(), 1)  # nothing in flight: returns at once


@pytest.mark.parametrize("batches", [1, 3])
async def test_bad_entries_are_dead_lettered_in_batch_order(batches: int) -> None:
    line = Line()
    letters = line.monitor.dead_letters
    assert isinstance(letters, FakeDeadLetters)
    for n in range(batches):
        bad = (f"bad-{n}", {b"event": b"{not json"})
        await line.handler.on_events([bad, *line.entries(booking(f"B{n}").events)])
        await line.open_gate(n)
    await line.handler.settled()
    sent = letters.letters[EVENTS]
    assert [d.entry_id for d in sent] == [f"bad-{n}" for n in range(batches)]
    assert {d.reason for d in sent} == {"invalid_event"}
    assert len(line.bookings.acked[EVENTS]) == 3 * batches
