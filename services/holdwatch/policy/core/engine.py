"""`evaluate(state, rulebook, as_of)`: the one implementation every entry point calls.

Pure: the evaluation instant is a parameter, nothing reads a clock or does I/O. Findings
come back sorted by the instant they begin; deadlines by when they fall due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.findings import Deadline, Finding
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.data_quality import data_quality_rule
from holdwatch.policy.core.rulebook import Rulebook


@dataclass(frozen=True, slots=True)
class Evaluation:
    findings: tuple[Finding, ...]
    deadlines: tuple[Deadline, ...]

    @property
    def next_deadline(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


_NOTHING = Evaluation((), ())


def evaluate(state: CustodyState, rulebook: Rulebook, as_of: datetime) -> Evaluation:
    """Judge one booking's custody state under `rulebook` as of `as_of`."""
    out = Out(Context.build(state, rulebook.profile, as_of, rulebook.criteria))
    # Without any immigration authority in the record only the data checks can apply.
    rules = rulebook.rules if out.ctx.state.involves_immigration else (data_quality_rule,)
    for rule in rules:
        rule(out.ctx, out)
    if not (out.findings or out.deadlines):
        return _NOTHING  # most bookings: no immigration contact, no data problem
    # By instant, not by reading: Python compares two times of one zone by their wall-clock
    # reading, which puts 01:10 after a fall-back before the 01:30 that came an hour earlier.
    findings = sorted(
        out.findings, key=lambda f: (f.violation_at.timestamp(), f.code, f.finding_id)
    )
    deadlines = sorted(out.deadlines, key=lambda d: (d.at.timestamp(), d.code))
    return Evaluation(tuple(findings), tuple(deadlines))
