"""Hold deadlines for a calendar: `/api/v1/deadlines.ics` with a bearer token, and a
secret URL per token for calendar clients that cannot send one.

The feed holds what `/api/v1/holds` shows the token, as events (app/deadline_calendar.py).
A defender's events name the client (the role may see names; each booking so named is
written to the audit log first); an oversight token's name only the booking. The secret
URL (`POST /api/v1/deadlines/secret` issues one, replacing the last; `POST
/api/v1/deadlines/secret/revoke` revokes it; one path each, so a 405's `Allow` is right)
works as the token does, and stops when the token leaves the tokens file. Redis keeps
only its digest; the access log shows the path without it (adapters/logging.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.calendar_secrets import CalendarSecrets
from holdwatch.app.access import Principal, TokenTable
from holdwatch.app.deadline_calendar import HoldDeadline, calendar
from holdwatch.domain.contract import parse_event
from holdwatch.domain.events import BookingCreated

Clock = Callable[[], datetime]
MEDIA = "text/calendar; charset=utf-8"
_bearer = HTTPBearer(auto_error=False)


class CalendarSecret(BaseModel):
    path: str = Field(description="the secret URL's path; shown once, kept only as a digest")


async def _caller(
    request: Request,
    cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> tuple[Principal, str]:
    """The caller and its token's digest (what the tokens file and the secrets keep)."""
    tokens: TokenTable = request.app.state.tokens
    digest = hashlib.sha256(cred.credentials.encode()).hexdigest() if cred else ""
    found = tokens.by_digest(digest) if cred else None
    if found is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found, digest


Caller = Annotated[tuple[Principal, str], Depends(_caller)]


def add_calendar(app: FastAPI, store: ApiStore, clock: Clock) -> None:
    secrets = CalendarSecrets(store.redis, store.keys.calendar)

    async def feed(who: Principal) -> Response:
        now = clock()
        holds: list[HoldDeadline] = []
        named: list[str] = []
        for tag, c in sorted((await store.in_custody()).items()):
            deadline_ms = c.get("hold_deadline_ms")
            if deadline_ms is None or not who.may_see(c["agency"]):
                continue
            warning_ms = c.get("warning_ms")
            snap = await store.booking(tag)
            booked = next(
                (
                    e
                    for e in (parse_event(raw) for raw in snap.history.values())
                    if isinstance(e, BookingCreated)
                ),
                None,
            )
            data = who.shown(booked.data) if booked else None
            name = data.person.name if data else None
            booking_id = unquote(tag.strip("{}").split("/", 1)[1])
            if name:
                named.append(f"{c['agency']}/{booking_id}")
            holds.append(
                HoldDeadline(
                    agency=c["agency"],
                    booking_id=booking_id,
                    facility=c["facility"],
                    deadline=datetime.fromtimestamp(deadline_ms / 1000, UTC),
                    warning=None
                    if warning_ms is None
                    else datetime.fromtimestamp(warning_ms / 1000, UTC),
                    sequence=snap.version,
                    name=name,
                    zone=data.timezone if data else None,
                )
            )
        for target in named:  # before the names leave
            await store.audit(who.name, who.role, "deadlines", target, now)
        body = calendar(holds, now, f"holdwatch hold deadlines ({who.name})")
        return Response(body, media_type=MEDIA)

    ics: dict[str | int, dict[str, Any]] = {200: {"content": {"text/calendar": {}}}}

    @app.get("/api/v1/deadlines.ics", response_class=Response, responses=ics)
    async def deadlines(caller: Caller) -> Response:
        """Hold deadlines and their warnings as iCalendar events, for the bookings the
        token may see; a deadline that moves keeps its event's UID, an ended hold drops."""
        return await feed(caller[0])

    @app.post("/api/v1/deadlines/secret", response_model=CalendarSecret)
    async def issue_secret(caller: Caller) -> CalendarSecret:
        """A secret URL for the feed, for calendar clients that cannot send a header: it
        replaces the token's last one; keep it as you keep the token."""
        secret = await secrets.issue(caller[1])
        return CalendarSecret(path=f"/api/v1/deadlines/{secret}.ics")

    @app.post("/api/v1/deadlines/secret/revoke", status_code=204, response_class=Response)
    async def revoke_secret(caller: Caller) -> Response:
        """Revoke the token's secret URL (if it has one)."""
        await secrets.revoke(caller[1])
        return Response(status_code=204)

    @app.get(
        "/api/v1/deadlines/{secret}.ics",
        response_class=Response,
        include_in_schema=False,  # the secret is the credential: not an operation to try
    )
    async def deadlines_by_secret(secret: str, request: Request) -> Response:
        tokens: TokenTable = request.app.state.tokens
        digest = await secrets.token_of(secret)
        who = tokens.by_digest(digest) if digest else None
        if who is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such calendar")
        return await feed(who)
