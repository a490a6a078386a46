"""The defenders' page, served by the API: the triage desk, live, and each booking's case file.

Rendered server-side from Jinja2 templates (autoescaped; entrypoints/templates/), its
script and style served as files (the Content-Security-Policy allows no inline script);
no build step, nothing from elsewhere. Signing in exchanges the bearer token for a
server-side session (entrypoints/sessions.py): the cookie holds only the session's id.
Every form carries a CSRF token (the session's; for the sign-in form, one bound to a
cookie) and every POST must come from this page's own origin. The page shows what the
token's role allows, through the same functions as the JSON API (entrypoints/desk.py,
entrypoints/casefile.py). Without script the page still works: filters are a GET form,
acknowledging is a POST form; the script adds countdowns, live cards and in-place acks.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from holdwatch.adapters.api_store import ApiStore, is_cursor
from holdwatch.adapters.keys import booking_tag
from holdwatch.app.access import Principal
from holdwatch.app.messages import duration, local
from holdwatch.entrypoints.casefile import RulebookFor, case_file_for, law_version
from holdwatch.entrypoints.desk import (
    SEVERITIES,
    DeskFilter,
    acknowledge_for,
    acknowledgements_for,
    desk_for,
)
from holdwatch.entrypoints.security import from_own_origin
from holdwatch.entrypoints.sessions import COOKIE, Session, SessionStore, csrf_matches

#: the sign-in form's CSRF token, before there is a session (double-submit)
LOGIN_COOKIE = "holdwatch_login"
STATIC = Path(__file__).with_name("static")
TEMPLATES = Path(__file__).with_name("templates")
#: how long the live stream waits on Redis between checks that its session still holds
STREAM_POLL_MS = 2000
#: a live stream ends after this and the browser reconnects (EventSource does so itself,
#: from the last entry it had): a connection is never kept for ever on one replica
STREAM_LIFETIME_S = 300.0
#: the header the page's script sends when it wants a card back instead of a redirect
FETCH_HEADER = "x-holdwatch-fetch"

GROUPS = (
    ("unlawful", "Held unlawfully now", "Past the hold deadline and still held: longest first."),
    ("deadline", "Hold deadline ahead", "A hold is running: soonest deadline first."),
    ("other", "Other open findings", "No running hold: most severe and oldest first."),
)


def card_key(tag: str) -> str:
    """A booking's card id in the page: its tag holds characters an id should not."""
    return hashlib.sha256(tag.encode()).hexdigest()[:16]


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["local"] = local
    env.filters["duration"] = duration
    env.filters["card_key"] = card_key
    env.filters["segment"] = lambda s: quote(str(s), safe="")
    env.filters["law_version"] = law_version
    return env


def _form(body: bytes) -> dict[str, str]:
    """The form's fields (the first of each); a form of too many fields is read as empty,
    so it fails its CSRF check."""
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    except ValueError:
        return {}
    return {k: v[0] for k, v in fields.items()}


def _tag_parts(tag: str) -> tuple[str, str | None]:
    agency, _slash, booking = tag.strip("{}").partition("/")
    return unquote(agency), unquote(booking) or None


