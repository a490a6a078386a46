"""A mutable `CustodyState` under construction.

The fold changes one or two fields per event; copying an 18-field frozen state for each
event cost more than everything else in it. Mutators edit a draft, which is frozen once
per booking.
"""

from __future__ import annotations

from datetime import datetime

from holdwatch.domain.state import (
    Anomaly,
    Booking,
    CitizenshipClaim,
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


class Draft:
    """Same fields as `CustodyState`, writable; never shared before `freeze`."""

    __slots__ = (
        "agency",
        "anomalies",
        "booking",
        "booking_id",
        "claims",
        "contacts",
        "detainers",
        "eligibility",
        "event_ids",
        "first_event_at",
        "held_to_answer",
        "interviews",
        "last_event_at",
        "notices",
        "release",
        "scheduled_release_at",
        "status_checks",
        "warrants",
        "wso",
    )

    def __init__(
        self,
        agency: str,
        booking_id: str | None,
        first_event_at: datetime | None = None,
        last_event_at: datetime | None = None,
        event_ids: tuple[str, ...] = (),
    ) -> None:
        self.agency = agency
        self.booking_id = booking_id
        self.booking: Booking | None = None
        self.first_event_at = first_event_at
        self.last_event_at = last_event_at
        self.scheduled_release_at: datetime | None = None
        self.eligibility: tuple[Eligibility, ...] = ()
        self.detainers: tuple[Detainer, ...] = ()
        self.warrants: tuple[Warrant, ...] = ()
        self.notices: tuple[Notice, ...] = ()
        self.contacts: tuple[IceContact, ...] = ()
        self.interviews: tuple[Interview, ...] = ()
        self.claims: tuple[CitizenshipClaim, ...] = ()
        self.held_to_answer: tuple[HeldToAnswer, ...] = ()
        self.wso: tuple[WsoAct, ...] = ()
        self.status_checks: tuple[StatusCheck, ...] = ()
        self.release: Release | None = None
        self.anomalies: tuple[Anomaly, ...] = ()
        self.event_ids = event_ids

    @classmethod
    def thaw(cls, state: CustodyState) -> Draft:
        """A draft holding exactly `state`'s facts."""
        draft = cls(state.agency, state.booking_id)
        for name in cls.__slots__:
            setattr(draft, name, getattr(state, name))
        return draft

    def detainer(self, detainer_id: str | None) -> Detainer | None:
        return next((d for d in self.detainers if d.detainer_id == detainer_id), None)

    def freeze(self) -> CustodyState:
        # positionally, in `CustodyState`'s field order: a third of the keyword call's cost
        return _make(
            (
                self.agency,
                self.booking_id,
                self.booking,
                self.first_event_at,
                self.last_event_at,
                self.scheduled_release_at,
                self.eligibility,
                self.detainers,
                self.warrants,
                self.notices,
                self.contacts,
                self.interviews,
                self.claims,
                self.held_to_answer,
                self.wso,
                self.status_checks,
                self.release,
                self.anomalies,
                self.event_ids,
            )
        )


_make = CustodyState._make
