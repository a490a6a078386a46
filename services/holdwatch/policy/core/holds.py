"""Custody past release on a detainer: HOLD_BARRED, HOLD_NO_STATE_AUTHORITY,
HOLD_NOT_REQUESTED, HOLD_OVER_WINDOW, HOLD_NOT_ELIGIBLE, HOLD_AFTER_CANCEL, under the
profile's hold regime (criteria and state caps come from its jurisdiction).

Where the law allows a hold at all (a window or criteria), it allows only what a detainer
asks: with no detainer in force asking the jail to keep custody (an I-247G, an I-247N, an
I-247A with only the notice box), custody past release is HOLD_NOT_REQUESTED from RE, and
no state duty to honor the detainer can ask more than the form. Where the law bars the hold
itself, that bar is the one finding.

The hold (policy/core/hold_span.py) starts at RE (or when the first detainer takes effect,
if later) and lasts while the person stays in custody with no new local basis (Cal. Gov.
Code §7282(b)). A judicial
warrant received during the hold starts a lawful basis from its receipt; it does not cure
what came before. Any custody past RE that rests on a detainer is a new seizure:
there is no de minimis threshold, only an optional alerting grace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from holdwatch.domain.findings import AlternativeDeadline, Code
from holdwatch.domain.state import Detainer
from holdwatch.domain.timecalc import shift
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.criteria import HoldLimit
from holdwatch.policy.core.hold_span import RULE, Hold, held_text, holds, too_short
from holdwatch.policy.core.windows import HoldDeadline, HoldWindow, deadline_for, window_for


def _cancelled_at(active: list[Detainer]) -> datetime | None:
    """When the last active detainer was cancelled, if all were."""
    times = [d.cancelled_at for d in active]
    if not active or any(t is None for t in times):
        return None
    return max(t for t in times if t is not None)


def _after_cancel(ctx: Context, out: Out, hold: Hold, since: datetime) -> None:
    cancelled = [d for d in hold.detainers if d.cancelled_at is not None]
    if too_short(ctx, hold, since):
        return
    out.finding(
        "HOLD_AFTER_CANCEL",
        f"{RULE}.after_cancel",
        kind="violation",
        severity="high",
        at=since,
        ended_at=hold.end,
        detainer_id=cancelled[0].detainer_id if cancelled else None,
        anchor=hold.span.event_id,
        citation="DHS Form I-247A (cancellation); Fourth Amendment (new seizure)",
        explanation=(
            f"ICE cancelled its detainer, which ended any basis to hold on it from "
            f"{ctx.local(since)}, but the jail kept custody {held_text(ctx, hold, since)}."
        ),
        evidence=[*hold.evidence, *(d.cancel_event_id or "" for d in cancelled)],
        act_at=hold.start,
    )


def _forbidden(code: Code, why: str) -> Callable[[Context, Out, Hold], None]:
    """A regime under which no hold on a detainer is lawful (`code`, `why` in words)."""

    def judge(ctx: Context, out: Out, hold: Hold) -> None:
        active = [d for d in hold.detainers if d.active_at(hold.start)]
        if not active:
            _after_cancel(ctx, out, hold, hold.start)
            return
        if too_short(ctx, hold, hold.start):
            grace_ends = shift(hold.start, ctx.profile.params.hold_grace)
            out.deadline(grace_ends, code, RULE, "grace ends", act_at=hold.start)
            return
        d = active[0]
        out.finding(
            code,
            RULE,
            kind="violation",
            severity="high",
            at=hold.start,
            ended_at=hold.end,
            detainer_id=d.detainer_id,
            anchor=hold.span.event_id,
            citation=ctx.profile.hold_citation,
            explanation=(
                f"The person was eligible for release at {ctx.local(hold.span.at)} "
                f"({hold.span.reason.replace('_', ' ')}), but the jail kept custody on ICE "
                f"detainer {d.detainer_id} ({d.form}) {held_text(ctx, hold, hold.start)}. " + why
            ),
            evidence=hold.evidence,
            act_at=hold.start,
        )

    return judge


_barred = _forbidden(
    "HOLD_BARRED", "This law bars detaining anyone on the basis of an immigration hold request."
)
_no_state_authority = _forbidden(
    "HOLD_NO_STATE_AUTHORITY",
    "The state's highest court has held that officers here have no authority under state law "
    "to arrest or hold anyone on a civil immigration detainer; only a judge's warrant could "
    "have held the person.",
)


#: what each request asks, in a defender's words
ASKS = {"notify": "notice of release", "transfer": "a transfer", "maintain_custody": "custody"}


def asks_custody(d: Detainer) -> bool:
    """Whether the detainer asks the jail to keep the person past release."""
    return "maintain_custody" in d.requests


def _unrequested(ctx: Context, out: Out, hold: Hold) -> Hold | None:
    """HOLD_NOT_REQUESTED while detainers are in force and none asks for custody; what is
    left of the hold once one that does arrives (None: nothing left to judge)."""
    active = [d for d in hold.detainers if d.active_at(hold.start)]
    if not active or any(asks_custody(d) for d in active):
        return hold
    arrivals = sorted(
        (at, d.detainer_id)
        for d in hold.detainers
        if asks_custody(d)
        and (at := ctx.effective_receipt(d)) > hold.start
        and d.active_at(at)
        and (hold.end is None or at < hold.end)
    )
    asked = arrivals[0][0] if arrivals else None
    part = (
        hold
        if not arrivals
        else replace(hold, end=asked, end_reason=f"receipt of detainer {arrivals[0][1]}, asking it")
    )
    if too_short(ctx, part, hold.start) and part.end is None:
        grace_ends = shift(hold.start, ctx.profile.params.hold_grace)
        out.deadline(grace_ends, "HOLD_NOT_REQUESTED", RULE, "grace ends", act_at=hold.start)
    if not too_short(ctx, part, hold.start):
        d = active[0]
        wants = " and ".join(sorted(ASKS[r] for r in d.requests)) or "nothing"
        out.finding(
            "HOLD_NOT_REQUESTED",
            f"{RULE}.not_requested",
            kind="violation",
            severity="high",
            at=hold.start,
            ended_at=part.end,
            detainer_id=d.detainer_id,
            anchor=hold.span.event_id,
            citation=f"DHS Form {d.form} (no request to maintain custody); 8 C.F.R. §287.7(d)",
            explanation=(
                f"The person was eligible for release at {ctx.local(hold.span.at)} "
                f"({hold.span.reason.replace('_', ' ')}), but the jail kept custody "
                f"{held_text(ctx, part, hold.start)}, though no detainer in force asked it "
                f"to: detainer {d.detainer_id} ({d.form}) asks only for {wants}. A hold no "
                "one requested rests on nothing, and no state duty to honor a detainer can "
                "require more than the detainer asks."
            ),
            evidence=hold.evidence,
            act_at=hold.start,
        )
    return None if asked is None else replace(hold, start=asked)


def _governing(ctx: Context, active: list[Detainer], re: datetime) -> tuple[Detainer, HoldDeadline]:
    """The active detainer asking for custody that allows the longest hold, and its deadline."""
    zone, st = ctx.zone, ctx.profile.state
    options = [(d, deadline_for(re, window_for(d), zone, st)) for d in active]
    return max(options, key=lambda o: o[1].at)


def _capped(ctx: Context, deadline: HoldDeadline, re: datetime) -> HoldDeadline:
    """The form's deadline, or the jurisdiction's own limit where that comes first; the
    window's words say which one bound."""
    limit: HoldLimit | None = ctx.criteria if isinstance(ctx.criteria, HoldLimit) else None
    cap = ctx.limit
    if cap is not None and ctx.profile.version >= cap.valid_from:
        limit = cap
    if limit is None:
        return deadline
    at, why = limit.limit(re, ctx.zone)
    if at >= deadline.at:
        then = "the same instant" if at == deadline.at else ctx.local(at)
        bound = f"{deadline.window.why}, the binding limit ({why}: {then})"
        return replace(deadline, window=replace(deadline.window, why=bound))
    window = HoldWindow("elapsed", limit.limit_citation, f"{why} (before the form's window)")
    return HoldDeadline(at, window, ())


