"""The custody fold: one booking's events, in any arrival order, into `CustodyState`.

Events are deduplicated by (`source`, `id`) into a `History`, then projected in event-time
order by small mutators, one per event class (domain/mutators.py). Because the
projection sorts by event time, a detainer that arrives before its booking is simply
"parked" until the booking is applied, and a late event re-projects correctly. Mutators
edit a `Draft` that is frozen once per booking: the fold runs for every event of an audit.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from holdwatch.domain import events as ev
from holdwatch.domain.draft import Draft
from holdwatch.domain.mutators import MUTATORS, anomaly
from holdwatch.domain.state import (
    CustodyState,
)

EventKey = tuple[str, str]

#: Same-instant tie-break: what must logically come first sorts first (a booking before
#: its detainer, eligibility before the release that follows it).
_RANK: dict[str, int] = {
    t: i
    for i, t in enumerate(
        (
            "booking.created",
            "detainer.received",
            "warrant.received",
            "magistrate.held_to_answer",
            "citizenship.claimed",
            "release.scheduled",
            "truth.notice_given",
            "release.eligible",
            "release.eligibility_revoked",
            "detainer.cancelled",
            "ice.notified",
            "ice.interview",
            "wso.activity",
            "status.checked",
            "custody.released",
        )
    )
}


def _as_json(event: ev.Event) -> str:
    return event.model_dump_json()


def sort_key(event: ev.Event) -> tuple[datetime, int, str, str]:
    return (event.time, _RANK[event.type], event.source, event.id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _order_key(event: ev.Event) -> tuple[timedelta, int, str, str]:
    """Orders exactly as `sort_key`, but cheaply.

    Comparing two aware datetimes asks each for its UTC offset, every time; sorting
    compares each event several times. Their distance from the epoch is computed once.
    """
    return (event.time - _EPOCH, _RANK[event.type], event.source, event.id)


@dataclass(frozen=True, slots=True)
class History:
    """The deduplicated set of a booking's events; the unit the monitor stores."""

    events: Mapping[EventKey, ev.Event] = field(default_factory=dict)
    conflicts: frozenset[EventKey] = frozenset()

    @classmethod
    def of(cls, events: Iterable[ev.Event]) -> History:
        """The history of `events`, built in one pass; the same as adding them one by one."""
        table: dict[EventKey, ev.Event] = {}
        conflicts: set[EventKey] = set()
        for event in events:
            key = (event.source, event.id)
            known = table.setdefault(key, event)
            if known is not event and known != event:
                table[key] = min(known, event, key=_as_json)
                conflicts.add(key)
        return cls(table, frozenset(conflicts))

    def add(self, event: ev.Event) -> History:
        """Add an event; a repeat of its (`source`, `id`) is ignored.

        A repeat whose content differs is a producer bug: both are kept out of doubt by
        keeping the one that sorts first as JSON (so arrival order cannot matter) and the
        key is recorded as a conflict for a DATA_QUALITY finding.
        """
        known = self.events.get(event.key)
        if known is None:
            return History({**self.events, event.key: event}, self.conflicts)
        if known == event:
            return self
        keep = min(known, event, key=_as_json)
        return History({**self.events, event.key: keep}, self.conflicts | {event.key})

    def ordered(self) -> list[ev.Event]:
        return sorted(self.events.values(), key=_order_key)


def _last_instant_from(events: list[ev.Event]) -> int | None:
    """None when `events` are not already in `sort_key` order, else where the run of
    events at the latest instant begins (0 when empty): the check and `_latest` in one pass.

    Most bookings arrive in order (a JMS export is in time order); a pass of comparisons
    then costs less than building a key per event, and each comparison of two parsed times
    (which never share a zone object) asks both for their offsets, so none is repeated.
    Ties are common (eligible and released at one instant) and are checked by the rest of
    the key.
    """
    start = 0
    for i, (a, b) in enumerate(pairwise(events), start=1):
        if a.time < b.time:
            start = i
            continue
        if a.time != b.time or (_RANK[a.type], a.source, a.id) > (_RANK[b.type], b.source, b.id):
            return None
    return start


