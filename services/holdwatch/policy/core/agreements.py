"""A state's duty that an agency have a 287(g) agreement, judged on the agency's own record.

Texas SB 8 (2025) and Florida §908.11 require the sheriff of a county that runs a jail to
have an agreement with ICE; the finding is about the agency, not a booking (`booking_id`
absent). Agreements reach holdwatch as agency-level `wso.activity` events:
`agreement_requested`, `agreement_signed`, `agreement_ended`; any other 287(g) act
(an officer designated, a warrant served, an arrest) also shows an agreement in force.

The duty is met at an instant when an agreement is in force then, or, where the law is read
so (Texas: "request and enter into", and entry depends on ICE), when the agency asked for
one within the year before (a request lapses at 00:00 local on its anniversary, when the
law's annual re-request falls due). From the compliance instant on, every stretch of time
the duty is not met is one finding, from the instant it began (the compliance instant, an
agreement's end, a request's lapse) to the instant it was met again. An agency the
agencies file declares as a kind the law does not cover (a city jail, a state facility) is
not judged; one it does not describe is taken to be covered, and the finding says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from holdwatch.domain.state import WsoAct
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.profile import AgencyKind
from holdwatch.policy.core.rulebook import Rule

CODE = "AGREEMENT_287G_MISSING"
UNAPPROVED = "AGREEMENT_287G_TERMINATION_UNAPPROVED"
#: acts that show an agreement in force (the program's own work needs one)
_IN_FORCE = frozenset({"agreement_signed", "officer_designated", "warrant_served", "arrest"})


@dataclass(frozen=True, slots=True)
class Mandate:
    """One state's agreement requirement, as the engine reads it."""

    #: the law's name in a sentence: "Texas law"
    law: str
    citation: str
    #: who must have the agreement, in a sentence: "the sheriff of a county that ..."
    who: str
    #: the kinds of agency the law binds (`Agency.kind`); an undeclared kind is bound
    covers: frozenset[AgencyKind]
    #: the local day from whose first minute the duty is checked
    from_day: date
    #: how `from_day` was read from the law, said in every finding
    reading: str
    #: whether a request for an agreement meets the duty until its anniversary
    request_counts: bool = False


@dataclass(frozen=True, slots=True)
class _Gap:
    start: datetime
    end: datetime | None
    anchor: str
    why: str
    evidence: tuple[str, ...]


def _anniversary(day: date) -> date:
    """The same day a year later (February 29 falls to March 1)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def agreement_rule(mandate: Mandate) -> Rule:
    """AGREEMENT_287G_MISSING on the agency's record, for the version that lists it."""

    def agreement(ctx: Context, out: Out) -> None:
        state, params = ctx.state, ctx.profile.params
        if state.booking_id is not None or not params.report_state_duty:
            return
        if not any(c == CODE for c, _ in ctx.profile.evidence):
            return  # the version in force does not require an agreement
        kind = ctx.profile.agency.kind
        if kind is not None and kind not in mandate.covers:
            return
        due = datetime.combine(mandate.from_day, time(0), ctx.zone)
        acts = sorted((a for a in state.wso if a.at <= ctx.as_of), key=lambda a: a.at.timestamp())
        lapses = {
            a.event_id: datetime.combine(
                _anniversary(a.at.astimezone(ctx.zone).date()), time(0), ctx.zone
            )
            for a in acts
            if mandate.request_counts and a.action == "agreement_requested"
        }
        gaps = _gaps(acts, lapses, due, ctx.as_of)
        assumed = (
            f"The agency is taken to be {mandate.who}: the agencies file does not say what it runs."
            if kind is None
            else f"The agencies file declares the agency a {kind.replace('_', ' ')}."
        )
        for gap in gaps:
            out.finding(
                "AGREEMENT_287G_MISSING",
                "agreement",
                kind="violation",
                severity="info",
                at=gap.start,
                ended_at=gap.end,
                anchor=gap.anchor,
                citation=mandate.citation,
                explanation=(
                    f"{mandate.law} requires {mandate.who} to have a 287(g) agreement; from "
                    f"{ctx.local(gap.start)} {gap.why}. {mandate.reading} {assumed} This is "
                    "a state-law compliance finding about the agency, not about a booking."
                ),
                evidence=gap.evidence,
            )
        upcoming = _next_gap(acts, lapses, due, ctx.as_of)
        if upcoming is not None:
            out.deadline(
                upcoming,
                "AGREEMENT_287G_MISSING",
                "agreement",
                f"{mandate.law} requires a 287(g) agreement in force from this instant",
            )

    agreement.__name__ = f"agreement_rule_{mandate.from_day.isoformat()}"
    return agreement


