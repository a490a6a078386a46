"""A booking's case file: its timeline in the jail's time, what the law required after each
event, and every finding with its statute, explanation and evidence — one document a
defender can attach to a habeas petition or a complaint. The page (/bookings/...) and the
JSON API (/api/v1/bookings/...) both build it here, so the two cannot disagree.

What the law required at each point is the rulebook run again on the history as it stood
right after that event: the deadlines then in force. Oversight gets the same document
redacted: the pseudonym, never a name, and every personal field (free text included)
emptied by the allowlist (domain/personal.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import HTTPException, status
from pydantic import BaseModel, Field

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.keys import booking_tag
from holdwatch.app.access import Principal
from holdwatch.app.messages import local
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import History, project
from holdwatch.domain.events import BookingCreated, Event
from holdwatch.domain.findings import Code, Finding
from holdwatch.domain.personal import personal_fields
from holdwatch.entrypoints.desk import Acknowledgement, acknowledgements_for
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.core.rulebook import Rulebook

_SNAKE = re.compile(r"[a-z]+(_[a-z]+)+")

#: The rulebook that judges an agency's bookings (None: the API was not told).
RulebookFor = Callable[[str], Rulebook | None]

TYPE_WORDS = {
    "booking.created": "Booked",
    "release.scheduled": "Release scheduled",
    "release.eligible": "Eligible for release",
    "release.eligibility_revoked": "Eligibility for release revoked",
    "detainer.received": "Immigration detainer received",
    "detainer.cancelled": "Immigration detainer cancelled",
    "warrant.received": "Warrant received",
    "truth.notice_given": "Notice given",
    "ice.notified": "Immigration authorities notified",
    "ice.interview": "Immigration interview",
    "citizenship.claimed": "Citizenship claimed",
    "magistrate.held_to_answer": "Held to answer by a magistrate",
    "custody.released": "Released from custody",
    "wso.activity": "Warrant Service Officer activity",
}


class FindingView(BaseModel):
    finding: Finding
    acknowledgement: Acknowledgement | None = None


class TimelineEvent(BaseModel):
    id: str
    source: str
    type: str
    time: datetime
    data: dict[str, Any] = Field(
        description="the event's data as the contract defines it; personal fields are left "
        "out for roles that may not see personal data"
    )


class Timeline(BaseModel):
    agency: str
    booking_id: str
    personal_data: bool = Field(description="whether names and A-numbers are shown")
    events: list[TimelineEvent]
    findings: list[FindingView]


class Required(BaseModel):
    """A deadline the law set, in force right after an event."""

    at: datetime
    local_time: str = Field(description="`at` on the jail's clock")
    code: Code = Field(description="the finding that falls due if nothing happens by then")
    description: str
    hold: bool = Field(description="whether this is the running hold's own deadline")


class CaseEvent(TimelineEvent):
    local_time: str = Field(description="`time` on the jail's clock")
    summary: str = Field(description="what happened, in words")
    cited_by: list[str] = Field(description="the findings that cite this event as evidence")
    required: list[Required] = Field(
        description="the deadlines in force right after this event (empty when the API "
        "does not know the agency's rulebook)"
    )
    law_in_force: str | None = Field(
        default=None,
        description="the version of the law in force on this event's day at the jail "
        "(`wa-kww@2019-05-21`); null when the API does not know the agency's rulebook",
    )


class CaseFinding(FindingView):
    local_since: str = Field(description="`violation_at` on the jail's clock")
    law_version: str = Field(description="the law and the version of it that was applied")


class CaseFile(Timeline):
    """A `Timeline` with what a document for a court needs (every field added to it)."""

    person: str = Field(
        description="the person's name where the role may see it, else the pseudonym"
    )
    person_named: bool = Field(description="whether `person` is a name (else a pseudonym)")
    facility: str | None
    timezone: str | None = Field(description="the jail's time zone, in which times are shown")
    profile: str | None = Field(description="the rulebook that judges this agency's bookings")
    in_custody: bool = Field(description="held now, with a detainer in force")
    hold_deadline: datetime | None = Field(description="when the running hold becomes unlawful")
    generated_at: datetime
    events: list[CaseEvent]  # type: ignore[assignment]
    findings: list[CaseFinding]  # type: ignore[assignment]


def law_version(policy: str) -> str:
    """`wa-kww@2019-05-21` in words: the law, and the day its applied version took force."""
    law, at, since = policy.partition("@")
    return f"{law}, as in force from {since}" if at else policy


def _words(value: Any) -> str:
    """A value for a sentence: lists joined, the contract's snake_case words spaced."""
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value)
    text = str(value)
    return text.replace("_", " ") if _SNAKE.fullmatch(text) else text


