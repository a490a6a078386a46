"""The kept fold (domain/custody.py `extend`) against folding the whole history again, for
random histories in random arrival orders with repeats (hypothesis): an event later than
all before it is applied alone, any other makes the history fold again, and either way the
state is exactly the full fold's. Then the monitor (tests/fakes.py ports), one event a
batch in any order, ends with the findings of the whole history judged at once.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from test_fold_properties import BASE, SETTINGS, histories

from holdwatch.app.agencies import AgencyMap
from holdwatch.app.intake import Entry
from holdwatch.app.monitor import Monitor, MonitorConfig, Storage
from holdwatch.domain.contract import canonical_json
from holdwatch.domain.custody import Folded, History, extend, folded
from holdwatch.domain.events import Event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakes import FakeBookings, FakeClock, FakeDeadLetters, FakeFrontier, FakeObserver


@st.composite
def arrivals(draw: st.DrawFn) -> list[Event]:
    """A history's events in an arrival order, some repeated, one maybe conflicting."""
    events = draw(histories())
    order = draw(st.permutations(events))
    repeats = draw(st.lists(st.sampled_from(events), max_size=3))
    arrived = list(order) + repeats
    if draw(st.booleans()) and len(events) > 1:  # a producer bug: another event, same key
        other = events[0].model_copy(update={"id": events[1].id, "source": events[1].source})
        arrived.insert(draw(st.integers(0, len(arrived))), other)
    return arrived


@SETTINGS
@given(arrivals())
def test_incremental_fold_equals_the_full_fold(arrived: list[Event]) -> None:
    history = History()
    fold: Folded = folded("a", "B1", history)
    applied_alone = 0
    for event in arrived:
        known = history.events.get(event.key)
        if known == event:
            continue
        history = history.add(event)
        extended = extend(fold, event) if known is None else None
        applied_alone += extended is not None
        fold = extended or folded("a", "B1", history)
        full = folded("a", "B1", history)
        assert fold.state == full.state
        assert fold.last == full.last
        assert fold.times[: fold.count] == full.times[: full.count]
    for t in [BASE + timedelta(minutes=m) for m in (-4000, 0, 1000, 7000)]:
        later = [e.time for e in history.events.values() if e.time > t]
        expected = min(later, key=lambda x: x.timestamp()) if later else None
        got = fold.next_time_after(t)
        assert (got is None) == (expected is None)
        assert got is None or expected is None or got.timestamp() == expected.timestamp()
    if not history.conflicts and [e.key for e in arrived] == [e.key for e in history.ordered()]:
        assert applied_alone == len(history.events)  # in time order: never folded again


def _monitor(bookings: FakeBookings) -> Monitor:
    return Monitor(
        Storage(bookings, FakeDeadLetters(), FakeFrontier()),
        AgencyMap({}, "ca-sb54", timedelta(hours=2)),
        FakeClock(BASE + timedelta(days=10)),
        FakeObserver(),
        MonitorConfig("events", "timers"),
    )


def _entries(events: list[Event]) -> list[Entry]:
    return [(f"{i}-0", {b"event": canonical_json(e)}) for i, e in enumerate(events)]


@SETTINGS
@given(histories(), st.randoms(use_true_random=False))
async def test_one_event_a_batch_in_any_order_ends_as_one_batch(
    events: list[Event], rng: object
) -> None:
    order = list(events)
    rng.shuffle(order)  # type: ignore[attr-defined]
    whole, one_by_one = FakeBookings(), FakeBookings()
    await _monitor(whole).on_events(_entries(events))
    live = _monitor(one_by_one)
    for entry in _entries(order):
        await live.on_events([entry])
    (tag,) = whole.bookings
    expected = whole.bookings[tag].ledger
    final = one_by_one.bookings[tag].ledger
    standing = {f: r for f, r in final.items() if json.loads(r)["status"] != "superseded"}
    assert standing == dict(expected)
    assert one_by_one.bookings[tag].history.keys() == whole.bookings[tag].history.keys()
