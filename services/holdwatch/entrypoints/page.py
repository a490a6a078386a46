"""The defenders' page, served by the API: open findings, soonest deadline first.

Server-rendered HTML with a few lines of inline script for the countdowns; no build step.
Logging in stores the bearer token in an HttpOnly, SameSite=Strict cookie (so another site
cannot post an acknowledgement in the user's name); the page then shows what the token's
role allows, through the same functions as the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from urllib.parse import parse_qs

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from holdwatch.adapters.api_store import ApiStore
from holdwatch.app.access import Principal, TokenTable
from holdwatch.app.messages import duration, local
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.desk import (
    Acknowledgement,
    acknowledge_for,
    acknowledgements_for,
    open_findings_for,
)

COOKIE = "holdwatch_token"

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.finding{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}
.sev{font-weight:bold;padding:.1rem .4rem;border-radius:4px;color:#fff;background:#777}
.sev-critical{background:#a00}.sev-high{background:#d35400}.sev-warning{background:#b7950b}
.countdown{font-weight:bold;font-variant-numeric:tabular-nums}.overdue{color:#a00}
.acked{color:#186a3b}dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem .8rem}
dt{color:#555}dd{margin:0}
"""

SCRIPT = """
function tick(){for(const el of document.querySelectorAll('.countdown')){
 const ms=Date.parse(el.dataset.deadline)-Date.now(), a=Math.abs(ms);
 const h=Math.floor(a/3600000), m=Math.floor(a%3600000/60000), s=Math.floor(a%60000/1000);
 const t=h+' h '+String(m).padStart(2,'0')+' m '+String(s).padStart(2,'0')+' s';
 el.textContent = ms>=0 ? t+' left' : 'overdue by '+t; el.classList.toggle('overdue', ms<0);}}
tick(); setInterval(tick, 1000);
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<meta name=viewport content='width=device-width'><style>{STYLE}</style></head>"
        f"<body>{body}<script>{SCRIPT}</script></body></html>"
    )


LOGIN = _page(
    "holdwatch — sign in",
    "<h1>holdwatch</h1><form method=post action=/login>"
    "<label>Access token <input type=password name=token id=token required></label> "
    "<button type=submit id=login>Sign in</button></form>",
)


def _finding_html(
    f: Finding, deadline: datetime | None, ack: Acknowledgement | None, who: Principal
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
            f"<form method=post action='/findings/{escape(f.finding_id)}/ack'>"
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
    app: FastAPI, store: ApiStore, tokens: TokenTable, clock: Callable[[], datetime]
) -> None:
    def signed_in(request: Request) -> Principal | None:
        token = request.cookies.get(COOKIE)
        return tokens.authenticate(token) if token else None

    @app.get("/", include_in_schema=False, response_model=None)
    async def home(request: Request) -> Response:
        if signed_in(request) is None:
            return HTMLResponse(LOGIN)
        return RedirectResponse("/findings", status_code=303)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        token = parse_qs((await request.body()).decode()).get("token", [""])[0]
        if tokens.authenticate(token) is None:
            return HTMLResponse(LOGIN.replace("<form", "<p>That token is not valid.</p><form"), 401)
        response = RedirectResponse("/findings", status_code=303)
        secure = request.url.scheme == "https"  # behind TLS the cookie never goes out in clear
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure)
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout() -> Response:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/findings", include_in_schema=False, response_model=None)
    async def findings(request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/", status_code=303)
        found = await open_findings_for(store, who)
        acks = await acknowledgements_for(store, who, [f.finding_id for f, _d in found])
        found.sort(key=lambda p: p[1] or p[0].violation_at)  # soonest deadline first
        items = "".join(_finding_html(f, d, acks.get(f.finding_id), who) for f, d in found)
        body = (
            f"<h1>Open findings <small>({escape(who.name)}, {escape(who.role)})</small></h1>"
            "<form method=post action=/logout><button>Sign out</button></form>"
            + (items or "<p id=none>No open findings.</p>")
        )
        return HTMLResponse(_page("holdwatch — open findings", body))

    @app.post("/findings/{finding_id}/ack", include_in_schema=False)
    async def acknowledge(finding_id: str, request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/", status_code=303)
        note = parse_qs((await request.body()).decode()).get("note", [""])[0][:2000]
        try:
            await acknowledge_for(store, who, finding_id, note, clock())
        except HTTPException as exc:
            return HTMLResponse(
                _page("holdwatch", f"<p>{escape(str(exc.detail))}</p>"), exc.status_code
            )
        return RedirectResponse(f"/findings#f-{finding_id}", status_code=303)
