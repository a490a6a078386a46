"""What the JSON API and the defenders' page both ask: open findings for a caller, the
acknowledgements a caller may see, and an acknowledgement by one — one implementation, so
the two cannot disagree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import unquote

from fastapi import HTTPException, status
from pydantic import BaseModel, Field

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.keys import booking_tag
from holdwatch.app.access import Principal
from holdwatch.domain.findings import Finding
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
            and (agency is None or f.agency == agency)
            and (facility is None or f.facility == facility)
            and (code is None or f.code == code)
            and (severity is None or f.severity == severity)
            and (f.code != "HOLD_DEADLINE_APPROACHING" or held is not None)
        ):
            ms = held.get("hold_deadline_ms") if held else None
            found.append((f, None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)))
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
