"""The defenders' page, served by the API: open findings, soonest deadline first.

Server-rendered HTML, its script and style served as files (the Content-Security-Policy
allows no inline script); no build step. Signing in exchanges the bearer token for a
server-side session (entrypoints/sessions.py): the cookie holds only the session's id.
Every form carries a CSRF token (the session's; for the sign-in form, one bound to a
cookie) and every POST must come from this page's own origin. The page then shows what
the token's role allows, through the same functions as the JSON API.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from holdwatch.adapters.api_store import ApiStore
from holdwatch.app.access import Principal
from holdwatch.app.messages import duration, local
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.desk import (
    Acknowledgement,
    acknowledge_for,
    acknowledgements_for,
    open_findings_for,
)
from holdwatch.entrypoints.security import from_own_origin
from holdwatch.entrypoints.sessions import COOKIE, Session, SessionStore, csrf_matches

#: the sign-in form's CSRF token, before there is a session (double-submit)
LOGIN_COOKIE = "holdwatch_login"
STATIC = Path(__file__).with_name("static")


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        "<meta name=viewport content='width=device-width'>"
        "<link rel=stylesheet href=/static/page.css>"
        "<script src=/static/page.js defer></script></head>"
        f"<body>{body}</body></html>"
    )


def _csrf_field(token: str) -> str:
    return f"<input type=hidden name=csrf value='{escape(token)}'>"


def _login(csrf: str, problem: str = "") -> str:
    return _page(
        "holdwatch — sign in",
        f"<h1>holdwatch</h1>{problem}<form method=post action=/login>{_csrf_field(csrf)}"
        "<label>Access token <input type=password name=token id=token required></label> "
        "<button type=submit id=login>Sign in</button></form>",
    )


def _form(body: bytes) -> dict[str, str]:
    """The form's fields (the first of each); a form of too many fields is read as empty,
    so it fails its CSRF check."""
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    except ValueError:
        return {}
    return {k: v[0] for k, v in fields.items()}


def _finding_html(
    f: Finding,
    deadline: datetime | None,
    ack: Acknowledgement | None,
    who: Principal,
    csrf: str,
) -> str:
    due = deadline or f.violation_at
    what = "Hold deadline" if deadline else "Since"
    facts = [
        ("Booking", f"{f.agency} / {f.booking_id or '—'} ({f.facility or 'facility unknown'})"),
        (what, local(due, f.timezone)),
        ("Duration", duration(f.duration_seconds)),
        ("Authority", f.citation),
        ("Evidence", ", ".join(f.evidence)),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    if ack:
        note = f": {escape(ack.note)}" if ack.note else ""  # None: withheld from this role
        state = f"<p class=acked>Acknowledged by {escape(ack.by)}{note}</p>"
    elif who.may_acknowledge:
        state = (
            f"<form method=post action='/findings/{escape(f.finding_id)}/ack'>{_csrf_field(csrf)}"
            "<input name=note placeholder='What was done' maxlength=2000> "
            "<button type=submit class=ack>Acknowledge</button></form>"
        )
    else:
        state = "<p>Not acknowledged yet.</p>"
    return (
        f"<section class=finding id='f-{escape(f.finding_id)}'>"
        f"<h2><span class='sev sev-{f.severity}'>{escape(f.severity)}</span> "
        f"{escape(f.code)} <span class=countdown data-deadline='{due.isoformat()}'></span></h2>"
        f"<p class=explanation>{escape(f.explanation)}</p><dl>{rows}</dl>{state}</section>"
    )


def add_page(
    app: FastAPI, store: ApiStore, sessions: SessionStore, clock: Callable[[], datetime]
) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    async def signed_in(request: Request) -> Session | None:
        return await sessions.find(request.cookies.get(COOKIE))

    def login_page(status: int = 200, problem: str = "") -> Response:
        csrf = secrets.token_urlsafe(32)
        response = HTMLResponse(_login(csrf, problem), status)
        response.set_cookie(LOGIN_COOKIE, csrf, httponly=True, samesite="strict", path="/login")
        return response

    def refused(status: int, why: str) -> Response:
        return HTMLResponse(_page("holdwatch", f"<p>{escape(why)}</p>"), status)

    def foreign(request: Request) -> bool:
        return not from_own_origin(request.headers, request.url.scheme, request.url.netloc)

    @app.get("/", include_in_schema=False, response_model=None)
    async def home(request: Request) -> Response:
        if await signed_in(request) is None:
            return login_page()
        return RedirectResponse("/findings", status_code=303)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        if foreign(request):
            return refused(403, "sign in from holdwatch's own page")
        form = _form(await request.body())
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, form.get("csrf", "")):
            return login_page(403, "<p>The sign-in form expired; please sign in again.</p>")
        opened = await sessions.open(form.get("token", ""))
        if opened is None:
            return login_page(401, "<p>That token is not valid.</p>")
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
        session = await signed_in(request)
        if session is not None:
            if foreign(request) or not csrf_matches(
                session, _form(await request.body()).get("csrf", "")
            ):
                return refused(403, "sign out from holdwatch's own page")
            await sessions.close(request.cookies.get(COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/findings", include_in_schema=False, response_model=None)
    async def findings(request: Request) -> Response:
        session = await signed_in(request)
        if session is None:
            return RedirectResponse("/", status_code=303)
        who = session.principal
        found = await open_findings_for(store, who)
        acks = await acknowledgements_for(store, who, [f.finding_id for f, _d in found])
        found.sort(key=lambda p: p[1] or p[0].violation_at)  # soonest deadline first
        items = "".join(
            _finding_html(f, d, acks.get(f.finding_id), who, session.csrf) for f, d in found
        )
        body = (
            f"<h1>Open findings <small>({escape(who.name)}, {escape(who.role)})</small></h1>"
            f"<form method=post action=/logout>{_csrf_field(session.csrf)}"
            "<button id=logout>Sign out</button></form>"
            + (items or "<p id=none>No open findings.</p>")
        )
        return HTMLResponse(_page("holdwatch — open findings", body))

    @app.post("/findings/{finding_id}/ack", include_in_schema=False)
    async def acknowledge(finding_id: str, request: Request) -> Response:
        session = await signed_in(request)
        if session is None:
            return RedirectResponse("/", status_code=303)
        form = _form(await request.body())
        if foreign(request) or not csrf_matches(session, form.get("csrf", "")):
            return refused(403, "acknowledge from holdwatch's own page")
        note = form.get("note", "")[:2000]
        try:
            await acknowledge_for(store, session.principal, finding_id, note, clock())
        except HTTPException as exc:
            return refused(exc.status_code, str(exc.detail))
        return RedirectResponse(f"/findings#f-{finding_id}", status_code=303)
