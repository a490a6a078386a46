"""California Values Act rules on acts other than the hold (Gov. Code §7284.6).

- Transfer to immigration authorities only on a judicial warrant or judicial probable-cause
  determination, or per §7282.5(a) — §7284.6(a)(4).
- Release dates only when public, or in response to a notification request per §7282.5;
  personal information only when public — §7284.6(a)(1)(C), (D). Criminal history may be
  shared — §7284.6(b)(2).
- No 287(g) or Warrant Service Officer activity, no arrests on civil warrants —
  §7284.6(a)(1)(E), (a)(1)(G), (a)(2).
A stricter local overlay (`profile.local`) is checked after state law.
"""

from __future__ import annotations

from holdwatch.domain.state import IceContact, Release
from holdwatch.policy.ca import section_7282_5
from holdwatch.policy.core.acts import (
    current_request,
    notify_unauthorized,
    review_act,
    transfer_against_local_policy,
)
from holdwatch.policy.core.bars import NOT_ACTIVITY
from holdwatch.policy.core.context import JUDICIAL_ANY, JUDICIAL_IMMIGRATION, Context, Out

IMMIGRATION_AUTHORITIES = frozenset({"ice", "cbp"})
#: cited when whether §7282.5 allowed an act is unclear.
REVIEW_CITATION = "Cal. Gov. Code §7282.5"


def _transfer_to_ice(ctx: Context, out: Out, release: Release) -> None:
    t = release.at
    warrant = ctx.warrant(JUDICIAL_IMMIGRATION, by=t)
    local = ctx.profile.local
    if warrant is not None:
        return
    outcome = section_7282_5.subdivision_a(ctx.state, t.astimezone(ctx.zone).date())
    evidence = [release.event_id, *(d.event_id for d in ctx.state.detainers)]
    if (
        outcome.eligible
        and local
        and local.in_force(t)
        and local.transfer_requires_judicial_warrant
    ):
        why = (
            "without a judicial warrant. State law would allow it (the person "
            f"{outcome.text}), but local policy allows transfers only on a judicial warrant."
        )
        transfer_against_local_policy(ctx, out, release, local, why)
        return
    if outcome.eligible:
        return
    if outcome.eligible is None:
        review_act(
            out,
            "transfer.review",
            release.event_id,
            t,
            REVIEW_CITATION,
            f"The person was handed to {release.to.upper()} at {ctx.local(t)} with no judicial "
            f"warrant; whether §7282.5(a) allowed it is unclear: {outcome.text}.",
        )
        return
    b = section_7282_5.subdivision_b(ctx.state, by=t)
    evidence += [o.event_id for o in ctx.state.held_to_answer]
    if b.eligible:
        out.finding(
            "TRANSFER_ON_7282_5B_ONLY",
            "transfer",
            kind="violation",
            severity="high",
            at=t,
            instant=True,
            anchor=release.event_id,
            citation="Cal. Gov. Code §7284.6(a)(4); §7282.5(b)",
            explanation=(
                f"The person was handed to {release.to.upper()} at {ctx.local(t)}. The only "
                "basis on file is a magistrate's holding order (§7282.5(b)), which allows "
                "a release-date notification but never a transfer."
            ),
            evidence=evidence,
        )
        return
    out.finding(
        "TRANSFER_UNAUTHORIZED",
        "transfer",
        kind="violation",
        severity="high",
        at=t,
        instant=True,
        anchor=release.event_id,
        citation="Cal. Gov. Code §7284.6(a)(4)",
        explanation=(
            f"The person was handed to {release.to.upper()} at {ctx.local(t)} with no judicial "
            f"warrant or judicial probable-cause determination, and the person does not meet "
            f"§7282.5(a): {outcome.text}."
        ),
        evidence=evidence,
    )


def transfer_rule(ctx: Context, out: Out) -> None:
    release = ctx.state.release
    if release is None or ctx.custody_end is None:
        return
    if release.to in IMMIGRATION_AUTHORITIES:
        _transfer_to_ice(ctx, out, release)
    elif release.to == "us_marshals" and ctx.state.detainers:  # noqa: SIM102
        if ctx.warrant(JUDICIAL_ANY, by=release.at) is None:
            review_act(
                out,
                "transfer.marshals",
                release.event_id,
                release.at,
                REVIEW_CITATION,
                f"The person, subject to an ICE detainer, was handed to the U.S. Marshals at "
                f"{ctx.local(release.at)} with no federal criminal warrant on file; if the "
                "Marshals acted for immigration enforcement this is a §7284.6(a)(4) transfer.",
            )


