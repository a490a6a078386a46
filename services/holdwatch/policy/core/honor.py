"""A state duty to honor detainers (Texas, Florida, Georgia, New Hampshire): the direction
runs the other way from a ban. Releasing the person without doing what a binding detainer
asks is STATE_DUTY_NOT_HONORED, a state-law compliance finding (never a federal violation;
oversight may turn these off, `Params.report_state_duty`), at the release.

What the duty can require never exceeds what the form asks: keep custody until the binding
limit (the form's window, or the state's cap) and only when it asks for custody; tell ICE
before release only when it asks for notice. A jurisdiction says which detainers bind
(Florida: only a facially sufficient one, with an administrative warrant), whether proof of
citizenship or lawful status ends the duty (Texas art. 2.251(b)), whether it yields to a
release the agency records as unsafe with its reason (New Hampshire's "if safe to do so"),
and whether each refusal must be reported (New Hampshire: STATE_REPORT_DUE, excused or not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.state import Detainer
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.holds import asks_custody, binding_deadline

Rule = Callable[[Context, Out], None]
#: released to an authority: the person is not free, so the detainer's purpose holds
NOT_RELEASED = frozenset({"ice", "cbp", "hospital", "other_agency", "us_marshals"})


@dataclass(frozen=True, slots=True)
class Honor:
    """Whose duty, where it is written, and what ends or excuses it."""

    #: the law's name in a sentence: "Texas law"
    law: str
    citation: str
    #: the finding's rule: "tx.duty"
    rule: str
    #: proof of citizenship or lawful status ends the duty
    proof_ends_duty: bool = False
    #: which detainers the duty binds at an instant (default: every one in force)
    binds: Callable[[Context, Detainer, datetime], bool] | None = None
    #: the duty yields to a release recorded as unsafe, with its reason
    if_safe: bool = False
    #: the citation of a duty to report each refusal (STATE_REPORT_DUE), if the law has one
    report: str | None = None


def _listed(ctx: Context, code: str) -> bool:
    return any(c == code for c, _ in ctx.profile.evidence)


def _report(ctx: Context, out: Out, duty: Honor, detainer_id: str, event_id: str) -> None:
    """STATE_REPORT_DUE: every release that did not honor a detainer, excused or not, is a
    refusal the agency must report; when the report is due is not known, and no event says
    it was made, so this is an advisory at the refusal."""
    release = ctx.state.release
    if release is None or duty.report is None:
        return
    out.finding(
        "STATE_REPORT_DUE",
        f"{duty.rule}.report",
        kind="advisory",
        severity="info",
        at=release.at,
        instant=True,
        detainer_id=detainer_id,
        anchor=event_id,
        citation=duty.report,
        explanation=(
            f"The person was released at {ctx.local(release.at)} without the jail doing all "
            f"that detainer {detainer_id} asked; {duty.law} requires the agency to report "
            "each such refusal to the attorney general, in the time, form and manner the "
            "attorney general prescribes (not known here: no due date is computed)."
        ),
        evidence=[event_id],
    )


def honor_rule(duty: Honor) -> Rule:
    """The rule for `duty`; it runs only in versions whose duties list its code."""

    def rule(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "STATE_DUTY_NOT_HONORED"):
            return
        release = ctx.state.release
        if not ctx.profile.params.report_state_duty or release is None or ctx.custody_end is None:
            return
        if release.to in NOT_RELEASED:
            return
        t = release.at
        if duty.proof_ends_duty and any(c.with_evidence and c.at <= t for c in ctx.state.claims):
            return
        active = [
            d
            for d in ctx.state.detainers
            if d.active_at(t) and (duty.binds is None or duty.binds(ctx, d, t))
        ]
        if not active:
            return
        spans = [e for e in ctx.state.eligibility if e.at <= t]
        re = spans[-1].at if spans else t
        told = any(c.at <= t and c.information == "release_date" for c in ctx.state.contacts)
        unmet: list[str] = []
        for d in active:
            limit = binding_deadline(ctx, d, re)
            if asks_custody(d) and t < limit.at:
                unmet.append(f"keep custody until {ctx.local(limit.at)} (detainer {d.detainer_id})")
            if "notify" in d.requests and not told:
                unmet.append(f"notify ICE before release (detainer {d.detainer_id})")
        if not unmet:
            return
        if _listed(ctx, "STATE_REPORT_DUE"):
            _report(ctx, out, duty, active[0].detainer_id, release.event_id)
        if duty.if_safe and release.unsafe_to_comply and release.basis:
            return  # not safe to comply, and the reason recorded
        unsupported = (
            " The release record says complying was not safe but gives no reason."
            if duty.if_safe and release.unsafe_to_comply
            else ""
        )
        out.finding(
            "STATE_DUTY_NOT_HONORED",
            duty.rule,
            kind="violation",
            severity="info",
            at=t,
            instant=True,
            detainer_id=active[0].detainer_id,
            anchor=release.event_id,
            citation=duty.citation,
            explanation=(
                f"The person was released at {ctx.local(t)} while a detainer was in force; "
                f"{duty.law} required the jail to {'; and to '.join(unmet)}"
                + (", if it was safe to do so." if duty.if_safe else ".")
                + unsupported
                + " This is a state-law compliance finding, not a federal violation."
            ),
            evidence=[release.event_id, *(d.event_id for d in active)],
        )

    rule.__name__ = f"honor_rule_{duty.rule.replace('.', '_')}"
    return rule