def _covered(acts: list[WsoAct], lapses: dict[str, datetime], t: datetime) -> WsoAct | None:
    """The act that meets the duty at `t` (an agreement in force, or a live request)."""
    in_force: WsoAct | None = None
    request: WsoAct | None = None
    for act in acts:
        if act.at > t:
            break
        if act.action in _IN_FORCE:
            in_force = in_force or act
        elif act.action == "agreement_ended":
            in_force = None
        elif act.event_id in lapses and t < lapses[act.event_id]:
            request = act
    return in_force or request


def _boundaries(acts: list[WsoAct], lapses: dict[str, datetime], due: datetime) -> list[datetime]:
    points = {due, *(a.at for a in acts if a.at > due), *(t for t in lapses.values() if t > due)}
    return sorted(points, key=datetime.timestamp)


def _gaps(
    acts: list[WsoAct], lapses: dict[str, datetime], due: datetime, as_of: datetime
) -> list[_Gap]:
    gaps: list[_Gap] = []
    open_gap: tuple[datetime, str, str, tuple[str, ...]] | None = None
    for point in _boundaries(acts, lapses, due):
        if point > as_of:
            break
        meets = _covered(acts, lapses, point)
        if meets is None and open_gap is None:
            open_gap = (point, *_why(acts, lapses, point, due))
        elif meets is not None and open_gap is not None:
            start, anchor, why, evidence = open_gap
            gaps.append(_Gap(start, point, anchor, why, (*evidence, meets.event_id)))
            open_gap = None
    if open_gap is not None:
        start, anchor, why, evidence = open_gap
        gaps.append(_Gap(start, None, anchor, why, evidence))
    return gaps


def _why(
    acts: list[WsoAct],
    lapses: dict[str, datetime],
    point: datetime,
    due: datetime,
) -> tuple[str, str, tuple[str, ...]]:
    """The anchor, the words and the evidence of a gap that begins at `point`."""
    ended = [a for a in acts if a.at == point and a.action == "agreement_ended"]
    if ended:
        return ended[0].event_id, "no agreement was in force: it had ended", (ended[0].event_id,)
    lapsed = [i for i, t in lapses.items() if t == point]
    if point > due and lapsed:
        return (
            f"lapse:{lapsed[0]}",
            "no agreement was in force and the agency's request was a year old, with no new "
            "request (the law's annual re-request, from secondary sources)",
            (lapsed[0],),
        )
    seen = tuple(a.event_id for a in acts if a.at <= point)
    known = (
        "none of its agreements was in force" if seen else "no agreement or request is on record"
    )
    return "compliance", known, seen


def _next_gap(
    acts: list[WsoAct], lapses: dict[str, datetime], due: datetime, as_of: datetime
) -> datetime | None:
    """The first instant after `as_of` at which the duty stops being met, on what is known."""
    for point in _boundaries(acts, lapses, due):
        if point > as_of and _covered(acts, lapses, point) is None:
            return point
    return None


def termination_rule(law: str, citation: str, body: str) -> Rule:
    """An agreement ended without the approval the law requires (Florida §908.11(1))."""

    def termination(ctx: Context, out: Out) -> None:
        if ctx.state.booking_id is not None or not ctx.profile.params.report_state_duty:
            return
        if not any(c == UNAPPROVED for c, _ in ctx.profile.evidence):
            return
        for act in ctx.state.wso:
            if act.action != "agreement_ended" or act.at > ctx.as_of or act.termination_approved:
                continue
            record = "was refused" if act.termination_approved is False else "is not on record"
            out.finding(
                "AGREEMENT_287G_TERMINATION_UNAPPROVED",
                "agreement.termination",
                kind="violation",
                severity="info",
                at=act.at,
                instant=True,
                anchor=act.event_id,
                citation=citation,
                explanation=(
                    f"The agency's 287(g) agreement ended at {ctx.local(act.at)}; {law} lets "
                    f"it end only with the approval of {body}, whose approval {record}. This "
                    "is a state-law compliance finding about the agency."
                ),
                evidence=[act.event_id],
            )

    return termination