def _summary(event: Event, data: dict[str, Any]) -> str:
    """What happened, in words, from the data as the caller may see it (flat fields only:
    a person or a list of charges is not a fact for one line)."""
    words = TYPE_WORDS.get(event.type, event.type)
    facts = [
        f"{k.replace('_', ' ')}: {_words(v)}"
        for k, v in data.items()
        if k != "timezone"
        and v not in ([], "")
        and (
            isinstance(v, str | int | float | bool)
            or (isinstance(v, list) and not any(isinstance(x, dict | list) for x in v))
        )
    ]
    return words + (" — " + "; ".join(facts) if facts else "")


def _law_on(rulebook: Rulebook, t: datetime, zone: str | None) -> str:
    """The version of the rulebook's law in force on `t`'s day in the jail's zone."""
    profile = rulebook.profile
    if not profile.editions:
        return profile.label
    day = (t.astimezone(ZoneInfo(zone)) if zone else t).date()
    return profile.at(profile.edition_index(day)).label


def _required(
    ordered: list[Event], rulebook: Rulebook | None, agency: str, booking_id: str, zone: str | None
) -> list[list[Required]]:
    """After each event in `ordered`, the deadlines then in force (the rulebook re-run)."""
    if rulebook is None:
        return [[] for _ in ordered]
    out: list[list[Required]] = []
    for i, event in enumerate(ordered):
        state = project(agency, booking_id, History.of(ordered[: i + 1]))
        deadlines = evaluate(state, rulebook, event.time).deadlines
        out.append(
            [
                Required(
                    at=d.at,
                    local_time=local(d.at, zone),
                    code=d.code,
                    description=d.description,
                    hold=d.hold,
                )
                for d in sorted(deadlines, key=lambda d: d.at.timestamp())
            ]
        )
    return out


def _same_as_recorded(rulebook: Rulebook | None, recorded: str | None) -> Rulebook | None:
    """The API's rulebook for the agency, unless the monitor judged the booking by another
    (the two were given different agency files): then no deadline is worth showing."""
    if rulebook is None or recorded is None:
        return rulebook
    return rulebook if recorded.partition("@")[0] == rulebook.profile.id else None


async def case_file_for(
    store: ApiStore,
    who: Principal,
    agency: str,
    booking_id: str,
    now: datetime,
    rulebook_for: RulebookFor | None = None,
) -> CaseFile:
    """The case file as `who` may see it; a read of personal data is audited first."""
    if not who.may_see(agency):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this booking's agency is not yours")
    tag = booking_tag(agency, booking_id)
    snap = await store.booking(tag)
    if snap.version == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such booking")
    # Rendered from the contract's models: only what the contract names can be shown.
    ordered = sorted(
        (parse_event(raw) for raw in snap.history.values()),
        key=lambda e: (e.time.timestamp(), e.id),
    )
    personal = who.sees_personal_data and any(personal_fields(e.data) for e in ordered)
    if personal:
        await store.audit(who.name, who.role, "timeline", f"{agency}/{booking_id}", now)
    findings = sorted(
        (Finding.model_validate_json(r) for r in snap.ledger.values()),
        key=lambda f: (f.violation_at.timestamp(), f.code),
    )
    booked = next((e for e in ordered if isinstance(e, BookingCreated)), None)
    person = who.shown(booked.data.person) if booked else None
    zone = (booked.data.timezone if booked else None) or next(
        (f.timezone for f in findings if f.timezone), None
    )
    custody = (await store.in_custody()).get(tag)
    ms = custody.get("hold_deadline_ms") if custody else None
    rulebook = _same_as_recorded(
        rulebook_for(agency) if rulebook_for else None,
        (custody or {}).get("profile") or next((f.policy for f in findings), None),
    )
    cited: dict[str, list[str]] = {}
    for f in findings:
        for event_id in f.evidence:
            cited.setdefault(event_id, []).append(f.finding_id)
    acks = await acknowledgements_for(store, who, [f.finding_id for f in findings])
    events = []
    for event, required in zip(
        ordered, _required(ordered, rulebook, agency, booking_id, zone), strict=True
    ):
        data = who.shown(event.data).model_dump(mode="json", exclude_none=True)
        events.append(
            CaseEvent(
                id=event.id,
                source=event.source,
                type=event.type,
                time=event.time,
                data=data,
                local_time=local(event.time, zone),
                summary=_summary(event, data),
                cited_by=cited.get(event.id, []),
                required=required,
                law_in_force=_law_on(rulebook, event.time, zone) if rulebook else None,
            )
        )
    return CaseFile(
        agency=agency,
        booking_id=booking_id,
        personal_data=personal,
        person=(person.name or person.person_id) if person else "person unknown",
        person_named=bool(person and person.name),
        facility=booked.data.facility if booked else None,
        timezone=zone,
        profile=rulebook.label if rulebook else (custody or {}).get("profile"),
        in_custody=custody is not None,
        hold_deadline=None if ms is None else datetime.fromtimestamp(ms / 1000, UTC),
        generated_at=now,
        events=events,
        findings=[
            CaseFinding(
                finding=f,
                acknowledgement=acks.get(f.finding_id),
                local_since=local(f.violation_at, f.timezone or zone),
                law_version=law_version(f.policy),
            )
            for f in findings
        ],
    )