def _release_date(ctx: Context, out: Out, contact: IceContact) -> None:
    t = contact.at
    when = ctx.local(t)
    request = current_request(ctx, contact)
    if request is None:
        notify_unauthorized(
            ctx,
            out,
            contact,
            "notify",
            "Cal. Gov. Code §7284.6(a)(1)(C)",
            f"At {when} the jail gave ICE release information without a current notification "
            "request from ICE for this custody; an unsolicited notice is not a response "
            "'in accordance with Section 7282.5'.",
        )
        return
    a = section_7282_5.subdivision_a(ctx.state, t.astimezone(ctx.zone).date())
    b = section_7282_5.subdivision_b(ctx.state, by=t)
    local = ctx.profile.local
    if (
        (a.eligible or b.eligible)
        and local
        and local.in_force(t)
        and local.bars_release_notification
    ):
        notify_unauthorized(
            ctx,
            out,
            contact,
            "notify.local",
            local.citation,
            f"At {when} the jail gave ICE the release date. State law would allow it, but "
            "local policy bars release-date notifications to immigration authorities.",
            policy=local.label,
        )
        return
    if a.eligible or b.eligible:
        return
    if (
        ctx.warrant(JUDICIAL_IMMIGRATION, by=t) is not None
        or a.eligible is None
        or b.eligible is None
    ):
        unclear = "; ".join(x for x in (a.text, b.text) if x)
        review_act(
            out,
            "notify.review",
            contact.event_id,
            t,
            REVIEW_CITATION,
            f"At {when} the jail gave ICE the release date in response to detainer {request}; "
            f"whether §7282.5 allowed it is unclear: {unclear}.",
        )
        return
    notify_unauthorized(
        ctx,
        out,
        contact,
        "notify",
        "Cal. Gov. Code §7284.6(a)(1)(C)",
        f"At {when} the jail gave ICE the release date. The person does not meet §7282.5(a) "
        f"({a.text}) and no magistrate held the person to answer on a qualifying felony "
        "(§7282.5(b)).",
    )


def notify_rule(ctx: Context, out: Out) -> None:
    for contact in ctx.state.contacts:
        if contact.at > ctx.as_of or contact.publicly_available:
            continue
        if contact.information == "release_date":
            _release_date(ctx, out, contact)
        elif contact.information == "personal_information":
            notify_unauthorized(
                ctx,
                out,
                contact,
                "notify.personal",
                "Cal. Gov. Code §7284.6(a)(1)(D)",
                f"At {ctx.local(contact.at)} the jail gave ICE personal information that is not "
                "available to the public.",
            )


def wso_rule(ctx: Context, out: Out) -> None:
    """Every WSO/287(g) act is barred (ending an agreement is not one); an arrest is also
    an arrest on a civil warrant."""
    for act in ctx.state.wso:
        if act.at > ctx.as_of or act.action in NOT_ACTIVITY:
            continue
        what = act.action.replace("_", " ")
        out.finding(
            "WSO_287G_BARRED",
            "wso",
            kind="violation",
            severity="high",
            at=act.at,
            instant=True,
            anchor=act.event_id,
            citation="Cal. Gov. Code §7284.6(a)(1)(G), (a)(2)",
            explanation=(
                f"Warrant Service Officer / 287(g) activity ({what}) at {ctx.local(act.at)}: "
                "California agencies may not perform immigration officers' functions or "
                "deputize officers for immigration enforcement."
            ),
            evidence=[act.event_id],
        )
        if act.action == "arrest":
            out.finding(
                "CIVIL_WARRANT_ARREST",
                "wso.arrest",
                kind="violation",
                severity="high",
                at=act.at,
                instant=True,
                anchor=act.event_id,
                citation="Cal. Gov. Code §7284.6(a)(1)(E)",
                explanation=(
                    f"A local officer arrested someone for ICE at {ctx.local(act.at)} on an "
                    "administrative (civil) immigration warrant, which California bars."
                ),
                evidence=[act.event_id],
            )