def _latest(ordered: list[ev.Event]) -> datetime | None:
    """The time of the first event at the latest instant, as `max` over the times picks."""
    if not ordered:
        return None
    i = len(ordered) - 1
    latest = ordered[i].time
    while i > 0 and ordered[i - 1].time == latest:
        i -= 1
    return ordered[i].time


def project(agency: str, booking_id: str | None, history: History) -> CustodyState:
    """Project a history into state, applying events in event-time order."""
    return _projected(agency, booking_id, history)[0]


@dataclass(frozen=True, slots=True)
class Folded:
    """A history's projection, kept with what lets the next event apply alone.

    An event that sorts after every event applied so far changes the state exactly as the
    full projection would (the mutators only ever see events in order), so `extend` costs
    the same however long the booking is; any other event needs `folded` again.
    """

    state: CustodyState
    #: `_order_key` of the last event applied; None before any
    last: tuple[timedelta, int, str, str] | None
    #: the events' instants in order: `times[:count]` are this fold's (the list is shared
    #: with the folds extended from it, each reading only its own prefix)
    times: list[datetime]
    count: int
    #: the history had two different events under one (source, id): their anomaly comes
    #: after every mutator's, so no event can be applied alone
    conflicted: bool = False

    def next_time_after(self, t: datetime) -> datetime | None:
        """The instant of the first event after `t` (an event dated in the future)."""
        i = bisect_right(self.times, t, 0, self.count)
        return self.times[i] if i < self.count else None


def _projected(
    agency: str, booking_id: str | None, history: History
) -> tuple[CustodyState, list[ev.Event]]:
    """The state, and the events in the order applied (what `folded` keeps besides)."""
    ordered = list(history.events.values())
    start = _last_instant_from(ordered)
    if start is None:
        ordered.sort(key=_order_key)
        latest = _latest(ordered)
    else:
        latest = ordered[start].time if ordered else None
    state = Draft(
        agency,
        booking_id,
        first_event_at=ordered[0].time if ordered else None,
        last_event_at=latest,
        event_ids=tuple([e.id for e in ordered]),
    )
    mutators = MUTATORS
    for event in ordered:
        mutator = mutators.get(type(event))
        if mutator is None:
            raise TypeError(f"no mutator for {type(event).__name__}")
        mutator(event, state)
    if history.conflicts:
        for key in sorted(history.conflicts):
            anomaly(state, history.events[key], "two different events share one (source, id)")
    return state.freeze(), ordered


def folded(agency: str, booking_id: str | None, history: History) -> Folded:
    """Project a history into state, applying events in event-time order."""
    state, ordered = _projected(agency, booking_id, history)
    last = _order_key(ordered[-1]) if ordered else None
    times = [e.time for e in ordered]
    return Folded(state, last, times, len(times), bool(history.conflicts))


def extend(fold: Folded, event: ev.Event) -> Folded | None:
    """`fold` with `event` applied, if it sorts after every event in it; else None (the
    history must be folded again). `event` must be new to the history."""
    key = _order_key(event)
    if fold.conflicted or (fold.last is not None and key <= fold.last):
        return None
    mutator = MUTATORS.get(type(event))
    if mutator is None:
        raise TypeError(f"no mutator for {type(event).__name__}")
    draft = Draft.thaw(fold.state)
    if draft.first_event_at is None:
        draft.first_event_at = event.time
    if draft.last_event_at is None or event.time > draft.last_event_at:
        draft.last_event_at = event.time  # the first event at the latest instant, as `_latest`
    draft.event_ids = (*draft.event_ids, event.id)
    mutator(event, draft)
    times = fold.times
    if len(times) != fold.count:  # another fold extended this one's list already
        times = times[: fold.count]
    times.append(event.time)
    return Folded(draft.freeze(), key, times, fold.count + 1)


def fold(events: Iterable[ev.Event]) -> CustodyState:
    """Fold one booking's events (any order, repeats ignored) into its custody state."""
    history = History.of(events)
    first = next(iter(history.events.values()), None)
    if first is None:
        raise ValueError("events: a booking needs at least one event")
    return project(first.agency, first.subject, history)
