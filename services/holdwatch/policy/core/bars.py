"""Acts a jurisdiction bars outright besides the hold: 287(g)/WSO activity, telling ICE a
release date or non-public personal information, handing the person to ICE without a
judge's warrant. The jurisdiction gives each bar its citation from its law data (`Bars`);
the shape of the finding is the same everywhere.

A bar's rule runs only in a version of the law whose duties list its code, so a law whose
later version adds a bar judges earlier acts without it. A local overlay in force
(`profile.local`, e.g. Cook County's ordinance) that bars the same act is cited with the
state law: one act, one finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.findings import Code
from holdwatch.policy.core.acts import notify_unauthorized
from holdwatch.policy.core.context import JUDICIAL_ANY, Context, Out
from holdwatch.policy.core.law import Version

Rule = Callable[[Context, Out], None]
IMMIGRATION_AUTHORITIES = frozenset({"ice", "cbp"})
#: Ending an agreement is what a ban asks for, not 287(g) activity: never flagged.
NOT_ACTIVITY = frozenset({"agreement_ended"})


@dataclass(frozen=True, slots=True)
class Bars:
    """What a jurisdiction bars, each with the citation a finding gives (None: not barred)."""

    #: the law's name in a defender's sentence: "Washington law"
    law: str
    wso: str | None = None
    notify: str | None = None
    transfer: str | None = None


def bars_of(law: str, version: Version) -> Bars:
    """The bars a version's duties state: 287(g) `banned`, release notification `barred`,
    transfer only on a `judicial_warrant`; each cites its duty."""

    def cite(subject: str, rule: str) -> str | None:
        duty = next((d for d in version.duties if d.subject == subject), None)
        return duty.citation if duty is not None and duty.rule == rule else None

    return Bars(
        law,
        wso=cite("agreement_287g", "banned"),
        notify=cite("release_notification", "barred"),
        transfer=cite("transfer", "judicial_warrant"),
    )


def rules_of(bars: Bars) -> tuple[Rule, ...]:
    """The rules for the bars set, in the order findings read best."""
    return (
        *((transfer_barred(bars),) if bars.transfer else ()),
        *((notify_barred(bars),) if bars.notify else ()),
        *((wso_barred(bars),) if bars.wso else ()),
    )


def _listed(ctx: Context, code: Code) -> bool:
    """Whether the version in force lists `code` among its duties' codes."""
    return any(c == code for c, _ in ctx.profile.evidence)


def _cite(ctx: Context, citation: str, t: datetime, act: str) -> str:
    local = ctx.profile.local
    if local is None or not local.in_force(t):
        return citation
    bars = (
        local.bars_release_notification
        if act == "notify"
        else local.transfer_requires_judicial_warrant
    )
    return f"{citation}; {local.citation}" if bars else citation


def wso_barred(bars: Bars) -> Rule:
    """Every 287(g)/WSO act is barred where the law bans the agreements (asking for one,
    signing one, any work under one); ending one is not flagged."""
    citation = bars.wso
    if citation is None:
        raise ValueError(f"profile: {bars.law} bars no 287(g) activity")

    def wso_rule(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "WSO_287G_BARRED"):
            return
        for act in ctx.state.wso:
            if act.at > ctx.as_of or act.action in NOT_ACTIVITY:
                continue
            out.finding(
                "WSO_287G_BARRED",
                "wso",
                kind="violation",
                severity="high",
                at=act.at,
                instant=True,
                anchor=act.event_id,
                citation=citation,
                explanation=(
                    f"Warrant Service Officer / 287(g) activity ({act.action.replace('_', ' ')}) "
                    f"at {ctx.local(act.at)}: {bars.law} bars 287(g) and similar agreements."
                ),
                evidence=[act.event_id],
            )

    return wso_rule


def notify_barred(bars: Bars) -> Rule:
    """A release date or non-public personal information given to ICE with no judge's
    warrant on file. Information the jail makes public, and criminal history, are not
    flagged: no false alert where the law's exceptions are unverified."""
    citation = bars.notify
    if citation is None:
        raise ValueError(f"profile: {bars.law} bars no notification")

    def notify_rule(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "NOTIFY_UNAUTHORIZED"):
            return
        for contact in ctx.state.contacts:
            t = contact.at
            if t > ctx.as_of or contact.publicly_available:
                continue
            if contact.information not in ("release_date", "personal_information"):
                continue
            if ctx.warrant(JUDICIAL_ANY, by=t) is not None:
                continue
            what = contact.information.replace("_", " ")
            notify_unauthorized(
                ctx,
                out,
                contact,
                "notify",
                _cite(ctx, citation, t, "notify"),
                f"At {ctx.local(t)} the jail gave ICE the person's {what}, which {bars.law} "
                "bars without a judge's warrant or order; none was on file.",
            )

    return notify_rule


def transfer_barred(bars: Bars) -> Rule:
    """A hand-over to ICE or CBP with no judge-signed warrant on file."""
    citation = bars.transfer
    if citation is None:
        raise ValueError(f"profile: {bars.law} bars no transfer")

    def transfer_rule(ctx: Context, out: Out) -> None:
        release = ctx.state.release
        if release is None or ctx.custody_end is None or not _listed(ctx, "TRANSFER_UNAUTHORIZED"):
            return
        if release.to not in IMMIGRATION_AUTHORITIES:
            return
        t = release.at
        if ctx.warrant(JUDICIAL_ANY, by=t) is not None:
            return
        out.finding(
            "TRANSFER_UNAUTHORIZED",
            "transfer",
            kind="violation",
            severity="high",
            at=t,
            instant=True,
            anchor=release.event_id,
            citation=_cite(ctx, citation, t, "transfer"),
            explanation=(
                f"The person was handed to {release.to.upper()} at {ctx.local(t)} with no "
                f"judge's warrant or order on file, which {bars.law} requires."
            ),
            evidence=[release.event_id, *(d.event_id for d in ctx.state.detainers)],
        )

    return transfer_rule
