"""Rules every profile runs: what the detainer itself shows, and citizenship claims.

- GONZALEZ_DB_ONLY, GONZALEZ_SETTLEMENT_HOLD_REQUEST: what Gonzalez v. ICE says of the
  detainer, by where and when it was issued (`core.gonzalez`).
- NO_ADMIN_WARRANT: no I-200/I-205 with the detainer (ICE Policy 10074.2).
- NO_JUDICIAL_WARRANT: where the law makes a judicial warrant the condition for holding
  or transferring, tell the defender early that no judge has authorized either.
- USC_CLAIM: a citizenship or status claim while a detainer is on file (Galarza; Morales).
- REVIEW: a form whose hold window cannot be known.
"""

from __future__ import annotations

from datetime import datetime

from holdwatch.domain.state import Detainer
from holdwatch.policy.core.context import JUDICIAL_IMMIGRATION, Context, Out
from holdwatch.policy.core.gonzalez import gonzalez_rule, settlement_rule

ADMIN_WARRANT_FORMS = frozenset({"I-200", "I-205"})


def _admin_warrant_at(ctx: Context, d: Detainer) -> datetime | None:
    return next(
        (
            w.received_at
            for w in ctx.state.warrants
            if w.kind == "administrative" and w.form in ADMIN_WARRANT_FORMS
        ),
        None,
    )


def admin_warrant_rule(ctx: Context, out: Out) -> None:
    for d in ctx.state.detainers:
        if d.attached_warrant != "none" or d.received_at > ctx.as_of:
            continue
        cured = _admin_warrant_at(ctx, d)
        if cured is not None and cured <= d.received_at:
            continue
        end = ctx.until(cured) or ctx.custody_end
        out.finding(
            "NO_ADMIN_WARRANT",
            "admin_warrant",
            kind="advisory",
            severity="info",
            at=d.received_at,
            ended_at=end,
            detainer_id=d.detainer_id,
            anchor=d.event_id,
            citation="ICE Policy 10074.2 (2017)",
            explanation=(
                f"Detainer {d.detainer_id} came with no I-200 or I-205 warrant, which ICE's own "
                "policy requires; no officer, let alone a judge, signed an arrest warrant."
            ),
            evidence=[d.event_id],
        )


def judicial_warrant_rule(ctx: Context, out: Out) -> None:
    if not ctx.profile.judicial_warrant_condition:
        return
    for d in ctx.state.detainers:
        at = ctx.effective_receipt(d)
        if at > ctx.as_of or ctx.is_stale(d):
            continue
        warrant = ctx.warrant(JUDICIAL_IMMIGRATION)
        if warrant is not None and warrant.received_at <= at:
            continue
        out.finding(
            "NO_JUDICIAL_WARRANT",
            "judicial_warrant",
            kind="advisory",
            severity="info",
            at=at,
            ended_at=ctx.until(warrant.received_at if warrant else None) or ctx.custody_end,
            detainer_id=d.detainer_id,
            anchor=d.event_id,
            citation=ctx.profile.hold_citation,
            explanation=(
                f"Detainer {d.detainer_id} ({d.form}) has no judicial warrant: no judge has "
                "authorized holding this person or handing them to ICE."
            ),
            evidence=[d.event_id],
        )


def citizenship_rule(ctx: Context, out: Out) -> None:
    for claim in ctx.state.claims:
        lodged = [
            d for d in ctx.state.detainers if d.cancelled_at is None or d.cancelled_at > claim.at
        ]
        if not lodged or claim.at > ctx.as_of:
            continue
        at = max(claim.at, min(ctx.effective_receipt(d) for d in lodged))
        if at > ctx.as_of:
            continue
        what = "U.S. citizenship" if claim.kind == "us_citizen" else "lawful immigration status"
        out.finding(
            "USC_CLAIM",
            "citizenship",
            kind="advisory",
            severity="high",
            at=at,
            ended_at=ctx.custody_end,
            detainer_id=lodged[0].detainer_id,
            anchor=claim.event_id,
            citation="Morales v. Chadbourne, 793 F.3d 208 (1st Cir. 2015); "
            "Galarza v. Szalczyk, 745 F.3d 634 (3d Cir. 2014)",
            explanation=(
                f"The person claimed {what} at {ctx.local(claim.at)}"
                + (" and evidence was logged" if claim.with_evidence else "")
                + f" while detainer {lodged[0].detainer_id} was lodged. Ask ICE to cancel it; "
                "holding a citizen on a detainer is a seizure without probable cause."
            ),
            evidence=[claim.event_id, *(d.event_id for d in lodged)],
        )


def form_rule(ctx: Context, out: Out) -> None:
    for d in ctx.state.detainers:
        if d.form not in ("other", "I-203") or d.received_at > ctx.as_of:
            continue
        out.finding(
            "REVIEW",
            "form",
            kind="review",
            severity="warning",
            at=d.received_at,
            instant=True,
            detainer_id=d.detainer_id,
            anchor=d.event_id,
            citation="8 C.F.R. §287.7",
            explanation=(
                f"Detainer {d.detainer_id} is on form {d.form}; what it asks for and how long "
                "it may hold cannot be read from the form. A person must read it."
            ),
            evidence=[d.event_id],
        )


COMMON = (
    gonzalez_rule,
    settlement_rule,
    admin_warrant_rule,
    judicial_warrant_rule,
    citizenship_rule,
    form_rule,
)
