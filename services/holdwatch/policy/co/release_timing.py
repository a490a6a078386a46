"""Colorado's release duties: no delay of release for immigration enforcement (SB25-276),
the 6-hour release rule after a bond, and release times told to ICE (unsettled: REVIEW).

Whether a delay was "for the purpose of an immigration enforcement operation" is rarely
written in a jail's records, so holdwatch reads it only where the contract shows it: custody
went on past RE and the person was then let go to immigration officers (`to` ICE or CBP, or
`immigration_present`). Where ICE was told of the release but nothing shows they took the
person, a person decides (REVIEW); otherwise nothing is said. A delay while a detainer is on
file is the barred hold itself (`core.holds`), reported once, as HOLD_BARRED.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from holdwatch.domain.findings import Code
from holdwatch.domain.state import Eligibility
from holdwatch.policy.core.acts import review_act
from holdwatch.policy.core.bars import IMMIGRATION_AUTHORITIES, Rule
from holdwatch.policy.core.context import JUDICIAL_ANY, Context, Out, duration_text
from holdwatch.policy.core.holds import holds
from holdwatch.policy.core.law import Version

#: the release rule's limit, in elapsed hours (UTC): across a clock change the wall clock
#: shows 5 or 7
LIMIT = timedelta(hours=6)
#: RE reasons the 6-hour rule covers: a personal-recognizance bond, a bond ready to post
BOND_REASONS = frozenset({"own_recognizance", "bond_posted"})


@dataclass(frozen=True, slots=True)
class ReleaseTiming:
    """The citations of a version's release duties (None: the version has no such duty)."""

    no_delay: str | None
    time_limit: str | None
    release_time: str | None


def release_timing_of(version: Version) -> ReleaseTiming:
    def cite(subject: str, rule: str) -> str | None:
        duty = next((d for d in version.duties if (d.subject, d.rule) == (subject, rule)), None)
        return duty.citation if duty is not None and duty.codes else None

    return ReleaseTiming(
        no_delay=cite("release_timing", "no_immigration_delay"),
        time_limit=cite("release_timing", "time_limit"),
        release_time=cite("release_notification", "unsettled"),
    )


def _listed(ctx: Context, code: Code) -> bool:
    """Whether the version in force raises `code` (earlier versions check nothing here)."""
    return any(c == code for c, _ in ctx.profile.evidence)


def _open_span(ctx: Context) -> Eligibility | None:
    """The RE custody ended in: the last span no new local basis revoked."""
    spans = [s for s in ctx.state.eligibility if ctx.until(s.revoked_at) is None]
    return spans[-1] if spans else None


def _judicial_at(ctx: Context, by: datetime) -> datetime | None:
    warrant = ctx.warrant(JUDICIAL_ANY, by=by)
    return None if warrant is None else warrant.received_at


def delay_rule(citation: str) -> Rule:
    """RELEASE_DELAYED_FOR_ICE from RE when the person, kept past it, was let go to
    immigration officers; a REVIEW when ICE was only told of the release."""

    def release_delay_rule(ctx: Context, out: Out) -> None:
        release, span = ctx.state.release, _open_span(ctx)
        if release is None or ctx.custody_end is None or span is None:
            return
        if not _listed(ctx, "RELEASE_DELAYED_FOR_ICE") or release.at <= span.at:
            return
        if any(h.span.event_id == span.event_id for h in holds(ctx)):
            return  # custody on a detainer: the hold rule reports it
        judicial = _judicial_at(ctx, release.at)
        end = release.at if judicial is None else min(release.at, judicial)
        if end <= span.at:
            return  # custody rests on a judge's warrant from RE on
        told = [
            c for c in ctx.state.contacts if c.at <= release.at and c.information == "release_date"
        ]
        to_immigration = release.to in IMMIGRATION_AUTHORITIES or bool(release.immigration_present)
        if not (to_immigration or told):
            return
        held = duration_text(int((end - span.at).total_seconds()))
        evidence = [span.event_id, release.event_id, *(c.event_id for c in told)]
        if to_immigration:
            whom = (
                release.to.upper()
                if release.to in IMMIGRATION_AUTHORITIES
                else "immigration officers waiting for them"
            )
            out.finding(
                "RELEASE_DELAYED_FOR_ICE",
                "release.delay",
                kind="violation",
                severity="high",
                at=span.at,
                ended_at=end,
                anchor=span.event_id,
                citation=citation,
                explanation=(
                    f"The person was eligible for release at {ctx.local(span.at)} "
                    f"({span.reason.replace('_', ' ')}), but the jail kept custody {held} "
                    f"longer and let them go at {ctx.local(release.at)} to {whom}. Colorado "
                    "law bars delaying a release for immigration enforcement, even within the "
                    "time a release may otherwise take."
                ),
                evidence=evidence,
            )
            return
        out.finding(
            "REVIEW",
            "release.delay",
            kind="review",
            severity="warning",
            at=span.at,
            ended_at=end,
            anchor=span.event_id,
            citation=citation,
            explanation=(
                f"The person was eligible for release at {ctx.local(span.at)}, was let go "
                f"{held} later, and ICE had been told of the release. Whether the delay was "
                "for immigration enforcement, which Colorado law bars, the record does not say."
            ),
            evidence=evidence,
        )

    return release_delay_rule


