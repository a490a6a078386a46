"""The mutators of the custody fold: how each event class changes a booking's `Draft`.

One small function per event class (after eventsourcing's aggregate6), registered by
exact class; the fold (domain/custody.py) orders the events and calls `mutate` for each.
An event that cannot mean what it says where it falls (a second booking, a release after
custody ended) is applied as far as it can be and recorded as an anomaly, which the data
quality rule reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from holdwatch.domain import events as ev
from holdwatch.domain.draft import Draft
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
    StatusCheck,
    Warrant,
    WsoAct,
)
from holdwatch.domain.vocab import DetainerRequest

#: What each form asks for when the event does not list `requests` (schemas/README.md).
FORM_DEFAULT_REQUESTS: Mapping[str, frozenset[DetainerRequest]] = MappingProxyType(
    {
        "I-247A": frozenset({"notify", "maintain_custody"}),
        "I-247": frozenset({"notify", "maintain_custody"}),
        "I-247D": frozenset({"notify", "maintain_custody"}),
        "I-247N": frozenset({"notify"}),
        "I-247X": frozenset({"transfer"}),
        "I-203": frozenset({"maintain_custody"}),
        "other": frozenset({"notify", "maintain_custody"}),
        # the Gonzalez settlement's "Request for Advance Notification of Release"
        "I-247G": frozenset({"notify"}),
    }
)


def anomaly(state: Draft, event: ev.Event, what: str) -> None:
    state.anomalies = (*state.anomalies, Anomaly(event.time, what, event.id))


Mutator = Callable[[Any, Draft], None]
MUTATORS: dict[type[Any], Mutator] = {}
E = TypeVar("E")


def _mutator(kind: type[E]) -> Callable[[Callable[[E, Draft], None]], Callable[[E, Draft], None]]:
    """Register the mutator for one event class (dispatch is by exact class)."""

    def register(fn: Callable[[E, Draft], None]) -> Callable[[E, Draft], None]:
        MUTATORS[kind] = fn
        return fn

    return register


def mutate(event: ev.Event, state: Draft) -> None:
    """Apply one event to a draft in place."""
    mutator = MUTATORS.get(type(event))
    if mutator is None:
        raise TypeError(f"no mutator for {type(event).__name__}")
    mutator(event, state)


def apply(event: ev.Event, state: CustodyState) -> CustodyState:
    """`state` with one more event applied."""
    draft = Draft.thaw(state)
    mutate(event, draft)
    return draft.freeze()


@_mutator(ev.BookingCreated)
def _(event: ev.BookingCreated, state: Draft) -> None:
    if state.booking is not None:
        anomaly(state, event, "a second booking.created for the same booking")
        return
    d = event.data
    priors = tuple(
        [
            Conviction(
                c.code,
                c.level,
                c.convicted_on,
                None if c.categories is None else frozenset(c.categories),
            )
            for c in d.prior_convictions
        ]
    )
    state.booking = Booking(
        booked_at=event.time,
        facility=d.facility,
        timezone=d.timezone,
        person_id=d.person.person_id,
        charge_codes=tuple([(c.code, c.level) for c in d.charges]),
        prior_convictions=priors,
        registrant=d.registrant,
        event_id=event.id,
    )


@_mutator(ev.ReleaseScheduled)
def _(event: ev.ReleaseScheduled, state: Draft) -> None:
    state.scheduled_release_at = event.data.expected_at


@_mutator(ev.ReleaseEligible)
def _(event: ev.ReleaseEligible, state: Draft) -> None:
    if state.release is not None:
        anomaly(state, event, "release.eligible after custody had ended")
        return
    if state.eligibility and state.eligibility[-1].revoked_at is None:
        return  # already eligible: the earlier RE stands
    span = Eligibility(event.time, event.data.reason, event.id, bond_at=event.data.bond_at)
    state.eligibility = (*state.eligibility, span)


@_mutator(ev.EligibilityRevoked)
def _(event: ev.EligibilityRevoked, state: Draft) -> None:
    if not state.eligibility or state.eligibility[-1].revoked_at is not None:
        anomaly(state, event, "eligibility revoked while the person was not eligible")
        return
    last = state.eligibility[-1]._replace(revoked_at=event.time, revoke_event_id=event.id)
    state.eligibility = (*state.eligibility[:-1], last)


@_mutator(ev.DetainerReceived)
def _(event: ev.DetainerReceived, state: Draft) -> None:
    d = event.data
    if state.detainer(d.detainer_id) is not None:
        anomaly(state, event, "the same detainer_id was received twice")
        return
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
    state.detainers = (*state.detainers, detainer)


@_mutator(ev.DetainerCancelled)
def _(event: ev.DetainerCancelled, state: Draft) -> None:
    known = state.detainer(event.data.detainer_id)
    if known is None:
        anomaly(state, event, "cancellation of a detainer that was never received")
        return
    if known.cancelled_at is not None:
        return
    cancelled = known._replace(cancelled_at=event.time, cancel_event_id=event.id)
    state.detainers = tuple(cancelled if d is known else d for d in state.detainers)


@_mutator(ev.WarrantReceived)
def _(event: ev.WarrantReceived, state: Draft) -> None:
    d = event.data
    warrant = Warrant(d.warrant_id, d.kind, d.form, event.time, event.id)
    state.warrants = (*state.warrants, warrant)


@_mutator(ev.TruthNoticeGiven)
def _(event: ev.TruthNoticeGiven, state: Draft) -> None:
    d = event.data
    notice = Notice(
        event.time,
        d.notice,
        frozenset(d.recipients),
        d.detainer_id,
        d.intends_to_comply,
        event.id,
    )
    state.notices = (*state.notices, notice)


@_mutator(ev.IceNotified)
def _(event: ev.IceNotified, state: Draft) -> None:
    d = event.data
    contact = IceContact(
        event.time, d.information, d.in_response_to, d.publicly_available, event.id
    )
    state.contacts = (*state.contacts, contact)


@_mutator(ev.IceInterview)
def _(event: ev.IceInterview, state: Draft) -> None:
    d = event.data
    interview = Interview(event.time, d.consent_form_given, d.consented, event.id)
    state.interviews = (*state.interviews, interview)


@_mutator(ev.CitizenshipClaimed)
def _(event: ev.CitizenshipClaimed, state: Draft) -> None:
    d = event.data
    claim = CitizenshipClaim(event.time, d.kind, bool(d.evidence), event.id)
    state.claims = (*state.claims, claim)


@_mutator(ev.MagistrateHeldToAnswer)
def _(event: ev.MagistrateHeldToAnswer, state: Draft) -> None:
    d = event.data
    order = HeldToAnswer(event.time, d.charge_code, frozenset(d.categories), event.id)
    state.held_to_answer = (*state.held_to_answer, order)


@_mutator(ev.CustodyReleased)
def _(event: ev.CustodyReleased, state: Draft) -> None:
    if state.release is not None:
        anomaly(state, event, "custody.released after custody had already ended")
        return
    d = event.data
    state.release = Release(
        event.time,
        d.to,
        d.receiving_agency,
        d.basis,
        event.id,
        immigration_present=d.immigration_present,
        unsafe_to_comply=bool(d.unsafe_to_comply),
    )


@_mutator(ev.WsoActivity)
def _(event: ev.WsoActivity, state: Draft) -> None:
    d = event.data
    act = WsoAct(event.time, d.action, event.id, d.model, d.termination_approved)
    state.wso = (*state.wso, act)


@_mutator(ev.StatusChecked)
def _(event: ev.StatusChecked, state: Draft) -> None:
    state.status_checks = (*state.status_checks, StatusCheck(event.time, event.id))
