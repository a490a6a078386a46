"""North Carolina's judicial-official order (G.S. 162-62(b1)): HOLD_WITHOUT_JUDICIAL_ORDER,
and the order's 48 hours beside the form's.

The hold itself is the core's (`core.holds`, the "window" regime): a hold on a detainer that
asks for custody must rest on a state judicial official's order (`warrant.received` of kind
`state_judicial_order`) from RE on, and lasts at most 48 hours. Whether those run from RE
(as the form's do) or from the order is not verified, so both are computed: the core's
HOLD_OVER_WINDOW is amended to the earlier instant, with the other as an alternative
reading, and raised here when only the order's 48 hours were passed. A detainer that does
not ask for custody is not this rule's: no order can make a hold the form does not request.
"""

from __future__ import annotations

from datetime import datetime

from holdwatch.domain.findings import AlternativeDeadline, Code, Finding, finding_id
from holdwatch.domain.state import Detainer
from holdwatch.domain.timecalc import elapsed_deadline
from holdwatch.policy.core.bars import Rule
from holdwatch.policy.core.context import Context, Out, duration_text
from holdwatch.policy.core.hold_span import Hold, holds
from holdwatch.policy.core.windows import FORTY_EIGHT, HoldDeadline, deadline_for, window_for

ORDER = frozenset({"state_judicial_order"})
FROM_ORDER = "48 hours from the judicial official's order"
FROM_RE = "48 hours from release (RE), the form's window"
AMBIGUOUS = (
    " Whether the 48 hours run from RE or from the judicial official's order is not "
    "verified; holdwatch reports the earlier."
)


def _listed(ctx: Context, code: Code) -> bool:
    return any(c == code for c, _ in ctx.profile.evidence)


def _custody_requested(hold: Hold) -> list[Detainer]:
    """The detainers in force at the hold's start that ask the jail to keep custody."""
    return [
        d for d in hold.detainers if d.active_at(hold.start) and "maintain_custody" in d.requests
    ]


def without_order_rule(citation: str) -> Rule:
    """HOLD_WITHOUT_JUDICIAL_ORDER from RE until the order arrives (or custody ends)."""

    def hold_without_order_rule(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "HOLD_WITHOUT_JUDICIAL_ORDER"):
            return
        order = ctx.warrant(ORDER)
        for hold in holds(ctx):
            asked = _custody_requested(hold)
            if not asked or (order is not None and order.received_at <= hold.start):
                continue
            end, why = hold.end, hold.end_reason
            evidence = list(hold.evidence)
            if order is not None and (end is None or order.received_at < end):
                end, why = order.received_at, "the judicial official's order"
                evidence.append(order.event_id)
            held = (
                f"until {ctx.local(end)} ({why}), "
                f"{duration_text(int((end - hold.start).total_seconds()))}"
                if end is not None
                else f"and is still held as of {ctx.local(ctx.as_of)}"
            )
            out.finding(
                "HOLD_WITHOUT_JUDICIAL_ORDER",
                "hold.judicial_order",
                kind="violation",
                severity="high",
                at=hold.start,
                ended_at=end,
                detainer_id=asked[0].detainer_id,
                anchor=hold.span.event_id,
                citation=citation,
                explanation=(
                    f"The person was eligible for release at {ctx.local(hold.span.at)}; the jail "
                    f"kept custody on ICE detainer {asked[0].detainer_id} {held} with no "
                    "judicial official's order to hold them, which North Carolina law requires "
                    "before a detainer hold."
                ),
                evidence=evidence,
                act_at=hold.start,
            )

    return hold_without_order_rule


def _form_deadline(
    ctx: Context, asked: list[Detainer], re: datetime
) -> tuple[Detainer, HoldDeadline]:
    """The requesting detainer that allows the longest hold, as the core chooses it."""
    options = [(d, deadline_for(re, window_for(d), ctx.zone, ctx.profile.state)) for d in asked]
    return max(options, key=lambda o: o[1].at)


