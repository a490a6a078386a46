"""HOLD_DEADLINE_APPROACHING: the live-only warning before a hold deadline (schemas/README.md).

A defender can act only before the deadline, so the warning names it and says what
authority is on file: a judicial warrant, or only an administrative one (or none).
The audit never emits it: after the fact there is nothing left to warn about.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from holdwatch.domain.findings import Deadline, Finding
from holdwatch.domain.state import CustodyState
from holdwatch.domain.timecalc import shift
from holdwatch.policy.core.context import JUDICIAL_ANY, Context, Out
from holdwatch.policy.core.rulebook import Rulebook

RULE = "live.approaching"


def warning_at(deadline: Deadline, rulebook: Rulebook) -> datetime:
    return shift(deadline.at, -rulebook.profile.params.warning_lead)


def approaching(
    state: CustodyState, rulebook: Rulebook, as_of: datetime, deadlines: Iterable[Deadline]
) -> tuple[Finding, ...]:
    """A warning for each hold deadline whose lead has begun and that has not yet passed."""
    due = [d for d in deadlines if d.hold and warning_at(d, rulebook) <= as_of < d.at]
    if not due:
        return ()
    profile = rulebook.profile
    if profile.editions:  # the version in force now, in the booking's zone
        zone = Context.build(state, profile, as_of).zone
        profile = profile.at(profile.edition_index(as_of.astimezone(zone).date()))
    out = Out(Context.build(state, profile, as_of, rulebook.criteria))
    for deadline in due:
        _warn(out, deadline)
    return tuple(out.findings)


def _warn(out: Out, deadline: Deadline) -> None:
    ctx = out.ctx
    evidence = [d.event_id for d in ctx.state.detainers if d.received_at <= ctx.as_of]
    judicial = ctx.warrant(JUDICIAL_ANY)
    if judicial is not None:
        authority = f"a judicial warrant ({judicial.kind.replace('_', ' ')}) is on file"
        evidence.append(judicial.event_id)
    else:
        admin = sorted(
            {
                d.attached_warrant
                for d in ctx.state.detainers
                if d.attached_warrant not in {None, "none"}
            }
        )
        authority = (
            f"only an administrative warrant ({', '.join(a for a in admin if a)}) is on file, "
            "which no judge signed"
            if admin
            else "no warrant of any kind is on file"
        )
    out.finding(
        "HOLD_DEADLINE_APPROACHING",
        RULE,
        kind="advisory",
        severity="warning",
        at=shift(deadline.at, -ctx.profile.params.warning_lead),
        detainer_id=deadline.detainer_id,
        anchor=f"{deadline.rule}@{deadline.at.isoformat()}",
        citation=ctx.profile.hold_citation,
        explanation=(
            f"The jail must stop holding the person by {ctx.local(deadline.at)} "
            f"({deadline.description}); {authority}."
        ),
        evidence=evidence,
    )
