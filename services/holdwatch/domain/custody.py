"""The custody fold: one booking's events, in any arrival order, into `CustodyState`.

Events are deduplicated by (`source`, `id`) into a `History`, then projected in event-time
order by small mutators (`singledispatch`, after eventsourcing's aggregate6). Because the
projection sorts by event time, a detainer that arrives before its booking is simply
"parked" until the booking is applied, and a late event re-projects correctly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import reduce, singledispatch
from types import MappingProxyType
from typing import Any

from holdwatch.domain import events as ev
from holdwatch.domain.state import (
    Anomaly,
    Booking,
    CitizenshipClaim,
    Conviction,
    CustodyState,
    Detainer,
    Eligibility,
    HeldToAnswer,
    IceContact,
    Interview,
    Notice,
    Release,
    Warrant,
    WsoAct,
)
from holdwatch.domain.vocab import (
    DetainerRequest,
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
            "custody.released",
        )
    )
}

#: What each form asks for when the event does not list `requests` (LAW.md §3.1, §4.3).
FORM_DEFAULT_REQUESTS: Mapping[str, frozenset[DetainerRequest]] = MappingProxyType(
    {
        "I-247A": frozenset({"notify", "maintain_custody"}),
        "I-247": frozenset({"notify", "maintain_custody"}),
        "I-247D": frozenset({"notify", "maintain_custody"}),
        "I-247N": frozenset({"notify"}),
        "I-247X": frozenset({"transfer"}),
        "I-203": frozenset({"maintain_custody"}),
        "other": frozenset({"notify", "maintain_custody"}),
    }
)


def sort_key(event: ev.Event) -> tuple[datetime, int, str, str]:
    return (event.time, _RANK[event.type], event.source, event.id)


@dataclass(frozen=True, slots=True)
class History:
    """The deduplicated set of a booking's events; the unit the monitor stores."""

    events: Mapping[EventKey, ev.Event] = field(default_factory=dict)
    conflicts: frozenset[EventKey] = frozenset()

    @classmethod
    def of(cls, events: Iterable[ev.Event]) -> History:
        return reduce(History.add, events, cls())

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
        keep = min(known, event, key=lambda e: e.model_dump_json())
        return History({**self.events, event.key: keep}, self.conflicts | {event.key})

    def ordered(self) -> list[ev.Event]:
        return sorted(self.events.values(), key=sort_key)


def _anomaly(state: CustodyState, event: ev.Event, what: str) -> CustodyState:
    return replace(state, anomalies=(*state.anomalies, Anomaly(event.time, what, event.id)))


@singledispatch
def apply(event: Any, state: CustodyState) -> CustodyState:
    raise TypeError(f"no mutator for {type(event).__name__}")


@apply.register
def _(event: ev.BookingCreated, state: CustodyState) -> CustodyState:
    if state.booking is not None:
        return _anomaly(state, event, "a second booking.created for the same booking")
    d = event.data
    priors = tuple(
        Conviction(
            c.code,
            c.level,
            c.convicted_on,
            None if c.categories is None else frozenset(c.categories),
        )
        for c in d.prior_convictions
    )
    booking = Booking(
        booked_at=event.time,
        facility=d.facility,
        timezone=d.timezone,
        person_id=d.person.person_id,
        charge_codes=tuple((c.code, c.level) for c in d.charges),
        prior_convictions=priors,
        registrant=d.registrant,
        event_id=event.id,
    )
    return replace(state, booking=booking)


@apply.register
def _(event: ev.ReleaseScheduled, state: CustodyState) -> CustodyState:
    return replace(state, scheduled_release_at=event.data.expected_at)


@apply.register
def _(event: ev.ReleaseEligible, state: CustodyState) -> CustodyState:
    if state.release is not None:
        return _anomaly(state, event, "release.eligible after custody had ended")
    if state.eligibility and state.eligibility[-1].revoked_at is None:
        return state  # already eligible: the earlier RE stands
    span = Eligibility(event.time, event.data.reason, event.id)
    return replace(state, eligibility=(*state.eligibility, span))


@apply.register
def _(event: ev.EligibilityRevoked, state: CustodyState) -> CustodyState:
    if not state.eligibility or state.eligibility[-1].revoked_at is not None:
        return _anomaly(state, event, "eligibility revoked while the person was not eligible")
    last = replace(state.eligibility[-1], revoked_at=event.time, revoke_event_id=event.id)
    return replace(state, eligibility=(*state.eligibility[:-1], last))