def order_window_rule(citation: str) -> Rule:
    """The order's 48 hours beside the form's: runs after the core's hold rule."""

    def order_window(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "HOLD_WITHOUT_JUDICIAL_ORDER"):
            return
        order = ctx.warrant(ORDER)
        if order is None:
            return
        for hold in holds(ctx):
            asked = _custody_requested(hold)
            if not asked or (hold.end is not None and order.received_at >= hold.end):
                continue
            if any(d.cancelled_at is not None for d in asked):
                continue  # a cancellation ends the basis: the core's HOLD_AFTER_CANCEL
            d, form = _form_deadline(ctx, asked, hold.span.at)
            by_order = elapsed_deadline(order.received_at, FORTY_EIGHT, ctx.zone)
            _reconcile(ctx, out, hold, d, form.at, by_order, citation, order.event_id)

    return order_window


def _reconcile(
    ctx: Context,
    out: Out,
    hold: Hold,
    d: Detainer,
    form_at: datetime,
    order_at: datetime,
    citation: str,
    order_event: str,
) -> None:
    end = hold.end or ctx.as_of
    state = ctx.state
    # the core's finding on this hold, if custody passed the form's window (same id)
    fid = finding_id(
        state.agency,
        state.booking_id,
        "HOLD_OVER_WINDOW",
        "hold.window",
        d.detainer_id,
        hold.span.event_id,
    )
    index = next((i for i, f in enumerate(out.findings) if f.finding_id == fid), None)
    if index is not None and order_at != form_at:
        out.findings[index] = _amended(ctx, out.findings[index], form_at, order_at, end, hold)
        return
    if order_at >= form_at:
        return  # the form's window is not the later one, and the core judged it
    if end <= order_at:
        if hold.end is None:
            out.deadline(
                order_at,
                "HOLD_OVER_WINDOW",
                "hold.window",
                FROM_ORDER,
                hold=True,
                detainer_id=d.detainer_id,
                act_at=hold.start,
            )
        return
    out.finding(
        "HOLD_OVER_WINDOW",
        "hold.window",
        kind="violation",
        severity="high",
        at=order_at,
        ended_at=hold.end,
        detainer_id=d.detainer_id,
        anchor=hold.span.event_id,
        citation=citation,
        explanation=(
            f"A judicial official ordered the hold; 48 hours from the order ended at "
            f"{ctx.local(order_at)}, and the jail kept custody "
            + (
                f"until {ctx.local(hold.end)}."
                if hold.end is not None
                else f"and still held the person as of {ctx.local(ctx.as_of)}."
            )
            + AMBIGUOUS
        ),
        evidence=[*hold.evidence, order_event],
        act_at=hold.start,
        alternatives=(
            AlternativeDeadline(calendar=FROM_RE, deadline=ctx.zoned(form_at), violation=False),
        ),
    )


def _amended(
    ctx: Context, f: Finding, form_at: datetime, order_at: datetime, end: datetime, hold: Hold
) -> Finding:
    """The core's finding at the earlier of the two readings, the other as an alternative."""
    if order_at >= form_at:
        other = AlternativeDeadline(
            calendar=FROM_ORDER, deadline=ctx.zoned(order_at), violation=end > order_at
        )
        return f.model_copy(
            update={
                "alternatives": (*f.alternatives, other),
                "explanation": f.explanation + AMBIGUOUS,
            }
        )
    other = AlternativeDeadline(calendar=FROM_RE, deadline=ctx.zoned(form_at), violation=True)
    duration = None if hold.end is None else int((hold.end - order_at).total_seconds())
    return f.model_copy(
        update={
            "violation_at": ctx.zoned(order_at),
            "duration_seconds": duration,
            "alternatives": (*f.alternatives, other),
            "explanation": (
                f"A judicial official ordered the hold; 48 hours from the order ended at "
                f"{ctx.local(order_at)}, before the form's window ({ctx.local(form_at)}). "
                + f.explanation
                + AMBIGUOUS
            ),
        }
    )
