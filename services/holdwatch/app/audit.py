"""Offline audit: a JSONL history in, findings out — the reference the live monitor matches.

Every line is validated before anything is given back: one unreadable line stops the
audit with its line number and field (nothing half-judged is printed). Lines are grouped
by booking, and each booking is validated, folded and evaluated on its own
(`audit_bookings`): a booking the core fails to judge is set aside, named with the class
of its error, and every other booking is still judged (`audit_isolated`).

Every agency seen in the history is also judged on its own record (agency-level
`wso.activity` events, possibly none), where the profile has duties owed by the agency
itself: an agency with no 287(g) event at all is exactly one a state mandate finds lacking.
`agencies` gives what the agencies file says of each (its kind and zone).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from holdwatch.app.agencies import with_agency
from holdwatch.app.audit_bookings import (
    Judged,
    LineError,
    Misplaced,
    Placed,
    Skipped,
    judge_placed,
    missing_records,
    place,
    regroup,
)
from holdwatch.app.line_key import BookingKey
from holdwatch.domain.contract import ContractError, contract_errors, validate_event_json
from holdwatch.domain.custody import History, project
from holdwatch.domain.events import Event
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.core.profile import Agency
from holdwatch.policy.core.rulebook import Rulebook

__all__ = [
    "Audit",
    "AuditInputError",
    "BookingKey",
    "LineError",
    "Skipped",
    "audit",
    "audit_each",
    "audit_groups",
    "audit_isolated",
    "judge",
    "read_events",
    "sort_findings",
    "with_agency_records",
]


class AuditInputError(ValueError):
    """Unreadable input; names every bad line and field."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(shown + more)


def read_events(lines: Iterable[str | bytes]) -> dict[BookingKey, list[Event]]:
    """Parse JSONL into events grouped by booking (`agency`, `subject`)."""
    groups: dict[BookingKey, list[Event]] = defaultdict(list)
    errors: list[LineError] = []
    validate = validate_event_json  # `parse_event` without a call per line: the hot loop
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():  # as `not line.strip()`, without copying the line
            continue
        try:
            event: Event = validate(line)
        except ValidationError as exc:
            errors.append(LineError(number, ContractError(contract_errors(exc))))
            continue
        groups[event.agency, event.subject].append(event)
    if errors:
        raise AuditInputError(errors)
    return groups


@dataclass(frozen=True, slots=True)
class Audit:
    findings: list[Finding]
    skipped: list[Skipped]


def judge(
    agency: str,
    booking_id: str | None,
    events: list[Event],
    profile: Rulebook,
    as_of: datetime,
    agencies: Mapping[str, Agency] | None = None,
) -> Sequence[Finding]:
    """One booking's (or agency record's) findings, in the order the rules give them;
    `agencies`: what the agencies file says of each agency (its kind and zone)."""
    state = project(agency, booking_id, History.of(events))
    judged = with_agency(profile, (agencies or {}).get(agency, Agency()))
    return evaluate(state, judged, as_of).findings


def sort_findings(findings: list[Finding]) -> None:
    """By instant, then booking and code; in place and stable. Two instants in different
    zones, one of them in a fall-back hour, are neither equal nor ordered (PEP 495), so
    the result also depends on the order given: give bookings in their first line's order."""
    findings.sort(key=lambda f: (f.violation_at, f.agency, f.booking_id or "", f.code))


def audit_groups(
    groups: dict[BookingKey, list[Event]],
    profile: Rulebook,
    as_of: datetime,
    *,
    isolate: bool = False,
    agencies: Mapping[str, Agency] | None = None,
) -> Audit:
    """Judge every booking, and every agency's own record; with `isolate`, one that raises
    is skipped instead of the run."""
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    facts = agencies or {}
    for (agency, booking_id), events in with_agency_records(groups, profile).items():
        try:
            found = judge(agency, booking_id, events, profile, as_of, facts)
        except MemoryError:
            raise
        except Exception as exc:
            if not isolate:
                raise
            skipped.append(Skipped(agency, booking_id, type(exc).__name__))
            continue
        findings.extend(found)
    sort_findings(findings)
    return Audit(findings, skipped)


def with_agency_records(
    groups: dict[BookingKey, list[Event]], profile: Rulebook
) -> dict[BookingKey, list[Event]]:
    """`groups`, with an empty agency record for each agency that has none, when the
    profile judges agencies on their own (`Rulebook.always`)."""
    if not profile.always:
        return groups
    missing: dict[str, list[Event]] = {a: [] for a, _ in groups if (a, None) not in groups}
    return {**groups, **{(agency, None): events for agency, events in missing.items()}}


def _audits(judged: Judged) -> list[Audit]:
    out: list[Audit] = []
    for found, skipped in zip(judged.findings, judged.skipped, strict=True):
        findings = [f for *_, f in found]
        sort_findings(findings)
        out.append(Audit(findings, [s for _, s in skipped]))
    return out


def _run_each(
    lines: Iterable[str | bytes],
    profiles: Sequence[Rulebook],
    as_of: datetime,
    isolate: bool,
    agencies: Mapping[str, Agency] | None = None,
) -> list[Audit]:
    """Lines grouped by booking unvalidated (`place`), then each booking validated and
    judged in turn (`judge_placed`): the result of `read_events` then `audit_groups` under
    each profile. The grouped lines are long-lived and acyclic, so the cyclic garbage
    collector is paused meanwhile: otherwise it rescans the growing heap."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        groups, errors = place(lines)

        def attempt(groups: Placed, errors: list[LineError]) -> Judged:
            judged = judge_placed(
                groups,
                profiles,
                as_of,
                errors,
                isolate=isolate,
                agencies=agencies,
                records=missing_records(groups),
            )
            if errors:
                raise AuditInputError(sorted(errors, key=lambda e: e.line))
            return judged

        try:
            judged = attempt(groups, [*errors])
        except Misplaced:
            exact, more = regroup(groups)
            judged = attempt(exact, [*errors, *more])
        return _audits(judged)
    finally:
        if enabled:
            gc.enable()


def _run(
    lines: Iterable[str | bytes],
    profile: Rulebook,
    as_of: datetime,
    isolate: bool,
    agencies: Mapping[str, Agency] | None = None,
) -> Audit:
    return _run_each(lines, (profile,), as_of, isolate, agencies)[0]


def audit(
    lines: Iterable[str | bytes],
    profile: Rulebook,
    as_of: datetime,
    agencies: Mapping[str, Agency] | None = None,
) -> list[Finding]:
    """Every finding in a history, as of `as_of`; an error judging any booking propagates."""
    return _run(lines, profile, as_of, False, agencies).findings


def audit_isolated(
    lines: Iterable[str | bytes],
    profile: Rulebook,
    as_of: datetime,
    agencies: Mapping[str, Agency] | None = None,
) -> Audit:
    """Every finding in a history, as of `as_of`, and the bookings that could not be judged."""
    return _run(lines, profile, as_of, True, agencies)


def audit_each(
    lines: Iterable[str | bytes],
    profiles: Sequence[Rulebook],
    as_of: datetime,
    agencies: Mapping[str, Agency] | None = None,
) -> list[Audit]:
    """One history, read once, judged under each profile in turn (`audit --compare`)."""
    return _run_each(lines, profiles, as_of, True, agencies)
