"""TRUTH Act duties (Gov. Code §7283.1) and their CDCR counterpart (§7284.10(a)).

The statute sets no hour deadline, so each duty has two instants (`holdwatch law show`):
- hard: ICE access (or, for the release notice, release or transfer) before the notice —
  a violation of the statute's order of events;
- soft: a service level after the trigger (default 24 h, borrowed from SB 1364 (2020),
  which was not enacted) — policy, reported as an advisory.
When the hard instant comes first the soft one is moot and is not reported (S03).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from holdwatch.domain.findings import Code
from holdwatch.domain.state import Detainer, IceContact, Notice
from holdwatch.domain.timecalc import shift
from holdwatch.policy.core.context import Context, Out, duration_text

SLA_NOTE = "the 24-hour service level is holdwatch policy (SB 1364 (2020) proposed it; not enacted)"


def _ice_access(ctx: Context, since: datetime) -> list[tuple[datetime, str, str]]:
    """ICE access after `since` (§7283(d)): release information, interviews, hand-overs."""
    state = ctx.state
    acts: list[tuple[datetime, str, str]] = [
        (c.at, f"the jail gave ICE {c.information.replace('_', ' ')}", c.event_id)
        for c in state.contacts
        if c.information != "criminal_history" and not c.publicly_available
    ]
    acts += [(i.at, "ICE interviewed the person", i.event_id) for i in state.interviews]
    release = state.release
    if release is not None and release.to in ("ice", "cbp"):
        acts.append(
            (release.at, f"the person was handed to {release.to.upper()}", release.event_id)
        )
    return sorted(a for a in acts if since <= a[0] <= ctx.as_of)


def _soft_and_hard(
    ctx: Context,
    out: Out,
    code: Code,
    rule: str,
    *,
    trigger: datetime,
    given: datetime | None,
    hard: tuple[datetime, str, str] | None,
    citation: str,
    duty: str,
    detainer_id: str | None,
    evidence: Iterable[str],
) -> None:
    evidence = list(evidence)
    soft_at = shift(trigger, ctx.profile.params.truth_sla)
    if hard is not None:
        at, what, event_id = hard
        out.finding(
            code,
            f"{rule}.hard",
            kind="violation",
            severity="warning",
            at=at,
            instant=True,
            detainer_id=detainer_id,
            anchor=event_id,
            citation=citation,
            explanation=f"{what.capitalize()} at {ctx.local(at)} before {duty}.",
            evidence=[*evidence, event_id],
        )
        if at <= soft_at:
            return
    late = given is None or given > soft_at
    if not late or soft_at > ctx.as_of:
        if given is None and ctx.in_custody:
            out.deadline(
                soft_at, code, f"{rule}.soft", f"service level for {duty}", detainer_id=detainer_id
            )
        return
    end = ctx.until(given) or ctx.custody_end
    waited = (
        "" if end is None else f" ({duration_text(int((end - trigger).total_seconds()))} after)"
    )
    done = (
        f"given at {ctx.local(given)}{waited}"
        if given is not None and given <= ctx.as_of
        else "not given"
    )
    out.finding(
        code,
        f"{rule}.soft",
        kind="advisory",
        severity="info",
        at=soft_at,
        ended_at=end,
        detainer_id=detainer_id,
        anchor=rule,
        citation=f"{citation} ({SLA_NOTE})",
        explanation=(
            f"{duty[0].upper()}{duty[1:]} was {done}; the service level ran out at "
            f"{ctx.local(soft_at)}."
        ),
        evidence=evidence,
    )


def _copy_given(ctx: Context, d: Detainer) -> Notice | None:
    return next(
        (
            n
            for n in ctx.state.notices
            if n.notice == "request_copy"
            and "subject" in n.recipients
            and n.detainer_id in (None, d.detainer_id)
            and n.at <= ctx.as_of
        ),
        None,
    )


def copy_rule(ctx: Context, out: Out, citation: str = "Cal. Gov. Code §7283.1(b)") -> None:
    """A copy of each request, and whether the agency will comply, given to the person."""
    for d in ctx.state.detainers:
        if ctx.is_stale(d) or d.received_at > ctx.as_of:
            continue
        receipt = ctx.effective_receipt(d)
        notice = _copy_given(ctx, d)
        given = notice.at if notice else None
        access = [a for a in _ice_access(ctx, receipt) if given is None or a[0] < given]
        _soft_and_hard(
            ctx,
            out,
            "TRUTH_COPY_MISSING",
            f"truth.copy.{d.detainer_id}",
            trigger=receipt,
            given=given,
            hard=access[0] if access else None,
            citation=citation,
            duty=f"the person received a copy of detainer {d.detainer_id} and the agency's "
            "statement of whether it intends to comply",
            detainer_id=d.detainer_id,
            evidence=[d.event_id] + ([notice.event_id] if notice else []),
        )
        _contradiction(ctx, out, d, notice)


def cdcr_copy_rule(ctx: Context, out: Out) -> None:
    copy_rule(ctx, out, citation="Cal. Gov. Code §7284.10(a)(2)")


def _contradiction(ctx: Context, out: Out, d: Detainer, notice: Notice | None) -> None:
    """The agency said it would not comply, then gave ICE access anyway (scenario S01)."""
    if notice is None or notice.intends_to_comply is not False:
        return
    access = [a for a in _ice_access(ctx, notice.at) if "criminal" not in a[1]]
    if not access:
        return
    at, what, event_id = access[0]
    out.finding(
        "REVIEW",
        f"truth.intent.{d.detainer_id}",
        kind="review",
        severity="warning",
        at=at,
        instant=True,
        detainer_id=d.detainer_id,
        anchor=event_id,
        citation="Cal. Gov. Code §7283.1(b)",
        explanation=(
            f"The agency told the person it would not comply with detainer {d.detainer_id}, "
            f"but {what} at {ctx.local(at)}."
        ),
        evidence=[notice.event_id, event_id],
    )


def _release_notice(ctx: Context, contact: IceContact) -> Notice | None:
    return next(
        (
            n
            for n in ctx.state.notices
            if n.notice == "release_notification"
            and n.at >= contact.at
            and n.at <= ctx.as_of
            and "subject" in n.recipients
            and n.recipients & {"attorney", "designee"}
        ),
        None,
    )


def release_notice_rule(ctx: Context, out: Out) -> None:
    """ICE told of a release date: the person and attorney/designee told too, promptly."""
    for contact in ctx.state.contacts:
        if contact.information != "release_date" or contact.at > ctx.as_of:
            continue
        notice = _release_notice(ctx, contact)
        if notice is not None and notice.at <= shift(contact.at, ctx.profile.params.truth_sla):
            continue
        release = ctx.state.release
        hard = None
        if (
            release is not None
            and ctx.custody_end is not None
            and (notice is None or release.at < notice.at)
        ):
            hard = (release.at, f"custody ended ({release.to.replace('_', ' ')})", release.event_id)
        _soft_and_hard(
            ctx,
            out,
            "TRUTH_RELEASE_NOTICE_MISSING",
            "truth.release_notice",
            trigger=contact.at,
            given=notice.at if notice else None,
            hard=hard,
            citation="Cal. Gov. Code §7283.1(b)",
            duty="the person and their attorney or designee received the same release "
            "notification in writing",
            detainer_id=contact.in_response_to,
            evidence=[contact.event_id] + ([notice.event_id] if notice else []),
        )
        return  # one unanswered notification is enough to report


def interview_rule(ctx: Context, out: Out, citation: str = "Cal. Gov. Code §7283.1(a)") -> None:
    """A written consent form before any ICE interview; the interview is voluntary."""
    for interview in ctx.state.interviews:
        if interview.at > ctx.as_of:
            continue
        form_before = interview.consent_form_given or any(
            n.notice == "interview_consent" and n.at <= interview.at for n in ctx.state.notices
        )
        if form_before and interview.consented:
            continue
        why = (
            "without first giving the written consent form"
            if not form_before
            else "although the person did not consent"
        )
        out.finding(
            "TRUTH_INTERVIEW_NO_CONSENT",
            "truth.interview",
            kind="violation",
            severity="high",
            at=interview.at,
            instant=True,
            anchor=interview.event_id,
            citation=citation,
            explanation=f"ICE interviewed the person at {ctx.local(interview.at)} {why}.",
            evidence=[interview.event_id],
        )


def cdcr_interview_rule(ctx: Context, out: Out) -> None:
    interview_rule(ctx, out, citation="Cal. Gov. Code §7284.10(a)(1)")
