"""Texas SB 4 (2017), Code Crim. Proc. art. 2.251: the duty runs the other way.

A jail *must* honor a detainer (a)(1) and tell the person they are held on it (a)(2),
unless the person proves citizenship or lawful status (b). Releasing someone without
honoring the detainer is a state-compliance finding, not a federal violation (scenario S23).
"""

from __future__ import annotations

from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.holds import holds
from holdwatch.policy.core.windows import deadline_for, window_for

CITATION = "Tex. Code Crim. Proc. art. 2.251"


def state_duty_rule(ctx: Context, out: Out) -> None:
    release = ctx.state.release
    if not ctx.profile.params.report_state_duty or release is None or ctx.custody_end is None:
        return
    if release.to in ("ice", "cbp", "hospital", "other_agency", "us_marshals"):
        return
    t = release.at
    if any(c.with_evidence and c.at <= t for c in ctx.state.claims):
        return  # art. 2.251(b): proof of citizenship or lawful status ends the duty
    active = [d for d in ctx.state.detainers if d.active_at(t)]
    if not active:
        return
    spans = [e for e in ctx.state.eligibility if e.at <= t]
    re = spans[-1].at if spans else t
    unmet: list[str] = []
    for d in active:
        deadline = deadline_for(re, window_for(d), ctx.zone, ctx.profile.state)
        if "maintain_custody" in d.requests and t < deadline.at:
            unmet.append(f"keep custody until {ctx.local(deadline.at)} (detainer {d.detainer_id})")
        told = any(c.at <= t and c.information == "release_date" for c in ctx.state.contacts)
        if "notify" in d.requests and not told:
            unmet.append(f"notify ICE before release (detainer {d.detainer_id})")
    if not unmet:
        return
    out.finding(
        "STATE_DUTY_NOT_HONORED",
        "tx.duty",
        kind="violation",
        severity="info",
        at=t,
        instant=True,
        detainer_id=active[0].detainer_id,
        anchor=release.event_id,
        citation=f"{CITATION}(a)(1)",
        explanation=(
            f"The person was released at {ctx.local(t)} while a detainer was in force; "
            f"Texas law required the jail to {'; and to '.join(unmet)}. This is a state-law "
            "compliance finding, not a federal violation."
        ),
        evidence=[release.event_id, *(d.event_id for d in active)],
    )


def inform_rule(ctx: Context, out: Out) -> None:
    """Art. 2.251(a)(2): a person held on a detainer must be told so."""
    for hold in holds(ctx):
        told = any(n.notice == "request_copy" and n.at <= hold.start for n in ctx.state.notices)
        if told:
            continue
        out.finding(
            "TRUTH_COPY_MISSING",
            "tx.inform",
            kind="violation",
            severity="warning",
            at=hold.start,
            instant=True,
            detainer_id=hold.detainers[0].detainer_id,
            anchor=hold.span.event_id,
            citation=f"{CITATION}(a)(2)",
            explanation=(
                f"The person was held on a detainer from {ctx.local(hold.start)} without "
                "being told they were held on an immigration detainer."
            ),
            evidence=hold.evidence,
        )
