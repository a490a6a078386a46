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
from datetime import UTC, date, datetime, timedelta

from holdwatch.domain.state import Eligibility
from holdwatch.policy.core.acts import review_act
from holdwatch.policy.core.bars import IMMIGRATION_AUTHORITIES, Rule
from holdwatch.policy.core.context import JUDICIAL_ANY, Context, Out, duration_text
from holdwatch.policy.core.hold_span import holds
from holdwatch.policy.core.law import Law, Subject

#: the release rule's limit, in elapsed hours (UTC): across a clock change the wall clock
#: shows 5 or 7
LIMIT = timedelta(hours=6)
#: RE reasons the 6-hour rule covers: a personal-recognizance bond, a bond ready to post
BOND_REASONS = frozenset({"own_recognizance", "bond_posted"})


@dataclass(frozen=True, slots=True)
class ReleaseDuty:
    """A release duty's citation, and the versions (by first day) whose duties state it."""

    citation: str
    versions: frozenset[date]

    def in_force(self, ctx: Context) -> bool:
        """Whether the version judging this run states the duty."""
        return ctx.profile.version in self.versions


def duty_of(law: Law, subject: Subject, rule: str) -> ReleaseDuty | None:
    """The checked duty (`subject`, `rule`) of `law`, if any version states it with codes;
    it cites the latest version's text."""
    stated = [
        (v.valid_from, d.citation)
        for v in law.versions
        for d in v.duties
        if (d.subject, d.rule) == (subject, rule) and d.codes
    ]
    if not stated:
        return None
    return ReleaseDuty(stated[-1][1], frozenset(day for day, _ in stated))


def _open_span(ctx: Context) -> Eligibility | None:
    """The RE custody ended in: the last span no new local basis revoked."""
    spans = [s for s in ctx.state.eligibility if ctx.until(s.revoked_at) is None]
    return spans[-1] if spans else None


def _judicial_at(ctx: Context, by: datetime) -> datetime | None:
    warrant = ctx.warrant(JUDICIAL_ANY, by=by)
    return None if warrant is None else warrant.received_at


def _ended_by(ctx: Context, end: datetime | None) -> tuple[str, ...]:
    release = ctx.state.release
    return (release.event_id,) if release is not None and end == release.at else ()


def delay_rule(duty: ReleaseDuty) -> Rule:
    """RELEASE_DELAYED_FOR_ICE from RE when the person, kept past it, was let go to
    immigration officers; a REVIEW when ICE was only told of the release."""

    def release_delay_rule(ctx: Context, out: Out) -> None:
        release, span = ctx.state.release, _open_span(ctx)
        if release is None or ctx.custody_end is None or span is None:
            return
        if not duty.in_force(ctx) or release.at <= span.at:
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
                citation=duty.citation,
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
            citation=duty.citation,
            explanation=(
                f"The person was eligible for release at {ctx.local(span.at)}, was let go "
                f"{held} later, and ICE had been told of the release. Whether the delay was "
                "for immigration enforcement, which Colorado law bars, the record does not say."
            ),
            evidence=evidence,
        )

    return release_delay_rule


def time_limit_rule(duty: ReleaseDuty) -> Rule:
    """RELEASE_TIME_LIMIT_EXCEEDED 6 elapsed hours after a bond (RE, if the bond's instant
    is not given) when custody went on past it."""

    def release_time_limit_rule(ctx: Context, out: Out) -> None:
        if not duty.in_force(ctx):
            return
        for span in ctx.state.eligibility:
            if span.reason not in BOND_REASONS:
                continue
            start = (
                span.bond_at if span.bond_at is not None and span.bond_at <= span.at else span.at
            )
            due = start.astimezone(UTC) + LIMIT  # elapsed: counted in UTC
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
                f"the bond at {ctx.local(start)}"
                if start != span.at
                else f"release (RE) at {ctx.local(start)} (the bond's instant is not given)"
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
                citation=duty.citation,
                explanation=(
                    f"Release was due within 6 elapsed hours of {since}, so by "
                    f"{ctx.local(due)}. The jail kept custody {until}."
                ),
                evidence=[span.event_id, *_ended_by(ctx, end)],
            )

    return release_time_limit_rule


def release_time_rule(duty: ReleaseDuty) -> Rule:
    """A REVIEW at each release date or time given to ICE with no judge's warrant on file."""

    def release_time_told_rule(ctx: Context, out: Out) -> None:
        if not duty.in_force(ctx):
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
                duty.citation,
                f"At {ctx.local(t)} the jail told ICE the person's release date or time. "
                "Whether Colorado law (SB25-276) bars a jail from sharing it depends on the "
                "final text, which holdwatch has not read: a person must decide.",
            )

    return release_time_told_rule


def rules_of(law: Law) -> tuple[Rule, ...]:
    """The rules for the release duties `law` states, each run in the versions stating it."""
    no_delay = duty_of(law, "release_timing", "no_immigration_delay")
    time_limit = duty_of(law, "release_timing", "time_limit")
    release_time = duty_of(law, "release_notification", "unsettled")
    return (
        *((delay_rule(no_delay),) if no_delay else ()),
        *((time_limit_rule(time_limit),) if time_limit else ()),
        *((release_time_rule(release_time),) if release_time else ()),
    )