def time_limit_rule(citation: str) -> Rule:
    """RELEASE_TIME_LIMIT_EXCEEDED 6 elapsed hours after a bond (RE, if the bond's instant
    is not given) when custody went on past it."""

    def release_time_limit_rule(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "RELEASE_TIME_LIMIT_EXCEEDED"):
            return
        for span in ctx.state.eligibility:
            if span.reason not in BOND_REASONS:
                continue
            start = (
                span.bond_at if span.bond_at is not None and span.bond_at <= span.at else span.at
            )
            due = (start.astimezone(UTC) + LIMIT).astimezone(start.tzinfo)
            stops = [t for t in (ctx.until(span.revoked_at), ctx.custody_end) if t is not None]
            judicial = _judicial_at(ctx, ctx.as_of)
            if judicial is not None and judicial >= start:
                stops.append(judicial)
            end = min(stops) if stops else None
            if end is not None and end <= due:
                continue
            if ctx.as_of < due:
                what = "the 6 hours after the bond end" if start != span.at else "6 hours after RE"
                out.deadline(due, "RELEASE_TIME_LIMIT_EXCEEDED", "release.time_limit", what)
                continue
            since = (
                "the bond" if start != span.at else "release (RE); the bond's instant is not given"
            )
            until = (
                f"until {ctx.local(end)}, {duration_text(int((end - due).total_seconds()))} late"
                if end is not None
                else f"and is still held as of {ctx.local(ctx.as_of)}"
            )
            out.finding(
                "RELEASE_TIME_LIMIT_EXCEEDED",
                "release.time_limit",
                kind="violation",
                severity="high",
                at=due,
                ended_at=end,
                anchor=span.event_id,
                citation=citation,
                explanation=(
                    f"Release was due within 6 elapsed hours of {since} at "
                    f"{ctx.local(start)}, so by {ctx.local(due)}. The jail kept custody {until}."
                ),
                evidence=[
                    span.event_id,
                    *(
                        ()
                        if end is None or ctx.state.release is None
                        else (ctx.state.release.event_id,)
                    ),
                ],
            )

    return release_time_limit_rule


def release_time_rule(citation: str) -> Rule:
    """A REVIEW at each release date or time given to ICE with no judge's warrant on file."""

    def release_time_told_rule(ctx: Context, out: Out) -> None:
        if not _listed(ctx, "REVIEW"):
            return
        for contact in ctx.state.contacts:
            t = contact.at
            if t > ctx.as_of or contact.publicly_available or contact.information != "release_date":
                continue
            if _judicial_at(ctx, t) is not None:
                continue
            review_act(
                out,
                "notify",
                contact.event_id,
                t,
                citation,
                f"At {ctx.local(t)} the jail told ICE the person's release date or time. "
                "Whether Colorado law (SB25-276) bars a jail from sharing it depends on the "
                "final text, which holdwatch has not read: a person must decide.",
            )

    return release_time_told_rule


def rules_of(timing: ReleaseTiming) -> tuple[Rule, ...]:
    return (
        *((delay_rule(timing.no_delay),) if timing.no_delay else ()),
        *((time_limit_rule(timing.time_limit),) if timing.time_limit else ()),
        *((release_time_rule(timing.release_time),) if timing.release_time else ()),
    )
