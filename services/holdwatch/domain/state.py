"""Custody state: the facts of one custody episode that the rules read, in event-time order.

Built by the fold in `custody.py`; `known_at` trims it to what the jail's records showed
at an instant, so rules never see the future. Every fact is an immutable `NamedTuple`:
an audit builds several per booking, and a tuple is built in a third of the time a
frozen dataclass takes (each of whose fields is set through `object.__setattr__`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from holdwatch.domain.vocab import (
    AgreementModel,
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


class Conviction(NamedTuple):
    code: str
    level: Level
    convicted_on: date
    categories: frozenset[ConvictionCategory] | None


class Booking(NamedTuple):
    booked_at: datetime
    facility: str
    timezone: str | None
    person_id: str
    charge_codes: tuple[tuple[str, Level | None], ...]
    prior_convictions: tuple[Conviction, ...]
    registrant: bool | None
    event_id: str


class Detainer(NamedTuple):
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


class Warrant(NamedTuple):
    warrant_id: str
    kind: WarrantKind
    form: str | None
    received_at: datetime
    event_id: str


class Eligibility(NamedTuple):
    """A span of release eligibility: RE, until a new local basis to hold revokes it."""

    at: datetime
    reason: EligibilityReason
    event_id: str
    revoked_at: datetime | None = None
    revoke_event_id: str | None = None
    #: the bond granted or ready to post, when before RE (`ReleaseEligibleData.bond_at`)
    bond_at: datetime | None = None


class Notice(NamedTuple):
    at: datetime
    notice: TruthNotice
    recipients: frozenset[TruthRecipient]
    detainer_id: str | None
    intends_to_comply: bool | None
    event_id: str


class IceContact(NamedTuple):
    at: datetime
    information: IceInformation
    in_response_to: str | None
    publicly_available: bool
    event_id: str


class Interview(NamedTuple):
    at: datetime
    consent_form_given: bool
    consented: bool
    event_id: str


class CitizenshipClaim(NamedTuple):
    at: datetime
    kind: CitizenshipKind
    with_evidence: bool
    event_id: str


class HeldToAnswer(NamedTuple):
    at: datetime
    charge_code: str
    categories: frozenset[ConvictionCategory]
    event_id: str


class Release(NamedTuple):
    at: datetime
    to: ReleasedTo
    receiving_agency: str | None
    basis: str | None
    event_id: str
    immigration_present: bool | None = None
    #: the agency released rather than honor a detainer because it was not safe to
    #: (New Hampshire's "if safe to do so"); the reason is in `basis`
    unsafe_to_comply: bool = False


class WsoAct(NamedTuple):
    at: datetime
    action: WsoAction
    event_id: str
    model: AgreementModel | None = None
    termination_approved: bool | None = None


class StatusCheck(NamedTuple):
    """A nationality or immigration-status check on the person (Georgia §42-4-14(b))."""

    at: datetime
    event_id: str


class Anomaly(NamedTuple):
    """A fact the fold could not reconcile; evaluated as DATA_QUALITY."""

    at: datetime
    what: str
    event_id: str


class CustodyState(NamedTuple):
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
    status_checks: tuple[StatusCheck, ...] = ()
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
        else e._replace(revoked_at=None, revoke_event_id=None)
        for e in state.eligibility
        if e.at <= t
    )
    detainers = tuple(
        d
        if d.cancelled_at is None or d.cancelled_at <= t
        else d._replace(cancelled_at=None, cancel_event_id=None)
        for d in state.detainers
        if d.received_at <= t
    )
    return state._replace(
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
        status_checks=seen(state.status_checks),
        release=state.release if state.release and state.release.at <= t else None,
        anomalies=seen(state.anomalies),
    )