def binding_deadline(ctx: Context, d: Detainer, re: datetime) -> HoldDeadline:
    """When a hold on `d` from `re` must end: the form's window, or the state's limit."""
    return _capped(ctx, deadline_for(re, window_for(d), ctx.zone, ctx.profile.state), re)


def _windowed(ctx: Context, out: Out, hold: Hold) -> None:
    active = [d for d in hold.detainers if d.active_at(hold.start) and asks_custody(d)]
    if not active:
        _after_cancel(ctx, out, hold, hold.start)
        return
    d, deadline = _governing(ctx, active, hold.span.at)
    deadline = _capped(ctx, deadline, hold.span.at)
    cancel = _cancelled_at(active)
    end = hold.end or ctx.as_of
    if cancel is not None and cancel < end and cancel <= deadline.at:
        _after_cancel(ctx, out, hold, max(cancel, hold.start))
        return
    if end <= deadline.at:
        if hold.end is None:
            out.deadline(
                deadline.at,
                "HOLD_OVER_WINDOW",
                RULE,
                f"the hold on detainer {d.detainer_id} reaches its limit: {deadline.window.why}",
                hold=True,
                detainer_id=d.detainer_id,
                act_at=hold.start,
            )
        return
    alternatives = tuple(
        AlternativeDeadline(calendar=name, deadline=ctx.zoned(at), violation=end > at)
        for name, at in deadline.alternatives
    )
    uncertain = deadline.window.uncertain and not all(a.violation for a in alternatives)
    code: Code = "REVIEW" if uncertain else "HOLD_OVER_WINDOW"
    calendar_ambiguous = deadline.window.counting == "legacy" and bool(alternatives)
    out.finding(
        code,
        f"{RULE}.window",
        kind="review" if uncertain else "violation",
        severity="warning" if uncertain else "high",
        at=deadline.at,
        ended_at=hold.end,
        detainer_id=d.detainer_id,
        anchor=hold.span.event_id,
        citation=deadline.window.citation,
        explanation=(
            f"The person was eligible for release at {ctx.local(hold.span.at)}; "
            f"{deadline.window.why}, so the hold had to end by {ctx.local(deadline.at)}. "
            f"The jail kept custody {held_text(ctx, hold, deadline.at)}."
            + (
                " Whether this form's window excludes weekends and holidays is unverified: "
                "a person must decide."
                if uncertain
                else ""
            )
            + (
                " A state holiday calendar would move the deadline; see alternatives."
                if calendar_ambiguous
                else ""
            )
        ),
        evidence=hold.evidence,
        act_at=hold.start,
        calendar_ambiguous=calendar_ambiguous,
        alternatives=alternatives,
    )


