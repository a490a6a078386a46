"""The custody fold: one booking's events, in any arrival order, into `CustodyState`.

Events are deduplicated by (`source`, `id`) into a `History`, then projected in event-time
order by small mutators (`singledispatch`, after eventsourcing's aggregate6). Because the
projection sorts by event time, a detainer that arrives before its booking is simply
"parked" until the booking is applied, and a late event re-projects correctly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import reduce, singledispatch
from types import MappingProxyType
from typing import Any

from holdwatch.domain import events as ev
from holdwatch.domain.vocab import (
    AttachedWarrant,
    CitizenshipKind,
    ConvictionCategory,
    DetainerForm,
    DetainerRequest,
    EligibilityReason,
    IceInformation,
    Level,
    ProbableCause,
    ReleasedTo,
    TruthNotice,
    TruthRecipient,
    WarrantKind,
    WsoAction,
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


# --- projected facts -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Conviction:
    code: str
    level: Level
    convicted_on: date
    categories: frozenset[ConvictionCategory] | None


@dataclass(frozen=True, slots=True)
class Booking:
    booked_at: datetime
    facility: str
    timezone: str | None
    person_id: str
    charge_codes: tuple[tuple[str, Level], ...]
    prior_convictions: tuple[Conviction, ...]
    registrant: bool | None
    event_id: str


@dataclass(frozen=True, slots=True)
class Detainer:
    detainer_id: str
    received_at: datetime
    form: DetainerForm
    form_revision: str | None
    issued_at: datetime | None
    issuing_office: str | None
    issuing_district: str | None
    requests: frozenset[DetainerRequest]
    probable_cause: frozenset[ProbableCause]
    attached_warrant: AttachedWarrant | None
    event_id: str
    cancelled_at: datetime | None = None
    cancel_event_id: str | None = None

    def active_at(self, t: datetime) -> bool:
        return self.received_at <= t and (self.cancelled_at is None or t < self.cancelled_at)


@dataclass(frozen=True, slots=True)
class Warrant:
    warrant_id: str
    kind: WarrantKind
    form: str | None
    received_at: datetime
    event_id: str


@dataclass(frozen=True, slots=True)
class Eligibility:
    """A span of release eligibility: RE, until a new local basis to hold revokes it."""

    at: datetime
    reason: EligibilityReason
    event_id: str
    revoked_at: datetime | None = None
    revoke_event_id: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    at: datetime
    notice: TruthNotice
    recipients: frozenset[TruthRecipient]
    detainer_id: str | None
    intends_to_comply: bool | None
    event_id: str


@dataclass(frozen=True, slots=True)
class IceContact:
    at: datetime
    information: IceInformation
    in_response_to: str | None
    publicly_available: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class Interview:
    at: datetime
    consent_form_given: bool
    consented: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class CitizenshipClaim:
    at: datetime
    kind: CitizenshipKind
    with_evidence: bool
    event_id: str


@dataclass(frozen=True, slots=True)
class HeldToAnswer:
    at: datetime
    charge_code: str
    categories: frozenset[ConvictionCategory]
    event_id: str


@dataclass(frozen=True, slots=True)
class Release:
    at: datetime
    to: ReleasedTo
    receiving_agency: str | None
    basis: str | None
    event_id: str


@dataclass(frozen=True, slots=True)
class WsoAct:
    at: datetime
    action: WsoAction
    event_id: str


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A fact the fold could not reconcile; evaluated as DATA_QUALITY."""

    at: datetime
    what: str
    event_id: str


@dataclass(frozen=True, slots=True)
class CustodyState:
    """Everything the rules need about one custody episode, in event-time order."""

    agency: str
    booking_id: str | None
    booking: Booking | None = None
    first_event_at: datetime | None = None
    last_event_at: datetime | None = None
    scheduled_release_at: datetime | None = None
    eligibility: tuple[Eligibility, ...] = ()
    detainers: tuple[Detainer, ...] = ()
    warrants: tuple[Warrant, ...] = ()
    notices: tuple[Notice, ...] = ()
    contacts: tuple[IceContact, ...] = ()
    interviews: tuple[Interview, ...] = ()
    claims: tuple[CitizenshipClaim, ...] = ()
    held_to_answer: tuple[HeldToAnswer, ...] = ()
    wso: tuple[WsoAct, ...] = ()
    release: Release | None = None
    anomalies: tuple[Anomaly, ...] = ()
    event_ids: tuple[str, ...] = ()

    @property
    def involves_immigration(self) -> bool:
        """Whether any immigration authority touched this custody (most bookings: no)."""
        return bool(
            self.detainers
            or self.warrants
            or self.contacts
            or self.interviews
            or self.claims
            or self.wso
            or self.held_to_answer
            or (self.release is not None and self.release.to in ("ice", "cbp", "us_marshals"))
        )

    def detainer(self, detainer_id: str | None) -> Detainer | None:
        return next((d for d in self.detainers if d.detainer_id == detainer_id), None)


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


def booking_key(event: ev.Event) -> tuple[str, str | None]:
    """The booking an event belongs to: (`agency`, `subject`); agency-level when no subject."""
    return (event.agency, event.subject)


def known_at(state: CustodyState, t: datetime) -> CustodyState:
    """The state as the jail's records stood at `t`: facts dated after `t` are dropped."""
    if state.last_event_at is not None and state.last_event_at <= t:
        return state

    def seen(items: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(i for i in items if i.at <= t)

    booking = state.booking if state.booking and state.booking.booked_at <= t else None
    eligibility = tuple(
        e
        if e.revoked_at is None or e.revoked_at <= t
        else replace(e, revoked_at=None, revoke_event_id=None)
        for e in state.eligibility
        if e.at <= t
    )
    detainers = tuple(
        d
        if d.cancelled_at is None or d.cancelled_at <= t
        else replace(d, cancelled_at=None, cancel_event_id=None)
        for d in state.detainers
        if d.received_at <= t
    )
    return replace(
        state,
        booking=booking,
        eligibility=eligibility,
        detainers=detainers,
        warrants=tuple(w for w in state.warrants if w.received_at <= t),
        notices=seen(state.notices),
        contacts=seen(state.contacts),
        interviews=seen(state.interviews),
        claims=seen(state.claims),
        held_to_answer=seen(state.held_to_answer),
        wso=seen(state.wso),
        release=state.release if state.release and state.release.at <= t else None,
        anomalies=seen(state.anomalies),
    )
