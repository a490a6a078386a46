"""The compliance report: what a jail did with ICE requests over a period, in counts.

The honest counterpart to ICE's Declined Detainer Outcome Report: per agency and facility,
detainers received (by form, attached warrant, probable-cause basis), holds past release
eligibility (count, total and median hours, and how many were unlawful), transfers and
notifications to ICE with their recorded legal basis (the facts Cal. Gov. Code
§7284.6(c)(2) asks agencies to report to DOJ), TRUTH Act notices, citizenship claims,
and findings by code. Only counts: no booking, person or event id reaches it.

A fact is in the period when it happened in it (a detainer by receipt, a transfer by
release, a hold by when eligibility began); a finding by the instant it began.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from holdwatch.domain.findings import Finding
from holdwatch.domain.state import CustodyState

UNLAWFUL_HOLDS = frozenset(
    {"HOLD_BARRED", "HOLD_OVER_WINDOW", "HOLD_NOT_ELIGIBLE", "HOLD_AFTER_CANCEL"}
    | {"HOLD_NOT_REQUESTED", "HOLD_NO_STATE_AUTHORITY"}
)
TO_IMMIGRATION = frozenset({"ice", "cbp"})


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime  # exclusive

    def __contains__(self, t: datetime | None) -> bool:
        return t is not None and self.start <= t < self.end


@dataclass
class Tally:
    """One agency's facility over the period."""

    bookings: int = 0
    detainers_by_form: Counter[str] = field(default_factory=Counter)
    detainers_by_warrant: Counter[str] = field(default_factory=Counter)
    detainers_by_basis: Counter[str] = field(default_factory=Counter)
    hold_hours: list[float] = field(default_factory=list)
    unlawful_holds: int = 0
    transfers_by_basis: Counter[str] = field(default_factory=Counter)
    notifications_by_information: Counter[str] = field(default_factory=Counter)
    notifications_by_request: Counter[str] = field(default_factory=Counter)
    #: detainers received whose copy the TRUTH Act (§7283.1(a)) says the person must get
    truth_copies_given: int = 0
    truth_notices: Counter[str] = field(default_factory=Counter)
    citizenship_claims: Counter[str] = field(default_factory=Counter)
    findings_by_code: Counter[str] = field(default_factory=Counter)

    @property
    def empty(self) -> bool:
        """Nothing of this facility happened in the period: no row for it."""
        counters = (
            self.detainers_by_form,
            self.transfers_by_basis,
            self.notifications_by_information,
            self.truth_notices,
            self.citizenship_claims,
            self.findings_by_code,
        )
        return not (self.bookings or self.hold_hours or any(counters))

    @property
    def detainers(self) -> int:
        return sum(self.detainers_by_form.values())

    @property
    def hold_total_hours(self) -> float:
        return round(sum(self.hold_hours), 1)

    @property
    def hold_median_hours(self) -> float | None:
        return round(statistics.median(self.hold_hours), 1) if self.hold_hours else None


@dataclass(frozen=True, slots=True)
class Scope:
    """How far the report can be trusted: what it saw, and what it could not use."""

    source: str
    bookings: int
    events: int
    out_of_order_events: int | None  # None: arrival order unknown to this source
    late_events: int | None  # None: arrival times unknown to this source
    dead_letters: Counter[str]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    profile: str
    rows: dict[tuple[str, str], Tally]
    scope: Scope


def tally(
    bookings: Iterable[tuple[CustodyState, Iterable[Finding]]], period: Period, as_of: datetime
) -> dict[tuple[str, str], Tally]:
    """Count each booking's facts and findings into its (agency, facility) row."""
    rows: dict[tuple[str, str], Tally] = {}
    for state, findings in bookings:
        facility = state.booking.facility if state.booking else "(no booking record)"
        row = rows.setdefault((state.agency, facility), Tally())
        if state.booking and state.booking.booked_at in period:
            row.bookings += 1
        _count_facts(row, state, period, as_of)
        for f in findings:
            if f.violation_at in period and f.status != "superseded":
                row.findings_by_code[f.code] += 1
                row.unlawful_holds += f.code in UNLAWFUL_HOLDS
    return {k: t for k, t in rows.items() if not t.empty}


def _count_facts(row: Tally, s: CustodyState, period: Period, as_of: datetime) -> None:
    copies = {n.detainer_id for n in s.notices if n.notice == "request_copy"}
    for d in s.detainers:
        if d.received_at in period:
            row.truth_copies_given += d.detainer_id in copies or None in copies
            row.detainers_by_form[d.form] += 1
            row.detainers_by_warrant[d.attached_warrant or "none"] += 1
            bases: list[str] = sorted(d.probable_cause) or ["none stated"]
            for basis in bases:
                row.detainers_by_basis[basis] += 1
    hold = _hold_hours(s, as_of)
    if hold is not None and hold[0] in period:
        row.hold_hours.append(hold[1])
    if s.release and s.release.to in TO_IMMIGRATION and s.release.at in period:
        row.transfers_by_basis[s.release.basis or "none recorded"] += 1
    for c in s.contacts:
        if c.at in period:
            row.notifications_by_information[c.information] += 1
            asked = "in response to a detainer" if c.in_response_to else "unsolicited"
            row.notifications_by_request[asked] += 1
    for n in s.notices:
        if n.at in period:
            row.truth_notices[n.notice] += 1
    for claim in s.claims:
        if claim.at in period:
            row.citizenship_claims[claim.kind] += 1


def _hold_hours(s: CustodyState, as_of: datetime) -> tuple[datetime, float] | None:
    """Custody past release eligibility while a detainer was lodged: (start, hours)."""
    if not s.detainers or not s.eligibility:
        return None
    span = s.eligibility[-1]
    end = min(t for t in (s.release.at if s.release else None, span.revoked_at, as_of) if t)
    lodged = min(d.received_at for d in s.detainers)
    start = max(span.at, lodged)
    if end <= start:
        return None
    return start, (end - start).total_seconds() / 3600
