"""`evaluate(state, rulebook, as_of)`: the one implementation every entry point calls.

Pure: the evaluation instant is a parameter, nothing reads a clock or does I/O. Findings
come back sorted by the instant they begin; deadlines by when they fall due. A law with
several versions judges each act by the version in force on the act's local date (in the
booking's zone): the rules run once per version that can apply, and each version keeps
only the findings whose act falls in its dates. An agency's own record (no booking) with
standing duties (`Rulebook.always`) is run under every version: it has no record dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from holdwatch.domain.findings import Deadline, Finding
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.data_quality import data_quality_rule
from holdwatch.policy.core.profile import Profile
from holdwatch.policy.core.rulebook import Rulebook


@dataclass(frozen=True, slots=True)
class Evaluation:
    findings: tuple[Finding, ...]
    deadlines: tuple[Deadline, ...]

    @property
    def next_deadline(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


_NOTHING = Evaluation((), ())


#: Deadlines fall due at most this long after the evaluation instant (the longest window).
_AHEAD = timedelta(days=31)


def _run(state: CustodyState, rulebook: Rulebook, profile: Profile, as_of: datetime) -> Out:
    out = Out(Context.build(state, profile, as_of, rulebook.criteria, rulebook.limit))
    # Without any immigration authority in the record only the data checks can apply.
    rules = rulebook.rules if out.ctx.state.involves_immigration else (data_quality_rule,)
    for rule in (*rules, *rulebook.always):
        rule(out.ctx, out)
    return out


def _by_version(state: CustodyState, rulebook: Rulebook, as_of: datetime) -> Out:
    """Each act judged by the version in force at it: versions outside the record's dates
    are not run, and an act outside the versions run goes to the nearest one."""
    profile = rulebook.profile
    merged = Out(Context.build(state, profile, as_of, rulebook.criteria, rulebook.limit))
    zone = merged.ctx.zone
    as_of = merged.ctx.as_of  # clamped: "9999-12-31" means after everything
    last = len(profile.editions) - 1

    def index(t: datetime, ahead: timedelta = timedelta(0)) -> int | None:
        try:
            return profile.edition_index((t.astimezone(zone) + ahead).date())
        except OverflowError:  # an instant at the edge of the calendar
            return None

    first = index(min(state.first_event_at or as_of, as_of))
    low = 0 if first is None else first
    ahead = index(as_of, _AHEAD)
    high = last if ahead is None else ahead
    if state.booking_id is None and rulebook.always:
        low, high = 0, last  # an agency's standing duties have no record dates to bound them

    def version(t: datetime) -> int:
        at = index(t)
        if at is None:  # off the calendar: before or after every version
            at = 0 if t.year < 2000 else last
        return min(max(at, low), high)

    for i in range(low, high + 1):
        out = _run(state, rulebook, profile.at(i), as_of)
        for f, act in zip(out.findings, out.acts, strict=True):
            if version(act) == i:
                merged.findings.append(f)
        for d, act in zip(out.deadlines, out.deadline_acts, strict=True):
            if version(act) == i:
                merged.deadlines.append(d)
    return merged


def evaluate(state: CustodyState, rulebook: Rulebook, as_of: datetime) -> Evaluation:
    """Judge one booking's custody state under `rulebook` as of `as_of`."""
    if rulebook.profile.editions:
        out = _by_version(state, rulebook, as_of)
    else:
        out = _run(state, rulebook, rulebook.profile, as_of)
    if not (out.findings or out.deadlines):
        return _NOTHING  # most bookings: no immigration contact, no data problem
    # By instant, not by reading: Python compares two times of one zone by their wall-clock
    # reading, which puts 01:10 after a fall-back before the 01:30 that came an hour earlier.
    findings = sorted(
        out.findings, key=lambda f: (f.violation_at.timestamp(), f.code, f.finding_id)
    )
    deadlines = sorted(out.deadlines, key=lambda d: (d.at.timestamp(), d.code))
    return Evaluation(tuple(findings), tuple(deadlines))
