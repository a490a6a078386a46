"""`holdwatch api`: open findings, active holds, a booking's case file, acknowledgements.

The OpenAPI document (/openapi.json) and Swagger UI (/docs, entrypoints/docs.py) are public:
they describe the API and hold no data, as does the report's stylesheet. Every other route
but /healthz needs a bearer token (the page: a session, entrypoints/sessions.py); what it
shows depends on the token's role (app/access.py), and every response carrying personal
data is written to the audit log first. Bodies are bounded and security headers added by
entrypoints/security.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from holdwatch.adapters.api_store import ApiStore
from holdwatch.adapters.logging import configure_logging
from holdwatch.app.access import Principal, TokenTable
from holdwatch.app.report import Period
from holdwatch.app.report_detail import DETAIL_RENDERERS
from holdwatch.app.report_html import document, stylesheet
from holdwatch.app.report_render import RENDERERS
from holdwatch.app.report_sources import agency_profiles, from_redis
from holdwatch.bootstrap import build_api_parts, system_clock
from holdwatch.domain.findings import Code, Finding, Severity
from holdwatch.entrypoints import stream_doc
from holdwatch.entrypoints.calendar import add_calendar
from holdwatch.entrypoints.casefile import CaseFile, FindingView, RulebookFor, case_file_for
from holdwatch.entrypoints.desk import (
    Acknowledgement,
    acknowledge_for,
    acknowledgements_for,
    open_findings_for,
)
from holdwatch.entrypoints.docs import add_docs
from holdwatch.entrypoints.monitor import Server
from holdwatch.entrypoints.page import add_page
from holdwatch.entrypoints.security import BoundedRequests, SecurityHeaders, server_config
from holdwatch.entrypoints.sessions import SessionPolicy, SessionStore
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.settings import Settings

Clock = Callable[[], datetime]


class Detainer(BaseModel):
    form: str
    warrant: str


class Hold(BaseModel):
    agency: str
    booking_id: str
    facility: str
    profile: str
    detainers: list[Detainer]
    hold_deadline: datetime | None = Field(description="when the running hold becomes unlawful")
    past_deadline: bool


class AckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000)


class AckResult(BaseModel):
    acknowledgement: Acknowledgement
    first: bool = Field(description="false when someone had acknowledged it already")


class ReportLine(BaseModel):
    #: the measure's stable name (`holds.count`, `detainers_by_form`); none on scope lines
    key: str | None = None
    section: str
    item: str
    value: str


class ReportRow(BaseModel):
    agency: str
    facility: str
    measures: list[ReportLine]


class ComplianceReport(BaseModel):
    start: datetime
    end: datetime
    policy: str
    rows: list[ReportRow]
    scope: list[ReportLine]


class HoldRow(BaseModel):
    """One custody past release eligibility in the analysts' appendix (`detail=holds`)."""

    agency: str
    facility: str
    booking_ref: str
    detainer: Literal["yes", "no"]
    eligible_at: str
    counted_from: str
    counted_to: str
    ended_by: Literal["release", "eligibility revoked", "still held"]
    released_at: str
    hours: str
    lawful: Literal["yes", "no", "not judged"]
    why: str


class HoldsAppendix(BaseModel):
    start: datetime
    end: datetime
    policy: str
    holds: list[HoldRow]


class AuditEntry(BaseModel):
    who: str
    role: str
    action: str
    target: str
    at: datetime


_bearer = HTTPBearer(auto_error=False)


