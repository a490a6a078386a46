"""`--format table`: one line per finding, sorted by instant, in the booking's own zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from holdwatch.domain.findings import Finding

HEADER = ("INSTANT (LOCAL)", "CODE", "KIND", "AGENCY/BOOKING", "DURATION", "CITATION")


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "ongoing"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m"


def _row(f: Finding) -> tuple[str, ...]:
    zone = ZoneInfo(f.timezone) if f.timezone else None
    local = f.violation_at.astimezone(zone) if zone else f.violation_at
    return (
        local.strftime("%Y-%m-%d %H:%M %Z"),
        f.code + (" *" if f.calendar_ambiguous else ""),
        f.kind,
        f"{f.agency}/{f.booking_id or '-'}",
        _duration(f.duration_seconds),
        f.citation,
    )


def render_table(findings: list[Finding]) -> str:
    rows = [HEADER, *(_row(f) for f in sorted(findings, key=lambda f: f.violation_at))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]) for r in rows
    ]
    if any(f.calendar_ambiguous for f in findings):
        lines.append("* calendar_ambiguous: a state holiday calendar would change this deadline")
    lines.append(f"{len(findings)} finding(s)")
    return "\n".join(lines) + "\n"