def _criteria(ctx: Context, out: Out, hold: Hold) -> None:
    """A hold only when the jurisdiction's criteria are met on the day it began (and then
    within the window); e.g. former Cal. Gov. Code §7282.5(a) (2014–2017)."""
    criteria = ctx.criteria
    if criteria is None:  # a Rulebook with a "criteria" regime always carries them
        raise ValueError("profile: a criteria hold regime needs the jurisdiction's criteria")
    outcome = criteria.met(ctx.state, hold.start.astimezone(ctx.zone).date())
    if outcome.eligible:
        _windowed(ctx, out, hold)
        return
    if outcome.eligible is None:
        out.finding(
            "REVIEW",
            f"{RULE}.criteria",
            kind="review",
            severity="warning",
            at=hold.start,
            ended_at=hold.end,
            anchor=hold.span.event_id,
            citation=criteria.citation,
            explanation=(
                "The jail held the person on a detainer past release; whether the person met "
                f"the criteria that allowed a hold is unclear: {outcome.text}."
            ),
            evidence=hold.evidence,
            act_at=hold.start,
        )
        return
    if too_short(ctx, hold, hold.start):
        return
    out.finding(
        "HOLD_NOT_ELIGIBLE",
        RULE,
        kind="violation",
        severity="high",
        at=hold.start,
        ended_at=hold.end,
        detainer_id=hold.detainers[0].detainer_id,
        anchor=hold.span.event_id,
        citation=ctx.profile.hold_citation,
        explanation=(
            f"The person was eligible for release at {ctx.local(hold.span.at)}, and the law "
            f"then allowed a detainer hold only for {criteria.condition} ({outcome.text}). "
            f"The jail kept custody {held_text(ctx, hold, hold.start)}."
        ),
        evidence=hold.evidence,
        act_at=hold.start,
    )


def _scheduled(ctx: Context, out: Out) -> None:
    """Before RE is known: the scheduled release is when a hold would begin."""
    state = ctx.state
    at = state.scheduled_release_at
    open_span = state.eligibility and state.eligibility[-1].revoked_at is None
    if at is None or open_span or not ctx.in_custody:
        return
    active = [d for d in state.detainers if d.active_at(ctx.as_of)]
    if not active:
        return
    forbidden: dict[str, Code] = {
        "zero": "HOLD_BARRED",
        "no_state_authority": "HOLD_NO_STATE_AUTHORITY",
    }
    code = forbidden.get(ctx.profile.hold_regime)
    if code is not None:
        out.deadline(at, code, f"{RULE}.scheduled", "scheduled release", hold=True)
        return
    if not any(asks_custody(d) for d in active):
        why = "scheduled release: no detainer in force asks the jail to keep custody"
        out.deadline(at, "HOLD_NOT_REQUESTED", f"{RULE}.scheduled", why, hold=True)
        return
    active = [d for d in active if asks_custody(d)]
    d, deadline = _governing(ctx, active, at)
    deadline = _capped(ctx, deadline, at)
    out.deadline(
        deadline.at,
        "HOLD_OVER_WINDOW",
        f"{RULE}.scheduled",
        f"hold limit if the person is released as scheduled: {deadline.window.why}",
        hold=True,
        detainer_id=d.detainer_id,
        act_at=at,
    )


REGIMES: dict[str, Callable[[Context, Out, Hold], None]] = {
    "zero": _barred,
    "no_state_authority": _no_state_authority,
    "window": _windowed,
    "criteria": _criteria,
}


def hold_rule(ctx: Context, out: Out) -> None:
    regime = ctx.profile.hold_regime
    judge = REGIMES[regime]
    for hold in holds(ctx):
        left: Hold | None = hold
        if regime in ("window", "criteria"):
            left = _unrequested(ctx, out, hold)
        if left is not None:
            judge(ctx, out, left)
    _scheduled(ctx, out)
