"""What the JSON API and the defenders' page both ask: open findings for a caller, the
acknowledgements a caller may see, and an acknowledgement by one — one implementation, so
the two cannot disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, get_args
from urllib.parse import unquote, urlencode

from fastapi import HTTPException, status
from pydantic import BaseModel, Field

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.keys import booking_tag
from holdwatch.app.access import Principal
from holdwatch.app.triage import Card, Held, triage
from holdwatch.domain.findings import Code, Finding, Severity
from holdwatch.domain.personal import PERSONAL


class Acknowledgement(BaseModel):
    """Who took a finding up, and when; the note is free text ("visited Ms. X"): personal."""

    by: str
    note: Annotated[str | None, PERSONAL] = Field(
        default=None, description="withheld (null) from roles that may not see personal data"
    )
    at: datetime


async def acknowledgements_for(
    store: ApiStore, who: Principal, finding_ids: list[str]
) -> dict[str, Acknowledgement]:
    """The acknowledgements of these findings, as `who` may see them."""
    acks = await store.acknowledgements(finding_ids)
    return {f: who.shown(Acknowledgement.model_validate(r)) for f, r in acks.items()}


def _matches(
    f: Finding,
    agency: str | None,
    facility: str | None,
    code: str | None,
    severity: str | None,
) -> bool:
    return (
        (agency is None or f.agency == agency)
        and (facility is None or f.facility == facility)
        and (code is None or f.code == code)
        and (severity is None or f.severity == severity)
    )


async def open_findings_for(
    store: ApiStore,
    who: Principal,
    agency: str | None = None,
    facility: str | None = None,
    code: str | None = None,
    severity: str | None = None,
) -> list[tuple[Finding, datetime | None]]:
    """The open findings `who` may see, most severe and oldest first, each with the hold
    deadline of its booking while the person is held; warnings only while custody lasts."""
    custody = await store.in_custody()
    found: list[tuple[Finding, datetime | None]] = []
    for f in await store.open_findings():
        held = custody.get(booking_tag(f.agency, f.booking_id))
        if (
            who.may_see(f.agency)
            and _matches(f, agency, facility, code, severity)
            and (f.code != "HOLD_DEADLINE_APPROACHING" or held is not None)
        ):
            found.append((f, None if held is None else _deadline(held)))
    rank = {"critical": 0, "high": 1, "warning": 2, "info": 3}
    found.sort(key=lambda p: (rank[p[0].severity], p[0].violation_at, p[0].finding_id))
    return found


async def acknowledge_for(
    store: ApiStore, who: Principal, finding_id: str, note: str, now: datetime
) -> tuple[Acknowledgement, bool]:
    """Record the acknowledgement; the one stored (the first) and whether this was it."""
    if not who.may_acknowledge:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "oversight tokens cannot acknowledge")
    tag = await store.booking_of(finding_id)
    if tag is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such finding")
    if not who.may_see(unquote(tag.strip("{}").split("/", 1)[0])):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this finding's agency is not yours")
    record = {"by": who.name, "note": note, "at": now.isoformat()}
    first = await store.acknowledge(finding_id, record)
    return (await acknowledgements_for(store, who, [finding_id]))[finding_id], first


SEVERITIES: tuple[str, ...] = get_args(Severity)
CODES: frozenset[str] = frozenset(get_args(Code))


@dataclass(frozen=True, slots=True)
class DeskFilter:
    """The desk's filters and booking search, from the page's query string (values that
    name no agency, code or severity simply match nothing, or are ignored where closed)."""

    agency: str | None = None
    facility: str | None = None
    severity: str | None = None
    code: str | None = None
    booking: str | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> DeskFilter:
        def given(name: str) -> str | None:
            value = params.get(name, "").strip()[:200]
            return value or None

        severity, code = given("severity"), given("code")
        return cls(
            agency=given("agency"),
            facility=given("facility"),
            severity=severity if severity in SEVERITIES else None,
            code=code if code in CODES else None,
            booking=given("booking"),
        )

    def query(self) -> str:
        """The filters as a query string ('' when none): links and live updates keep them."""
        fields = {k: v for k, v in asdict(self).items() if v is not None}
        return urlencode(fields)

    def keeps(self, f: Finding) -> bool:
        return _matches(f, self.agency, self.facility, self.code, self.severity) and (
            self._booking_matches(f.booking_id)
        )

    def keeps_held(self, h: Held) -> bool:
        """A person held with no finding that matches: kept unless a filter excludes them."""
        return (
            (self.agency is None or h.agency == self.agency)
            and (self.facility is None or h.facility == self.facility)
            and self._booking_matches(h.booking_id)
        )

    def _booking_matches(self, booking_id: str | None) -> bool:
        wanted = self.booking.casefold() if self.booking else None
        return wanted is None or wanted in (booking_id or "").casefold()

    @property
    def active(self) -> bool:
        return any(v is not None for v in asdict(self).values())


@dataclass(frozen=True, slots=True)
class Desk:
    """What the desk shows a caller: the cards, who each booking's person is (a name for a
    role that may see it, else the pseudonym), and the choices the filters offer."""

    cards: list[Card]
    people: dict[str, str]
    named: frozenset[str]  # tags whose label is the person's name
    zones: dict[str, str]  # tag → the jail's time zone, where the booking names it
    agencies: tuple[str, ...]
    facilities: tuple[str, ...]
    codes: tuple[str, ...]
    total: int  # cards before filtering


async def desk_for(
    store: ApiStore,
    who: Principal,
    only: DeskFilter,
    now: datetime,
    tags: frozenset[str] | None = None,
) -> Desk:
    """The triage desk for `who` (only the bookings `tags` names, when given: one card
    brought up to date); names shown are written to the audit log first."""
    held = {
        tag: h
        for tag, c in (await store.in_custody()).items()
        if who.may_see((h := _held(tag, c)).agency) and (tags is None or tag in tags)
    }
    visible = [
        f
        for f in await store.open_findings()
        if who.may_see(f.agency)
        and (f.code != "HOLD_DEADLINE_APPROACHING" or _tag(f) in held)
        and (tags is None or _tag(f) in tags)
    ]
    kept = [f for f in visible if only.keeps(f)]
    matched = {_tag(f) for f in kept}
    kept_held = {
        tag: h
        for tag, h in held.items()
        if tag in matched or (only.severity is None and only.code is None and only.keeps_held(h))
    }
    cards = triage(kept, kept_held, now)
    people, named, zones = await _people(store, who, cards, now)
    return Desk(
        cards=cards,
        people=people,
        named=named,
        zones=zones,
        agencies=tuple(sorted({f.agency for f in visible} | {h.agency for h in held.values()})),
        facilities=tuple(
            sorted(
                {f.facility for f in visible if f.facility} | {h.facility for h in held.values()}
            )
        ),
        codes=tuple(sorted({f.code for f in visible})),
        total=len({_tag(f) for f in visible} | set(held)),
    )


async def _people(
    store: ApiStore, who: Principal, cards: list[Card], now: datetime
) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    tags = [c.tag for c in cards if c.booking_id is not None]
    booked = await store.bookings_created(tags)
    people = {tag: who.shown(b.person) for tag, b in booked.items()}
    named = frozenset(tag for tag, p in people.items() if p.name)
    if named:
        targets = [f"{c.agency}/{c.booking_id}" for c in cards if c.tag in named]
        await store.audit_reads(who.name, who.role, "desk", targets, now)
    labels = {tag: p.name or p.person_id for tag, p in people.items()}
    zones = {tag: b.timezone for tag, b in booked.items() if b.timezone}
    return labels, named, zones


def _held(tag: str, c: Mapping[str, Any]) -> Held:
    return Held(
        agency=c["agency"],
        booking_id=unquote(tag.strip("{}").split("/", 1)[1]),
        facility=c["facility"],
        deadline=_deadline(c),
        detainers=tuple((f, w) for f, w in c["detainers"]),
    )


def _tag(f: Finding) -> str:
    return booking_tag(f.agency, f.booking_id)


def _deadline(custody: Mapping[str, Any]) -> datetime | None:
    ms = custody.get("hold_deadline_ms")
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)
