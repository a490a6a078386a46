"""The compliance report: what a jail did with ICE requests over a period, in counts.

The honest counterpart to ICE's Declined Detainer Outcome Report: per agency and facility,
detainers received (by form, attached warrant, probable-cause basis), holds past release
eligibility (count, total and median hours, and how many were unlawful), transfers and
notifications to ICE with their recorded legal basis (the facts Cal. Gov. Code
§7284.6(c)(2) asks agencies to report to DOJ), TRUTH Act notices, citizenship claims,
and findings by code. The counts carry no booking, person or event id; the analysts'
appendix (`PastEligibility`, one row per custody past release eligibility) names each
booking only by a pseudonym (`booking_ref`), so every hold count can be reproduced.

A fact is in the period when it happened in it (a detainer by receipt, a transfer by
release, a hold by when eligibility began); a finding by the instant it began. Months are
UTC months, as the period's days are UTC days.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from holdwatch.domain.findings import Finding
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.rulebook import Rulebook

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


def month(t: datetime) -> str:
    """The UTC month of an instant, `2025-03`: the key of the report's monthly series."""
    return t.astimezone(UTC).strftime("%Y-%m")


def booking_ref(agency: str, booking_id: str | None) -> str:
    """A booking's pseudonym in the analysts' appendix: the same in every report and run, so
    rows can be matched with the jail's own records by whoever holds them, and no booking id
    printed. Not a secret: anyone who knows a booking id can compute it."""
    text = f"holdwatch-report\x1f{agency}\x1f{booking_id or ''}"
    return "b-" + hashlib.sha256(text.encode()).hexdigest()[:12]


EndedBy = Literal["release", "eligibility revoked", "still held"]


@dataclass(frozen=True, slots=True)
class PastEligibility:
    """One custody past release eligibility (a row of the analysts' appendix).

    `counted_from` is eligibility, or the first detainer's receipt when that came later
    (custody before any detainer was not a hold on it); `counted_to` is the release, the
    eligibility's revocation, or the report's instant for a person still held.
    """

    booking_ref: str
    detainer: bool
    eligible_at: datetime
    counted_from: datetime
    counted_to: datetime
    ended_by: EndedBy
    released_at: datetime | None
    #: the booking's unlawful-hold findings, (code, citation), none superseded
    unlawful: tuple[tuple[str, str], ...]

    @property
    def hours(self) -> float:
        return (self.counted_to - self.counted_from).total_seconds() / 3600


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
    #: the monthly series the report's charts draw: (month, form) and (month, code)
    detainers_by_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    findings_by_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: every custody past release eligibility that began in the period, with a detainer
    #: lodged or not (`hold_hours` are the hours of those with one)
    past_eligibility: list[PastEligibility] = field(default_factory=list)

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
        return not (self.bookings or self.past_eligibility or any(counters))

    @property
    def detainers(self) -> int:
        return sum(self.detainers_by_form.values())

    @property
    def hold_total_hours(self) -> float:
        return round(sum(self.hold_hours), 1)

    @property
    def hold_median_hours(self) -> float | None:
        return round(statistics.median(self.hold_hours), 1) if self.hold_hours else None

    @property
    def holds_with_unlawful_finding(self) -> int:
        """Holds (rows of the appendix with a detainer) that an unlawful-hold finding names."""
        return sum(1 for p in self.past_eligibility if p.detainer and p.unlawful)

    @property
    def no_detainer_hours(self) -> list[float]:
        """Hours past release eligibility of custody on which no detainer was lodged."""
        return [p.hours for p in self.past_eligibility if not p.detainer]


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
    #: the rulebook that judged each agency, when known: the labels and legend come from
    #: its law (a live report without an agency map has none: neutral labels)
    profiles: Mapping[str, Rulebook] = field(default_factory=dict)
    #: the instant the report was judged as of (a hold still running is counted to it)
    as_of: datetime | None = None

    def rulebook(self, agency: str) -> Rulebook | None:
        return self.profiles.get(agency)


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
        judged = list(findings)
        _count_facts(row, state, period, as_of, judged)
        for f in judged:
            if f.violation_at in period and f.status != "superseded":
                row.findings_by_code[f.code] += 1
                row.findings_by_month[month(f.violation_at), f.code] += 1
                row.unlawful_holds += f.code in UNLAWFUL_HOLDS
    return {k: t for k, t in rows.items() if not t.empty}


def _count_facts(
    row: Tally, s: CustodyState, period: Period, as_of: datetime, findings: list[Finding]
) -> None:
    copies = {n.detainer_id for n in s.notices if n.notice == "request_copy"}
    for d in s.detainers:
        if d.received_at in period:
            row.truth_copies_given += d.detainer_id in copies or None in copies
            row.detainers_by_form[d.form] += 1
            row.detainers_by_month[month(d.received_at), d.form] += 1
            row.detainers_by_warrant[d.attached_warrant or "none"] += 1
            bases: list[str] = sorted(d.probable_cause) or ["none stated"]
            for basis in bases:
                row.detainers_by_basis[basis] += 1
    past = _past_eligibility(s, as_of, findings)
    if past is not None and past.counted_from in period:
        row.past_eligibility.append(past)
        if past.detainer:
            row.hold_hours.append(past.hours)
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


def _past_eligibility(
    s: CustodyState, as_of: datetime, findings: list[Finding]
) -> PastEligibility | None:
    """Custody past release eligibility: with a detainer, from its receipt if later."""
    if not s.eligibility:
        return None
    span = s.eligibility[-1]
    release = s.release.at if s.release else None
    ends: list[tuple[datetime, EndedBy]] = [(as_of, "still held")]
    if span.revoked_at is not None:
        ends.insert(0, (span.revoked_at, "eligibility revoked"))
    if release is not None:
        ends.insert(0, (release, "release"))
    end, ended_by = min(ends, key=lambda e: e[0])  # the first of equals: release, revoked
    start = span.at
    if s.detainers:
        start = max(start, min(d.received_at for d in s.detainers))
    if end <= start:
        return None
    unlawful = tuple(
        dict.fromkeys(
            (f.code, f.citation)
            for f in sorted(findings, key=lambda f: (f.violation_at, f.code))
            if f.code in UNLAWFUL_HOLDS and f.status != "superseded"
        )
    )
    return PastEligibility(
        booking_ref=booking_ref(s.agency, s.booking_id),
        detainer=bool(s.detainers),
        eligible_at=span.at,
        counted_from=start,
        counted_to=end,
        ended_by=ended_by,
        released_at=release,
        unlawful=unlawful if s.detainers else (),
    )
