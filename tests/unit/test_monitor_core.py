"""The monitor's use cases on in-memory ports (tests/fakes.py): what it commits, acks and
emits when storage conflicts, fails part way, loses a booking, or keeps conflicting.

The same properties are checked against a real Redis in tests/integration/; here each
failure is placed exactly, and nothing waits on a clock.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from holdwatch.adapters.keys import booking_tag
from holdwatch.app.agencies import AgencyMap
from holdwatch.app.intake import Entry
from holdwatch.app.monitor import Monitor, MonitorConfig, Storage

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakes import FakeBookings, FakeClock, FakeDeadLetters, FakeFrontier, FakeObserver, StorageDown
from story import Story

EVENTS, TIMERS = "events", "timers"
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)


class World:
    def __init__(self, clock_at: datetime = T0 + 100 * H, max_attempts: int = 8) -> None:
        self.clock = FakeClock(clock_at)
        self.bookings = FakeBookings()
        self.letters = FakeDeadLetters()
        self.observer = FakeObserver()
        self.monitor = self.replica(max_attempts)
        self._ids = 0

    def replica(self, max_attempts: int = 8) -> Monitor:
        """Another monitor on the same storage (its own cache)."""
        return Monitor(
            Storage(self.bookings, self.letters, FakeFrontier()),
            AgencyMap({}, "us-federal", timedelta(hours=2)),
            self.clock,
            self.observer,
            MonitorConfig(EVENTS, TIMERS, max_attempts=max_attempts),
        )

    def entries(self, events: Sequence[dict[str, Any]]) -> list[Entry]:
        out: list[Entry] = []
        for e in events:
            self._ids += 1
            out.append((f"{self._ids}-0", {b"event": json.dumps(e).encode()}))
        return out

    def timer(self, tag: str, due: datetime, fired: datetime) -> Entry:
        self._ids += 1
        data = json.dumps({"agency": "pierce", "booking_id": tag.strip("{}").split("/")[1]})
        fields = {
            b"timer": f"{tag}|deadline".encode(),
            b"data": data.encode(),
            b"due_ms": str(int(due.timestamp() * 1000)).encode(),
            b"fired_ms": str(int(fired.timestamp() * 1000)).encode(),
        }
        return (f"{self._ids}-0", fields)


def held(booking: str = "B1", eligible: datetime = T0 + 5 * H) -> Story:
    """Held on a detainer past release eligibility: HOLD_OVER_WINDOW 48 h after."""
    return (
        Story(agency="pierce", booking=booking)
        .booked(T0.isoformat())
        .detainer((T0 + H).isoformat())
        .eligible(eligible.isoformat())
    )


TAG = booking_tag("pierce", "B1")


async def test_a_batch_is_committed_acked_and_judged() -> None:
    w = World()
    entries = w.entries(held().events)
    await w.monitor.on_events(entries)
    assert w.bookings.acked[EVENTS] == [i for i, _ in entries]
    assert ("HOLD_OVER_WINDOW", "new") in w.bookings.codes()
    assert len(w.bookings.bookings[TAG].history) == 3
    assert w.observer.events[("booking.created", "applied")] == 1


async def test_repeats_are_acked_by_a_checked_confirm_and_emit_nothing() -> None:
    w = World()
    story = held()
    await w.monitor.on_events(w.entries(story.events))
    alerts, version = len(w.bookings.alerts), w.bookings.bookings[TAG].version
    again = w.entries(story.events)
    await w.monitor.on_events(again)
    assert len(w.bookings.alerts) == alerts
    assert w.bookings.bookings[TAG].version == version  # a confirm writes nothing
    assert w.bookings.acked[EVENTS][-3:] == [i for i, _ in again]
    assert w.observer.events[("booking.created", "duplicate")] == 1


async def test_a_version_conflict_is_read_again_and_retried() -> None:
    """Another replica moved the booking on after this one cached it: the commit meets
    the newer version, the booking is read afresh, and the batch applies on top of it."""
    w = World()
    story = held()
    await w.monitor.on_events(w.entries(story.events[:2]))
    loads = w.bookings.loads
    w.bookings.bump(TAG)
    late = w.entries(story.events[2:])
    await w.monitor.on_events(late)
    assert w.bookings.loads == loads + 1  # the conflict made it read again
    assert w.bookings.acked[EVENTS][-1] == late[0][0]
    assert w.bookings.codes().count(("HOLD_OVER_WINDOW", "new")) == 1


async def test_two_replicas_interleaved_emit_each_finding_once() -> None:
    w = World()
    other = w.replica()
    story = held()
    await w.monitor.on_events(w.entries(story.events[:1]))
    await other.on_events(w.entries(story.events[1:2]))  # w.monitor's cache is now stale
    await w.monitor.on_events(w.entries(story.events[2:]))
    assert len(w.bookings.bookings[TAG].history) == 3
    assert w.bookings.codes().count(("HOLD_OVER_WINDOW", "new")) == 1


async def test_a_booking_storage_lost_is_written_again_not_acked_away() -> None:
    """Repeats of a booking cached here, which storage no longer holds: the confirm's
    check fails, and the events are stored again from the entries."""
    w = World()
    story = held()
    await w.monitor.on_events(w.entries(story.events))
    w.bookings.lose(TAG)
    await w.monitor.on_events(w.entries(story.events))
    assert len(w.bookings.bookings[TAG].history) == 3
    assert w.bookings.codes().count(("HOLD_OVER_WINDOW", "new")) == 2  # the stream tells again


async def test_a_batch_that_fails_part_way_leaves_the_rest_pending_and_redelivery_heals() -> None:
    """The connection drops after the first booking's commit: that one is acked, the
    other is not; the redelivered batch adds nothing twice."""
    w = World()
    a, b = held("A1"), held("B2")
    entries = w.entries(a.events + b.events)
    w.bookings.fail_after = 1
    with pytest.raises(StorageDown):
        await w.monitor.on_events(entries)
    assert set(w.bookings.acked[EVENTS]) == {i for i, _ in entries[:3]}
    assert booking_tag("pierce", "B2") not in w.bookings.bookings
    await w.monitor.on_events(entries)  # the reclaimer hands the batch over again
    assert set(w.bookings.acked[EVENTS]) == {i for i, _ in entries}
    assert w.bookings.codes().count(("HOLD_OVER_WINDOW", "new")) == 2  # one per booking


async def test_conflicts_every_attempt_give_up_leaving_entries_pending() -> None:
    w = World(max_attempts=3)
    entries = w.entries(held().events)
    real = w.bookings.commit
    calls = 0

    async def always_moved_on(stream: str, commits: Any) -> list[int | None]:
        nonlocal calls
        calls += 1
        w.bookings.bump(TAG)
        return await real(stream, commits)

    w.bookings.commit = always_moved_on  # type: ignore[method-assign,assignment]
    await w.monitor.on_events(entries)
    assert calls == 3
    assert EVENTS not in w.bookings.acked  # pending: the reclaimer tries again later
    assert w.bookings.alerts == []


async def test_an_unreadable_entry_is_dead_lettered_and_the_rest_applied() -> None:
    w = World()
    good = w.entries(held().events)
    bad = ("9-0", {b"event": b'{"type": "booking.created"}'})
    await w.monitor.on_events([*good, bad])
    assert [letter.entry_id for letter in w.letters.letters[EVENTS]] == ["9-0"]
    assert w.bookings.acked[EVENTS] == [i for i, _ in good]


async def test_a_timer_judges_the_deadline_saying_how_late() -> None:
    """The hold's 48 hours run out with no event: the fired timer raises the finding."""
    eligible = T0 + 5 * H
    w = World(clock_at=eligible + 47 * H)
    await w.monitor.on_events(w.entries(held(eligible=eligible).events))
    assert ("HOLD_OVER_WINDOW", "new") not in w.bookings.codes()
    due = w.bookings.timers[f"{TAG}|deadline"]
    assert due == int((eligible + 48 * H).timestamp() * 1000)
    fired = eligible + 48 * H + timedelta(seconds=3)
    w.clock.now = fired
    await w.monitor.on_timers([w.timer(TAG, eligible + 48 * H, fired)])
    over = [a for a in w.bookings.alerts if a.finding["code"] == "HOLD_OVER_WINDOW"]
    assert [(a.trigger, a.late_ms) for a in over] == [("timer", 3000)]
    assert w.observer.timers == [3.0]


