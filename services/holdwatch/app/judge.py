"""One booking, judged live: findings to emit, timers to arm, the hold to show on metrics.

Pure, like the core it wraps: the monitor loads the history and the findings ledger,
calls `judge`, and stores what it returns in one atomic step. A finding is emitted when
it is new or its content changed; one that no longer follows from the facts (a late
event changed them) is emitted once more as `superseded`, never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from holdwatch.domain.custody import Folded, History, folded
from holdwatch.domain.findings import Deadline, Finding
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.approaching import approaching, warning_at
from holdwatch.policy.core.engine import Evaluation, evaluate
from holdwatch.policy.core.rulebook import Rulebook

ChangeKind = Literal["new", "changed", "superseded"]
LIVE_ONLY = frozenset({"HOLD_DEADLINE_APPROACHING"})


@dataclass(frozen=True, slots=True)
class Change:
    finding: Finding
    change: ChangeKind
    record: str  # the finding as JSON: what the ledger keeps and the alert carries


@dataclass(frozen=True, slots=True)
class Wake:
    """When the booking must be judged again with no new event (None: never)."""

    deadline: datetime | None
    warning: datetime | None


@dataclass(frozen=True, slots=True)
class Custody:
    """A person in custody with a detainer on file, for the scrape-time gauges."""

    agency: str
    facility: str
    profile: str
    detainers: tuple[tuple[str, str], ...]  # (form, attached warrant) of each in force
    #: when the running hold became (or becomes) unlawful; None: no hold running yet
    hold_deadline: datetime | None
    #: when HOLD_DEADLINE_APPROACHING warns of that deadline (the profile's lead before it)
    hold_warning: datetime | None = None


@dataclass(frozen=True, slots=True)
class Judgement:
    state: CustodyState
    findings: tuple[Finding, ...]
    changes: tuple[Change, ...]
    wake: Wake
    custody: Custody | None


def judge(
    agency: str,
    booking_id: str | None,
    history: History,
    profile: Rulebook,
    as_of: datetime,
    ledger: Mapping[str, str],
    *,
    now: datetime | None = None,
) -> Judgement:
    """Judge as of `as_of`; `now` (default: `as_of`) is the clock's instant when the
    monitor judges behind it, catching up: a deadline already past on the clock is not
    warned of, however near it is at `as_of`."""
    return judge_fold(folded(agency, booking_id, history), profile, as_of, ledger, now=now)


def judge_fold(
    fold: Folded,
    profile: Rulebook,
    as_of: datetime,
    ledger: Mapping[str, str],
    *,
    now: datetime | None = None,
) -> Judgement:
    """`judge` on a history already projected (the monitor keeps each booking's fold)."""
    state = fold.state
    evaluation = evaluate(state, profile, as_of)
    ahead = [d for d in evaluation.deadlines if now is None or d.at > now]
    findings = evaluation.findings + approaching(state, profile, as_of, ahead)
    return Judgement(
        state=state,
        findings=findings,
        changes=diff(ledger, findings, as_of),
        wake=_wake(fold.next_time_after(as_of), evaluation, profile, as_of, ahead),
        custody=_custody(state, profile, evaluation, findings, as_of),
    )


def diff(
    ledger: Mapping[str, str], findings: tuple[Finding, ...], as_of: datetime
) -> tuple[Change, ...]:
    """What to emit so that the alert stream tells the ledger's story exactly once."""
    changes: list[Change] = []
    current: set[str] = set()
    for finding in findings:
        current.add(finding.finding_id)
        record = finding.model_dump_json()
        known = ledger.get(finding.finding_id)
        if known != record:
            changes.append(Change(finding, "new" if known is None else "changed", record))
    for fid, record in ledger.items():
        if fid in current:
            continue
        old = Finding.model_validate_json(record)
        if old.status == "superseded" or old.code in LIVE_ONLY or old.violation_at > as_of:
            continue
        gone = old.model_copy(update={"status": "superseded"})
        changes.append(Change(gone, "superseded", gone.model_dump_json()))
    return tuple(changes)


def _wake(
    next_event: datetime | None,
    evaluation: Evaluation,
    profile: Rulebook,
    as_of: datetime,
    ahead: list[Deadline],
) -> Wake:
    """The earliest deadline, or the earliest event dated after `as_of` (`next_event`)."""
    dues = [d.at for d in evaluation.deadlines]
    if next_event is not None:
        dues.append(next_event)
    warnings = [w for d in ahead if d.hold and (w := warning_at(d, profile)) > as_of]
    # by instant: two times of one zone compare by their wall-clock reading (engine.py)
    return Wake(
        min(dues, key=datetime.timestamp, default=None),
        min(warnings, key=datetime.timestamp, default=None),
    )


def _custody(
    state: CustodyState,
    profile: Rulebook,
    evaluation: Evaluation,
    findings: tuple[Finding, ...],
    as_of: datetime,
) -> Custody | None:
    """In custody with detainers in force; the hold deadline if a hold is running."""
    booking, release = state.booking, state.release
    if booking is None or (release is not None and release.at <= as_of):
        return None
    detainers = tuple(
        (d.form, d.attached_warrant or "none")
        for d in state.detainers
        if d.received_at <= as_of and (d.cancelled_at is None or d.cancelled_at > as_of)
    )
    if not detainers:
        return None
    overdue = [f.violation_at for f in findings if f.rule.startswith("hold") and f.ended_at is None]
    ahead = [d for d in evaluation.deadlines if d.hold and d.rule == "hold"]
    first = min(ahead, key=lambda d: d.at.timestamp(), default=None)
    deadline = min(overdue, key=datetime.timestamp) if overdue else first.at if first else None
    return Custody(
        agency=state.agency,
        facility=booking.facility,
        profile=profile.label,
        detainers=detainers,
        hold_deadline=deadline,
        hold_warning=warning_at(first, profile) if first and not overdue else None,
    )