@dataclass(frozen=True, slots=True)
class _Pages:
    """What every route of the page shares: the stores, the clock, the templates."""

    store: ApiStore
    sessions: SessionStore
    clock: Callable[[], datetime]
    templates: Jinja2Templates
    rulebook_for: RulebookFor | None

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("who", None)
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    async def signed_in(self, request: Request, *, touch: bool = True) -> Session | None:
        return await self.sessions.find(request.cookies.get(COOKIE), touch=touch)

    def login_page(self, request: Request, status: int = 200, problem: str = "") -> Response:
        csrf = secrets.token_urlsafe(32)
        response = self.render(
            request, "login.html", status, title="Sign in", csrf=csrf, problem=problem
        )
        response.set_cookie(LOGIN_COOKIE, csrf, httponly=True, samesite="strict", path="/login")
        return response

    def refused(self, request: Request, status: int, why: str) -> Response:
        return self.render(request, "message.html", status, title="Not done", message=why)

    async def one_card(
        self, request: Request, session: Session, tag: str, only: DeskFilter
    ) -> Response:
        """The card of one booking as the desk would show it now, or 204 when it has
        nothing left to show (resolved, filtered out, or not this caller's)."""
        agency, _booking = _tag_parts(tag)
        who = session.principal
        if not tag or not who.may_see(agency):
            return Response(status_code=204)
        desk = await desk_for(self.store, who, only, self.clock(), tags=frozenset({tag}))
        card = next((c for c in desk.cards if c.tag == tag), None)
        if card is None:
            return Response(status_code=204)
        ids = [f.finding_id for f in card.shown + card.folded]
        acks = await acknowledgements_for(self.store, who, ids)
        return self.render(
            request, "_card.html", card=card, desk=desk, acks=acks, who=who, csrf=session.csrf
        )

    async def updates(
        self, request: Request, who: Principal, after: str, cookie: str | None
    ) -> AsyncIterator[str]:
        """The live stream's messages: which booking changed, never what it says."""
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_LIFETIME_S
        if after == "$":
            after = await self.store.last_alert_id()
        yield "retry: 2000\n\n"
        while loop.time() < ends and not await request.is_disconnected():
            if await self.sessions.find(cookie, touch=False) is None:
                yield "event: signed-out\ndata: {}\n\n"
                return
            alerts = await self.store.alerts_after(after, STREAM_POLL_MS)
            if not alerts:
                yield ": still here\n\n"
                continue
            for entry_id, f, change in alerts:
                after = entry_id
                if not who.may_see(f.agency):
                    continue
                data = {
                    "tag": booking_tag(f.agency, f.booking_id),
                    "finding_id": f.finding_id,
                    "code": f.code,
                    "severity": f.severity,
                    "change": change,
                }
                yield f"id: {entry_id}\nevent: finding\ndata: {json.dumps(data)}\n\n"


def add_page(
    app: FastAPI,
    store: ApiStore,
    sessions: SessionStore,
    clock: Callable[[], datetime],
    rulebook_for: RulebookFor | None = None,
) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = _Pages(store, sessions, clock, Jinja2Templates(env=_environment()), rulebook_for)
    _add_sign_in(app, pages)
    _add_desk(app, pages)
    _add_live(app, pages)
    _add_case_file(app, pages)


def _foreign(request: Request) -> bool:
    return not from_own_origin(request.headers, request.url.scheme, request.url.netloc)