@pytest.mark.parametrize(
    "order",
    [
        pytest.param([0, 1, 2, 3], id="in-order"),
        pytest.param([3, 2, 1, 0], id="reversed"),
        pytest.param([0, 3, 1, 2], id="release-early"),
        pytest.param([2, 0, 3, 1], id="shuffled"),
    ],
)
async def test_any_arrival_order_one_event_a_batch_ends_in_the_same_findings(
    order: list[int],
) -> None:
    """Applied incrementally or folded again (an event out of order), the booking ends
    the same: the ledger holds the same findings whatever order the events came in."""
    story = held()
    story.add("custody.released", (T0 + 60 * H).isoformat(), {"to": "ice"}, id="B1-out")
    reference = World()
    await reference.monitor.on_events(reference.entries(story.events))
    w = World()
    for i in order:
        await w.monitor.on_events(w.entries([story.events[i]]))
    final = {fid: json.loads(r)["status"] for fid, r in w.bookings.bookings[TAG].ledger.items()}
    expected = {
        fid: json.loads(r)["status"] for fid, r in reference.bookings.bookings[TAG].ledger.items()
    }
    assert {k: v for k, v in final.items() if v != "superseded"} == expected
    assert w.bookings.bookings[TAG].out_of_order == sum(
        any(j > i for j in order[:n]) for n, i in enumerate(order)
    )