async def _principal(
    request: Request,
    cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    tokens: TokenTable = request.app.state.tokens
    found = tokens.authenticate(cred.credentials) if cred else None
    if found is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


#: The caller, from the bearer token; module-level so FastAPI can resolve the annotation.
Who = Annotated[Principal, Depends(_principal)]


def create_api(
    store: ApiStore,
    tokens: TokenTable,
    clock: Clock,
    policy: SessionPolicy | None = None,
    rulebook_for: RulebookFor | None = None,
) -> FastAPI:
    """`rulebook_for`: the rulebook judging an agency, for the case file's deadlines and the
    report's labels and legend (None: not known here)."""
    app = FastAPI(
        docs_url=None,  # served from the package by add_docs, not from a CDN
        redoc_url=None,
        title="holdwatch",
        version="1",
        description="Findings of unlawful immigration holds, live, for defenders and oversight.",
        responses={
            400: {"description": "a request body that is not JSON"},
            401: {"description": "no valid bearer token"},
            403: {"description": "the token's role or agencies do not reach this"},
            413: {"description": "a request body over its limit"},
        },
    )
    app.state.tokens = tokens
    app.add_middleware(BoundedRequests)  # inside: heads and bodies bounded before routes and auth
    app.add_middleware(SecurityHeaders)  # outermost: a 413 carries the headers too
    add_docs(app)

    async def views(findings: list[Finding], who: Principal) -> list[FindingView]:
        acks = await acknowledgements_for(store, who, [f.finding_id for f in findings])
        return [FindingView(finding=f, acknowledgement=acks.get(f.finding_id)) for f in findings]

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> Response:
        """The streams' AsyncAPI document (public, like /openapi.json: no data)."""
        return Response(stream_doc.served(), media_type="application/json")

    @app.get("/api/v1/findings", response_model=list[FindingView])
    async def open_findings(
        who: Who,
        agency: str | None = None,
        facility: str | None = None,
        code: Annotated[Code | None, Query()] = None,
        severity: Annotated[Severity | None, Query()] = None,
    ) -> list[FindingView]:
        """Open findings, most severe and oldest first; warnings only while custody lasts."""
        found = await open_findings_for(store, who, agency, facility, code, severity)
        return await views([f for f, _deadline in found], who)

    @app.get("/api/v1/holds", response_model=list[Hold])
    async def holds(who: Who, agency: str | None = None, facility: str | None = None) -> list[Hold]:
        """People in custody with a detainer in force, soonest hold deadline first."""
        found = [_hold(tag, c, clock()) for tag, c in (await store.in_custody()).items()]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(
            (
                h
                for h in found
                if who.may_see(h.agency)
                and (agency is None or h.agency == agency)
                and (facility is None or h.facility == facility)
            ),
            key=lambda h: (h.hold_deadline or far, h.agency, h.booking_id),
        )

    @app.get(
        "/api/v1/bookings/{agency}/{booking_id}",
        response_model=CaseFile,
        responses={404: {"description": "no such booking"}},
    )
    async def timeline(agency: str, booking_id: str, who: Who) -> CaseFile:
        """One booking's case file: its events in time order, each with what the law
        required right after it, and each finding with its statute and explanation (the
        page's /bookings/{agency}/{booking_id} shows the same, printable)."""
        return await case_file_for(store, who, agency, booking_id, clock(), rulebook_for)

    @app.post(
        "/api/v1/findings/{finding_id}/ack",
        response_model=AckResult,
        responses={404: {"description": "no such finding"}},
    )
    async def acknowledge(finding_id: str, body: AckRequest, who: Who) -> AckResult:
        """Record that someone took the finding up; an escalation then stays silent."""
        stored, first = await acknowledge_for(store, who, finding_id, body.note, clock())
        return AckResult(acknowledgement=stored, first=first)

    sessions = SessionStore(
        store.redis, store.keys.prefix, tokens, clock, policy or SessionPolicy()
    )
    add_page(app, store, sessions, clock, rulebook_for)
    add_calendar(app, store, clock)

    _add_report(app, store, clock, rulebook_for or (lambda _agency: None))

    @app.get("/api/v1/audit-log", response_model=list[AuditEntry])
    async def audit_log(who: Who, count: Annotated[int, Query(ge=1, le=1000)] = 100) -> Any:
        """Who read personal data, newest first (admin only)."""
        if who.role != "admin":
            raise HTTPException(status.HTTP_403_FORBIDDEN, "admin only")
        return await store.audit_log(count)

    return app


REPORT_CSS = "/api/v1/report.css"


def _add_report(
    app: FastAPI, store: ApiStore, clock: Clock, profile_for: Callable[[str], Rulebook | None]
) -> None:
    """`/api/v1/report`: the compliance report and its analysts' appendix."""

    @app.get(
        "/api/v1/report",
        response_model=ComplianceReport | HoldsAppendix,
        responses={
            200: {"content": {"text/markdown": {}, "text/csv": {}, "text/html": {}}},
            422: {
                "description": "a period whose end is not after its start, or a detail "
                "in a format it has none in"
            },
        },
    )
    async def report(
        who: Who,
        start: Annotated[date, Query(alias="from")],
        end: Annotated[date, Query(alias="to", description="excluded")],
        fmt: Annotated[Literal["json", "md", "csv", "html"], Query(alias="format")] = "json",
        detail: Annotated[
            Literal["holds"] | None,
            Query(description="holds: every hold past release eligibility (csv or json)"),
        ] = None,
    ) -> Any:
        """The compliance report over the live data: counts only, for every role; a
        defender's is limited to its agencies. `detail=holds` lists every hold past release
        eligibility, one row each under a pseudonymous booking reference, so each number
        can be reproduced. A period whose end is not after its start is refused (422)."""
        if end <= start:
            which = "empty" if end == start else "reversed"
            raise _unprocessable("to", f"must be after from ({start}): a {which} period")
        if detail is not None and fmt not in ("csv", "json"):
            raise _unprocessable("detail", f"{detail}: only with format csv or json")
        begin = datetime.combine(start, datetime.min.time(), UTC)
        stop = datetime.combine(end, datetime.min.time(), UTC)
        full = await from_redis(
            store.bookings, store.keys, store.dlq_stream, clock(), Period(begin, stop), profile_for
        )
        rows = {k: v for k, v in full.rows.items() if who.may_see(k[0])}
        r = replace(full, rows=rows)
        media = {
            "json": "application/json",
            "md": "text/markdown; charset=utf-8",
            "csv": "text/csv; charset=utf-8",
            "html": "text/html; charset=utf-8",
        }[fmt]
        if detail is not None:
            return Response(DETAIL_RENDERERS[detail, fmt](r), media_type=media)
        if fmt == "html":  # its CSS as a file: the CSP allows no inline style
            return Response(document(r, css_href=REPORT_CSS), media_type=media)
        return Response(RENDERERS[fmt](r), media_type=media)  # JSON: the CLI's, the same

    @app.get(REPORT_CSS, include_in_schema=False)
    async def report_css() -> Response:
        """The HTML report's stylesheet: public, as the docs' assets (it holds no data)."""
        return Response(stylesheet(), media_type="text/css; charset=utf-8")


def _unprocessable(field: str, reason: str) -> HTTPException:
    """A 422 shaped as FastAPI's own validation errors, naming the query parameter."""
    return HTTPException(
        422,
        [{"loc": ["query", field], "msg": reason, "type": "value_error"}],
    )


def _hold(tag: str, c: dict[str, Any], now: datetime) -> Hold:
    """A custody summary (the monitor's, by booking tag) as the API shows it."""
    deadline_ms = c.get("hold_deadline_ms")
    deadline = None if deadline_ms is None else datetime.fromtimestamp(deadline_ms / 1000, UTC)
    return Hold(
        agency=c["agency"],
        booking_id=unquote(tag.strip("{}").split("/", 1)[1]),
        facility=c["facility"],
        profile=c["profile"],
        detainers=[Detainer(form=f, warrant=w) for f, w in c["detainers"]],
        hold_deadline=deadline,
        past_deadline=deadline is not None and deadline <= now,
    )


def build_api(settings: Settings, clock: Clock) -> tuple[FastAPI, Callable[[], Awaitable[None]]]:
    """The app and what closes its connections, from the parts bootstrap.py builds."""
    parts = build_api_parts(settings)
    policy = SessionPolicy(idle=settings.session_idle, lifetime=settings.session_lifetime)
    app = create_api(parts.store, parts.tokens, clock, policy, agency_profiles(settings))
    return app, parts.close


def run(settings: Settings) -> int:
    configure_logging(settings.log_level)
    app, close = build_api(settings, system_clock)
    app.router.add_event_handler("shutdown", close)
    # the monitor's server: a stop by SIGTERM or Ctrl-C is exit 0, not the signal re-raised
    server = Server(server_config(app, settings.http_host, settings.api_http_port))
    server.run()
    return 0 if server.started else 1
