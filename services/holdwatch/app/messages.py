"""What a defender reads: a finding rendered for a webhook (JSON) and an e-mail (text, HTML).

Only what the finding holds goes out — code, instant, statute, explanation, booking and
finding ids — so a message carries no name, birth date or A-number even when it leaks.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from holdwatch.app.routing import Notice
from holdwatch.domain.findings import Finding

HEADLINES: dict[Notice, str] = {
    "opened": "New finding",
    "resolved": "Finding ended",
    "superseded": "Finding withdrawn (a later record shows it does not hold)",
    "escalated": "Not yet acknowledged",
}


def local(t: datetime, zone: str | None) -> str:
    """An instant as the jail's clock showed it, with the zone's abbreviation."""
    shown = t.astimezone(ZoneInfo(zone)) if zone else t
    return shown.strftime("%a %d %b %Y %H:%M %Z").strip()


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "ongoing"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} m"


def webhook_body(finding: Finding, notice: Notice, sent_at: datetime) -> bytes:
    """Standard Webhooks' envelope: a type, a timestamp and the data."""
    payload = {
        "type": f"finding.{notice}",
        "timestamp": sent_at.isoformat(),
        "data": {"notice": notice, "finding": json.loads(finding.model_dump_json())},
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def subject(finding: Finding, notice: Notice) -> str:
    booking = finding.booking_id or "agency-wide"
    return f"[holdwatch] {HEADLINES[notice]}: {finding.code} — {finding.agency} {booking}"


def _facts(finding: Finding) -> list[tuple[str, str]]:
    return [
        ("Code", f"{finding.code} ({finding.kind}, {finding.severity})"),
        ("Agency / booking", f"{finding.agency} / {finding.booking_id or '—'}"),
        ("Facility", finding.facility or "—"),
        ("Since", local(finding.violation_at, finding.timezone)),
        ("Duration", duration(finding.duration_seconds)),
        ("Status", finding.status),
        ("Authority", finding.citation),
        ("Policy", finding.policy),
        ("Finding id", finding.finding_id),
    ]


def text_body(finding: Finding, notice: Notice) -> str:
    lines = [HEADLINES[notice], "", finding.explanation, ""]
    lines += [f"{name}: {value}" for name, value in _facts(finding)]
    lines += ["", "Evidence (event ids): " + ", ".join(finding.evidence)]
    lines += ["", f"Acknowledge: holdwatch ack {finding.finding_id} --by NAME"]
    return "\n".join(lines) + "\n"


def html_body(finding: Finding, notice: Notice) -> str:
    e = html.escape
    rows = "".join(f"<tr><th>{e(n)}</th><td>{e(v)}</td></tr>" for n, v in _facts(finding))
    return (
        f"<h2>{e(HEADLINES[notice])}</h2><p>{e(finding.explanation)}</p>"
        f"<table>{rows}</table>"
        f"<p>Evidence (event ids): {e(', '.join(finding.evidence))}</p>"
    )
