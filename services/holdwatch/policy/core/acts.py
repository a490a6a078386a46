"""Findings on one act that more than one jurisdiction reports, and which request an act
answers: a REVIEW of a hand-over or a notification, an unauthorized notification.

A jurisdiction supplies the citation and the words; the shape of the finding (instant,
anchored on the act, its evidence) is the same everywhere.
"""

from __future__ import annotations

from datetime import datetime

from holdwatch.domain.state import IceContact, Release
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.profile import LocalPolicy


def review_act(
    out: Out, rule: str, at_event: str, when: datetime, citation: str, text: str
) -> None:
    """An act whose lawfulness a person must decide (REVIEW at the act's instant)."""
    out.finding(
        "REVIEW",
        rule,
        kind="review",
        severity="warning",
        at=when,
        instant=True,
        anchor=at_event,
        citation=citation,
        explanation=text,
        evidence=[at_event],
    )


def current_request(ctx: Context, contact: IceContact) -> str | None:
    """The notification request this contact answers, if one was current (scenario S35)."""
    t = contact.at
    candidates = [
        d
        for d in ctx.state.detainers
        if d.active_at(t) and "notify" in d.requests and not ctx.is_stale(d)
    ]
    if contact.in_response_to is not None:
        match = [d for d in candidates if d.detainer_id == contact.in_response_to]
        return match[0].detainer_id if match else None
    return candidates[0].detainer_id if candidates else None


def notify_unauthorized(
    ctx: Context,
    out: Out,
    contact: IceContact,
    rule: str,
    citation: str,
    why: str,
    policy: str | None = None,
) -> None:
    """NOTIFY_UNAUTHORIZED: information given to ICE that the law did not allow."""
    out.finding(
        "NOTIFY_UNAUTHORIZED",
        rule,
        kind="violation",
        severity="high",
        at=contact.at,
        instant=True,
        anchor=contact.event_id,
        policy=policy,
        citation=citation,
        explanation=why,
        evidence=[contact.event_id, *(d.event_id for d in ctx.state.detainers)],
    )


def transfer_against_local_policy(
    ctx: Context, out: Out, release: Release, local: LocalPolicy, why: str
) -> None:
    """TRANSFER_UNAUTHORIZED: a hand-over to immigration authorities that a local policy
    allows only on a judge's warrant, made without one; `why` ends the explanation."""
    t = release.at
    out.finding(
        "TRANSFER_UNAUTHORIZED",
        "transfer.local",
        kind="violation",
        severity="high",
        at=t,
        instant=True,
        anchor=release.event_id,
        policy=local.label,
        citation=local.citation,
        explanation=f"The person was handed to {release.to.upper()} at {ctx.local(t)} {why}",
        evidence=[release.event_id, *(d.event_id for d in ctx.state.detainers)],
    )
