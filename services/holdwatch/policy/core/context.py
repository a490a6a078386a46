"""What every rule sees (`Context`) and how it reports (`Out`).

`Context` derives, once, the facts most rules share: custody end as of the evaluation
instant, detainers in force, judicial warrants. `Out` turns a rule's decision into a
contract `Finding` with a deterministic id, duration and status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from holdwatch.domain.findings import (
    AlternativeDeadline,
    Code,
    Deadline,
    Finding,
    Kind,
    Severity,
    finding_id,
)
from holdwatch.domain.state import CustodyState, Detainer, Warrant, known_at
from holdwatch.domain.timecalc import clamp
from holdwatch.policy.core.criteria import HoldCriteria, StateCap
from holdwatch.policy.core.profile import Profile

#: Warrants on which the Values Act lets an agency transfer or hold (§7284.4(h), (i)).
JUDICIAL_IMMIGRATION = frozenset(
    {"judicial_criminal_immigration", "judicial_probable_cause_determination"}
)
#: Any warrant signed by a judge: custody then rests on criminal process, not a hold request.
JUDICIAL_ANY = JUDICIAL_IMMIGRATION | {"judicial_criminal_other"}


@dataclass(slots=True)
class Context:
    state: CustodyState
    profile: Profile
    as_of: datetime
    zone: ZoneInfo
    custody_end: datetime | None  # custody.released at or before as_of
    #: the jurisdiction's hold criteria, for a profile whose hold regime is "criteria".
    criteria: HoldCriteria | None = None
    #: the jurisdiction's own cap on a hold, below the form's window (New Hampshire's).
    limit: StateCap | None = None

    @classmethod
    def build(
        cls,
        state: CustodyState,
        profile: Profile,
        as_of: datetime,
        criteria: HoldCriteria | None = None,
        limit: StateCap | None = None,
    ) -> Context:
        if as_of.tzinfo is None:
            raise ValueError("as_of: must be timezone-aware")
        as_of = clamp(as_of)  # 9999-12-31 means "after everything", and must stay readable
        state = known_at(state, as_of)
        booked = state.booking.timezone if state.booking else None
        tz = booked or profile.agency.zone or profile.zone
        release = state.release
        end = release.at if release is not None and release.at <= as_of else None
        return cls(state, profile, as_of, ZoneInfo(tz), end, criteria, limit)

    @property
    def in_custody(self) -> bool:
        return self.state.booking is not None and self.custody_end is None

    def until(self, t: datetime | None) -> datetime | None:
        """`t`, or None when it has not happened by the evaluation instant."""
        return t if t is not None and t <= self.as_of else None

    def effective_receipt(self, d: Detainer) -> datetime:
        """A detainer that arrived before its booking takes effect at the booking."""
        booking = self.state.booking
        return max(d.received_at, booking.booked_at) if booking else d.received_at

    def is_stale(self, d: Detainer) -> bool:
        """Lodged for an earlier custody episode and carried into this one (scenario S35)."""
        booking = self.state.booking
        if booking is None:
            return False
        if d.received_at < booking.booked_at:
            return True
        issued = d.issued_at
        return (
            issued is not None
            and booking.booked_at - issued > self.profile.params.stale_detainer_age
        )

    def warrant(self, kinds: frozenset[str], by: datetime | None = None) -> Warrant | None:
        """The first warrant of `kinds` received at or before `by` (default: as_of)."""
        limit = self.as_of if by is None else min(by, self.as_of)
        return next(
            (w for w in self.state.warrants if w.kind in kinds and w.received_at <= limit), None
        )

    def zoned(self, t: datetime) -> datetime:
        """`t` in the booking's zone, as a finding carries it; in UTC where that zone's
        offset then had seconds (local mean time, e.g. Anchorage until 1900): RFC 3339
        writes whole minutes, so the instant would not survive being written."""
        local = t.astimezone(self.zone)
        offset = local.utcoffset()
        if offset is not None and (offset.seconds % 60 or offset.microseconds):
            return t.astimezone(UTC)
        return local

    def local(self, t: datetime) -> str:
        """An instant as a defender reads it: local wall time with its zone abbreviation."""
        return t.astimezone(self.zone).strftime("%a %d %b %Y %H:%M %Z")


def duration_text(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} m"


@dataclass(slots=True)
class Out:
    """Collects a rule run's findings and deadlines."""

    ctx: Context
    findings: list[Finding] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    #: the instant of the act each finding (deadline) judges, which picks the version of
    #: the law that judges it: a hold's start for hold findings, else the finding's own.
    acts: list[datetime] = field(default_factory=list)
    deadline_acts: list[datetime] = field(default_factory=list)

    def finding(
        self,
        code: Code,
        rule: str,
        *,
        kind: Kind,
        severity: Severity,
        at: datetime,
        citation: str,
        explanation: str,
        evidence: Iterable[str],
        ended_at: datetime | None = None,
        instant: bool = False,
        detainer_id: str | None = None,
        anchor: str | None = None,
        policy: str | None = None,
        calendar_ambiguous: bool = False,
        alternatives: tuple[AlternativeDeadline, ...] = (),
        act_at: datetime | None = None,
    ) -> None:
        """Record a finding. `instant` findings (a call, a hand-over) end where they begin;
        `act_at` is the act judged, when it is not the finding's instant (a hold's start)."""
        ctx = self.ctx
        state = ctx.state
        end = at if instant or (ended_at is not None and ended_at < at) else ended_at
        duration = None if end is None else max(0, int((end - at).total_seconds()))
        ongoing = end is None or (state.booking is not None and ctx.custody_end is None)
        booking = state.booking
        self.findings.append(
            Finding(
                finding_id=finding_id(
                    state.agency, state.booking_id, code, rule, detainer_id, anchor
                ),
                code=code,
                kind=kind,
                severity=severity,
                agency=state.agency,
                booking_id=state.booking_id,
                detainer_id=detainer_id,
                violation_at=ctx.zoned(at),
                ended_at=None if end is None else ctx.zoned(end),
                duration_seconds=duration,
                policy=policy or ctx.profile.label,
                citation=citation,
                explanation=explanation,
                evidence=tuple(dict.fromkeys(evidence)),
                status="open" if ongoing else "resolved",
                rule=rule,
                facility=booking.facility if booking else None,
                timezone=str(ctx.zone),
                calendar_ambiguous=calendar_ambiguous,
                alternatives=alternatives,
                evidence_level=ctx.profile.evidence_of(code, rule),
            )
        )
        self.acts.append(at if act_at is None else act_at)

    def deadline(
        self,
        at: datetime,
        code: Code,
        rule: str,
        description: str,
        *,
        hold: bool = False,
        detainer_id: str | None = None,
        act_at: datetime | None = None,
    ) -> None:
        """Record a future instant at which re-evaluation may raise `code` (`act_at`: the
        act it judges, when not the deadline itself)."""
        if at <= self.ctx.as_of:
            return
        state = self.ctx.state
        self.deadlines.append(
            Deadline(
                at=self.ctx.zoned(at),
                code=code,
                rule=rule,
                agency=state.agency,
                booking_id=state.booking_id,
                detainer_id=detainer_id,
                description=description,
                hold=hold,
            )
        )
        self.deadline_acts.append(at if act_at is None else act_at)