def _add_sign_in(app: FastAPI, pages: _Pages) -> None:
    @app.get("/", include_in_schema=False, response_model=None)
    async def home(request: Request) -> Response:
        if await pages.signed_in(request) is None:
            return pages.login_page(request)
        return RedirectResponse("/findings", status_code=303)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        if _foreign(request):
            return pages.refused(request, 403, "sign in from holdwatch's own page")
        form = _form(await request.body())
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, form.get("csrf", "")):
            return pages.login_page(request, 403, "The sign-in form expired; please sign in again.")
        opened = await pages.sessions.open(form.get("token", ""))
        if opened is None:
            return pages.login_page(request, 401, "That token is not valid.")
        session_id, _session = opened
        response = RedirectResponse("/findings", status_code=303)
        secure = request.url.scheme == "https"  # behind TLS the cookie never goes out in clear
        response.set_cookie(
            COOKIE, session_id, httponly=True, samesite="strict", secure=secure, path="/"
        )
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        session = await pages.signed_in(request)
        if session is not None:
            if _foreign(request) or not csrf_matches(
                session, _form(await request.body()).get("csrf", "")
            ):
                return pages.refused(request, 403, "sign out from holdwatch's own page")
            await pages.sessions.close(request.cookies.get(COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response


def _add_desk(app: FastAPI, pages: _Pages) -> None:
    store = pages.store

    @app.get("/findings", include_in_schema=False, response_model=None)
    async def findings(request: Request) -> Response:
        session = await pages.signed_in(request)
        if session is None:
            return RedirectResponse("/", status_code=303)
        who = session.principal
        only = DeskFilter.from_query(request.query_params)
        since = await store.last_alert_id()  # before reading: no update falls in between
        desk = await desk_for(store, who, only, pages.clock())
        ids = [f.finding_id for c in desk.cards for f in c.shown + c.folded]
        acks = await acknowledgements_for(store, who, ids)
        groups = [
            {"n": n, "title": t, "note": note, "cards": [c for c in desk.cards if c.urgency == u]}
            for n, (u, t, note) in enumerate(GROUPS)
        ]
        counts = {u: sum(1 for c in desk.cards if c.urgency == u) for u, _t, _n in GROUPS}
        return pages.render(
            request,
            "desk.html",
            title="Open findings",
            who=who,
            csrf=session.csrf,
            desk=desk,
            acks=acks,
            only=only,
            groups=groups,
            counts=counts,
            severities=SEVERITIES,
            stream_query=urlencode({"since": since}),
        )

    @app.post("/findings/{finding_id}/ack", include_in_schema=False)
    async def acknowledge(finding_id: str, request: Request) -> Response:
        session = await pages.signed_in(request)
        if session is None:
            return RedirectResponse("/", status_code=303)
        form = _form(await request.body())
        if _foreign(request) or not csrf_matches(session, form.get("csrf", "")):
            return pages.refused(request, 403, "acknowledge from holdwatch's own page")
        note = form.get("note", "")[:2000]
        try:
            await acknowledge_for(store, session.principal, finding_id, note, pages.clock())
        except HTTPException as exc:
            return pages.refused(request, exc.status_code, str(exc.detail))
        if request.headers.get(FETCH_HEADER) == "1":  # the script puts the card in place
            tag = await store.booking_of(finding_id)
            only = DeskFilter.from_query(request.query_params)
            return await pages.one_card(request, session, tag or "", only)
        return RedirectResponse(f"/findings#f-{finding_id}", status_code=303)


def _add_live(app: FastAPI, pages: _Pages) -> None:
    @app.get("/findings/card", include_in_schema=False, response_model=None)
    async def card(request: Request, tag: str = "") -> Response:
        """One booking's card, for the page's script to put in place after an update."""
        session = await pages.signed_in(request, touch=False)
        if session is None:
            return Response(status_code=401)
        only = DeskFilter.from_query(request.query_params)
        return await pages.one_card(request, session, tag, only)

    @app.get("/findings/stream", include_in_schema=False, response_model=None)
    async def stream(request: Request, since: str = "$") -> Response:
        """Server-sent events from the alerts stream: which booking changed, only for the
        agencies this session's role may see, with no finding's text and no personal
        data (the page then asks for the card, through the same checks as the desk).
        Neither this nor the card counts as use: an unwatched tab still goes idle."""
        session = await pages.signed_in(request, touch=False)
        if session is None:
            return Response(status_code=401)
        after = request.headers.get("last-event-id") or since
        if after != "$" and not is_cursor(after):
            after = "$"
        cookie = request.cookies.get(COOKIE)
        return StreamingResponse(
            pages.updates(request, session.principal, after, cookie),
            media_type="text/event-stream",
            headers={"X-Accel-Buffering": "no"},
        )


def _add_case_file(app: FastAPI, pages: _Pages) -> None:
    @app.get("/bookings/{agency}/{booking_id}", include_in_schema=False, response_model=None)
    async def case_file(agency: str, booking_id: str, request: Request) -> Response:
        session = await pages.signed_in(request)
        if session is None:
            return RedirectResponse("/", status_code=303)
        who = session.principal
        try:
            case = await case_file_for(
                pages.store, who, agency, booking_id, pages.clock(), pages.rulebook_for
            )
        except HTTPException as exc:
            return pages.refused(request, exc.status_code, str(exc.detail))
        return pages.render(
            request,
            "case.html",
            title=f"Case file {agency} / {booking_id}",
            who=who,
            csrf=session.csrf,
            case=case,
            codes={v.finding.finding_id: v.finding.code for v in case.findings},
        )