# --- an agency's own record: compacted, with retention ------------------------------------

AGENCY = booking_tag("pierce", None)
RETENTION = timedelta(days=400)


def wso_acts(days: range) -> list[dict[str, Any]]:
    """Agency-level 287(g) acts (no booking), one a day, each a finding where barred."""
    story = Story(agency="pierce", booking="agency")
    for d in days:
        at = (T0 + timedelta(days=d)).isoformat()
        story.add("wso.activity", at, {"action": "warrant_served"}, id=f"wso-{d}", subject=None)
    return story.events


async def test_an_agency_record_is_compacted_past_retention_and_never_re_announced() -> None:
    """Two years of daily acts: the record keeps about the retention period (plus the
    eighth it may run over before compacting), every act's finding is announced once, and a
    replay of acts older than the record keeps is acked, not announced again."""
    w = World(clock_at=T0)
    w.monitor.agencies = AgencyMap({}, "ca-sb54", timedelta(hours=2))
    for d in range(0, 730, 10):
        w.clock.now = T0 + timedelta(days=d + 10)
        await w.monitor.on_events(w.entries(wso_acts(range(d, d + 10))))
    record = w.bookings.bookings[AGENCY]
    assert record.compacted_before is not None
    span = (T0 + timedelta(days=730)) - record.compacted_before
    assert RETENTION <= span < RETENTION + RETENTION / 8 + timedelta(days=11)
    assert 400 <= len(record.history) <= 400 + 50 + 10  # bounded: not 730
    assert len(record.ledger) <= len(record.history)
    announced = [a.finding["evidence"][0] for a in w.bookings.alerts if a.change == "new"]
    assert sorted(announced) == sorted(f"wso-{d}" for d in range(730))  # each once
    assert not [a for a in w.bookings.alerts if a.change != "new"]  # nothing withdrawn
    alerts = len(w.bookings.alerts)
    replay = w.entries(wso_acts(range(0, 20)))
    await w.monitor.on_events(replay)
    assert len(w.bookings.alerts) == alerts
    assert w.bookings.acked[EVENTS][-20:] == [i for i, _ in replay]
    assert w.observer.events[("wso.activity", "expired")] == 20
    other = Monitor(  # a replica reading the record from storage agrees
        Storage(w.bookings, w.letters, FakeFrontier()),
        AgencyMap({}, "ca-sb54", timedelta(hours=2)),
        w.clock,
        w.observer,
        MonitorConfig(EVENTS, TIMERS),
    )
    await other.on_events(w.entries(wso_acts(range(5, 6))))
    assert len(w.bookings.alerts) == alerts


async def test_a_booking_is_never_compacted() -> None:
    """A booking's history is kept whole while it lasts (it expires as a whole after)."""
    w = World(clock_at=T0 + timedelta(days=900))
    await w.monitor.on_events(w.entries(held().events))
    assert len(w.bookings.bookings[TAG].history) == 3
    assert w.bookings.bookings[TAG].compacted_before is None


# --- constant cost: an event in time order touches only itself ----------------------------


