"""A state duty to honor detainers (Texas, Florida, Georgia): the direction runs the other way.

Releasing someone while a detainer asked for custody or notice, without doing what it asked,
is a state-compliance finding, not a federal violation (oversight may turn these off,
`Params.report_state_duty`). What the duty can require never exceeds what the form asks:
custody only within the detainer's own window and only when it asks for custody, notice only
when it asks for notice. A jurisdiction says which detainers bind (Florida: only a facially
sufficient one, with an administrative warrant) and whether proof of citizenship or lawful
status ends the duty (Texas art. 2.251(b)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.state import Detainer
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.rulebook import Rule
from holdwatch.policy.core.windows import deadline_for, window_for

#: Hand-overs that end custody without releasing the person to the street.
NOT_RELEASED = frozenset({"ice", "cbp", "hospital", "other_agency", "us_marshals"})


@dataclass(frozen=True, slots=True)
class Honor:
    #: the law's name in a sentence: "Texas law"
    law: str
    citation: str
    #: the finding's rule: "tx.duty"
    rule: str
    #: proof of citizenship or lawful status ends the duty
    proof_ends_duty: bool = False
    #: which detainers the duty binds at an instant (default: every one in force)
    binds: Callable[[Context, Detainer, datetime], bool] | None = None


def honor_rule(honor: Honor) -> Rule:
    """STATE_DUTY_NOT_HONORED at a release that did not do what a binding detainer asked."""

    def state_duty_rule(ctx: Context, out: Out) -> None:
        release = ctx.state.release
        if not ctx.profile.params.report_state_duty or release is None or ctx.custody_end is None:
            return
        if release.to in NOT_RELEASED:
            return
        t = release.at
        if honor.proof_ends_duty and any(c.with_evidence and c.at <= t for c in ctx.state.claims):
            return
        active = [
            d
            for d in ctx.state.detainers
            if d.active_at(t) and (honor.binds is None or honor.binds(ctx, d, t))
        ]
        if not active:
            return
        spans = [e for e in ctx.state.eligibility if e.at <= t]
        re = spans[-1].at if spans else t
        unmet: list[str] = []
        for d in active:
            deadline = deadline_for(re, window_for(d), ctx.zone, ctx.profile.state)
            if "maintain_custody" in d.requests and t < deadline.at:
                unmet.append(
                    f"keep custody until {ctx.local(deadline.at)} (detainer {d.detainer_id})"
                )
            told = any(c.at <= t and c.information == "release_date" for c in ctx.state.contacts)
            if "notify" in d.requests and not told:
                unmet.append(f"notify ICE before release (detainer {d.detainer_id})")
        if not unmet:
            return
        out.finding(
            "STATE_DUTY_NOT_HONORED",
            honor.rule,
            kind="violation",
            severity="info",
            at=t,
            instant=True,
            detainer_id=active[0].detainer_id,
            anchor=release.event_id,
            citation=honor.citation,
            explanation=(
                f"The person was released at {ctx.local(t)} while a detainer was in force; "
                f"{honor.law} required the jail to {'; and to '.join(unmet)}. This is a "
                "state-law compliance finding, not a federal violation."
            ),
            evidence=[release.event_id, *(d.event_id for d in active)],
        )

    return state_duty_rule