@apply.register
def _(event: ev.DetainerReceived, state: CustodyState) -> CustodyState:
    d = event.data
    if state.detainer(d.detainer_id) is not None:
        return _anomaly(state, event, "the same detainer_id was received twice")
    requests = frozenset(d.requests) if d.requests is not None else FORM_DEFAULT_REQUESTS[d.form]
    detainer = Detainer(
        detainer_id=d.detainer_id,
        received_at=event.time,
        form=d.form,
        form_revision=d.form_revision,
        issued_at=d.issued_at,
        issuing_office=d.issuing_office,
        issuing_district=d.issuing_district,
        requests=requests,
        probable_cause=frozenset(d.probable_cause),
        attached_warrant=d.attached_warrant,
        event_id=event.id,
    )
    return replace(state, detainers=(*state.detainers, detainer))


@apply.register
def _(event: ev.DetainerCancelled, state: CustodyState) -> CustodyState:
    known = state.detainer(event.data.detainer_id)
    if known is None:
        return _anomaly(state, event, "cancellation of a detainer that was never received")
    if known.cancelled_at is not None:
        return state
    cancelled = replace(known, cancelled_at=event.time, cancel_event_id=event.id)
    detainers = tuple(cancelled if d is known else d for d in state.detainers)
    return replace(state, detainers=detainers)


@apply.register
def _(event: ev.WarrantReceived, state: CustodyState) -> CustodyState:
    d = event.data
    warrant = Warrant(d.warrant_id, d.kind, d.form, event.time, event.id)
    return replace(state, warrants=(*state.warrants, warrant))


@apply.register
def _(event: ev.TruthNoticeGiven, state: CustodyState) -> CustodyState:
    d = event.data
    notice = Notice(
        event.time,
        d.notice,
        frozenset(d.recipients),
        d.detainer_id,
        d.intends_to_comply,
        event.id,
    )
    return replace(state, notices=(*state.notices, notice))


@apply.register
def _(event: ev.IceNotified, state: CustodyState) -> CustodyState:
    d = event.data
    contact = IceContact(
        event.time, d.information, d.in_response_to, d.publicly_available, event.id
    )
    return replace(state, contacts=(*state.contacts, contact))


@apply.register
def _(event: ev.IceInterview, state: CustodyState) -> CustodyState:
    d = event.data
    interview = Interview(event.time, d.consent_form_given, d.consented, event.id)
    return replace(state, interviews=(*state.interviews, interview))


@apply.register
def _(event: ev.CitizenshipClaimed, state: CustodyState) -> CustodyState:
    d = event.data
    claim = CitizenshipClaim(event.time, d.kind, bool(d.evidence), event.id)
    return replace(state, claims=(*state.claims, claim))


@apply.register
def _(event: ev.MagistrateHeldToAnswer, state: CustodyState) -> CustodyState:
    d = event.data
    order = HeldToAnswer(event.time, d.charge_code, frozenset(d.categories), event.id)
    return replace(state, held_to_answer=(*state.held_to_answer, order))


@apply.register
def _(event: ev.CustodyReleased, state: CustodyState) -> CustodyState:
    if state.release is not None:
        return _anomaly(state, event, "custody.released after custody had already ended")
    d = event.data
    release = Release(event.time, d.to, d.receiving_agency, d.basis, event.id)
    return replace(state, release=release)


@apply.register
def _(event: ev.WsoActivity, state: CustodyState) -> CustodyState:
    return replace(state, wso=(*state.wso, WsoAct(event.time, event.data.action, event.id)))


def project(agency: str, booking_id: str | None, history: History) -> CustodyState:
    """Project a history into state, applying events in event-time order."""
    ordered = history.ordered()
    state = CustodyState(
        agency=agency,
        booking_id=booking_id,
        first_event_at=ordered[0].time if ordered else None,
        last_event_at=max((e.time for e in ordered), default=None),
        event_ids=tuple(e.id for e in ordered),
    )
    for event in ordered:
        state = apply(event, state)
    for key in sorted(history.conflicts):
        event = history.events[key]
        state = _anomaly(state, event, "two different events share one (source, id)")
    return state


def fold(events: Iterable[ev.Event]) -> CustodyState:
    """Fold one booking's events (any order, repeats ignored) into its custody state."""
    history = History.of(events)
    first = next(iter(history.events.values()), None)
    if first is None:
        raise ValueError("events: a booking needs at least one event")
    return project(first.agency, first.subject, history)