@pytest.mark.parametrize("length", [10, 1000])
async def test_an_event_in_time_order_is_applied_alone(
    length: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However long the booking, the next event in time order parses one event (itself)
    and folds nothing again; an event out of order folds the history once."""
    import holdwatch.app.applying as applying_module  # noqa: PLC0415
    import holdwatch.app.compaction as compaction_module  # noqa: PLC0415
    import holdwatch.domain.contract as contract  # noqa: PLC0415

    w = World(clock_at=T0 + timedelta(days=30))
    story = held()
    for i in range(length):
        at = (T0 + 6 * H + timedelta(minutes=i)).isoformat()
        story.add("release.scheduled", at, {"expected_at": (T0 + 600 * H).isoformat()})
    await w.monitor.on_events(w.entries(story.events))  # built, and cached
    parsed, folds = [], []
    real_parse, real_fold = contract.parse_event, applying_module.folded
    monkeypatch.setattr(
        "holdwatch.app.intake.parse_event", lambda raw: parsed.append(1) or real_parse(raw)
    )
    monkeypatch.setattr(
        applying_module, "parse_event", lambda raw: parsed.append(1) or real_parse(raw)
    )
    for module in (applying_module, compaction_module):  # a fold, and a fold again
        monkeypatch.setattr(module, "folded", lambda *a: folds.append(1) or real_fold(*a))
    monkeypatch.setattr(
        compaction_module, "parse_event", lambda raw: parsed.append(1) or real_parse(raw)
    )
    nxt = (T0 + 6 * H + timedelta(minutes=length + 1)).isoformat()
    story.add("release.scheduled", nxt, {"expected_at": (T0 + 601 * H).isoformat()}, id="next")
    await w.monitor.on_events(w.entries(story.events[-1:]))
    assert (len(parsed), len(folds)) == (1, 0)
    story.add("release.scheduled", (T0 + 2 * H).isoformat(), {"expected_at": nxt}, id="early")
    await w.monitor.on_events(w.entries(story.events[-1:]))
    assert len(folds) == 1
    assert len(parsed) == 1 + 1 + length + 5  # the entry, then the whole history once


async def test_an_unseen_booking_is_planned_new_and_a_wrong_guess_read_and_retried() -> None:
    """A booking this replica never saw is committed as new without a read; one another
    replica wrote meets its version, is read, and the batch applies on top of it once."""
    w = World()
    story = held()
    await w.monitor.on_events(w.entries(story.events[:1]))
    assert w.bookings.loads == 0
    fresh = w.replica()
    await fresh.on_events(w.entries(story.events[1:]))
    assert w.bookings.loads == 1  # the guess conflicted: read, then planned again
    assert len(w.bookings.bookings[TAG].history) == 3
    assert w.bookings.codes().count(("HOLD_OVER_WINDOW", "new")) == 1


async def test_a_restart_over_stored_bookings_reads_them_first() -> None:
    """Guesses that keep meeting stored bookings stop; reads that find none start them."""
    w = World()
    stories = [held(f"B{n}") for n in range(200)]
    await w.monitor.on_events(w.entries([e for s in stories for e in s.events[:1]]))
    restarted = w.replica()
    for s in stories:
        await restarted.on_events(w.entries(s.events[1:2]))
    assert not restarted.guesses.worthwhile
    commits = w.bookings.commit_calls
    await restarted.on_events(w.entries(stories[0].events[2:]))
    assert w.bookings.commit_calls == commits + 1  # read first: no conflict to retry
    for n in range(200):
        await restarted.on_events(w.entries(held(f"N{n}").events[:1]))
    assert restarted.guesses.worthwhile


async def test_a_guess_that_fails_to_plan_blames_nothing_on_the_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An event judged on the empty record a guess assumes may fail where the stored one
    would not: it is planned again on what storage holds, never dead-lettered for it."""
    import holdwatch.app.monitor as monitor_module  # noqa: PLC0415

    real = monitor_module.judge_fold

    def needs_history(fold: Any, *args: Any, **kw: Any) -> Any:
        if fold.state.event_ids == ("B1-e2",):
            raise RuntimeError("judged without the booking")
        return real(fold, *args, **kw)

    monkeypatch.setattr(monitor_module, "judge_fold", needs_history)
    w = World()
    story = held()
    await w.monitor.on_events(w.entries(story.events[:1]))
    await w.replica().on_events(w.entries(story.events[1:2]))
    assert EVENTS not in w.letters.letters
    assert len(w.bookings.bookings[TAG].history) == 2
