"""`--format table`: one line per finding, sorted by instant, in the booking's own zone."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from holdwatch.app.compare import Comparison, Entry
from holdwatch.domain.findings import Finding

HEADER = ("INSTANT (LOCAL)", "CODE", "KIND", "AGENCY/BOOKING", "DURATION", "CITATION")
MOVED_HEADER = (
    "CODE",
    "AGENCY/BOOKING",
    "A: INSTANT (LOCAL)",
    "DURATION",
    "KIND",
    "B: INSTANT (LOCAL)",
    "DURATION",
    "KIND",
)
AMBIGUOUS_NOTE = "* calendar_ambiguous: a state holiday calendar would change this deadline"


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "ongoing"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m"


def _local(f: Finding) -> str:
    zone = ZoneInfo(f.timezone) if f.timezone else None
    local = f.violation_at.astimezone(zone) if zone else f.violation_at
    return local.strftime("%Y-%m-%d %H:%M %Z")


def _row(f: Finding) -> tuple[str, ...]:
    return (
        _local(f),
        f.code + (" *" if f.calendar_ambiguous else ""),
        f.kind,
        f"{f.agency}/{f.booking_id or '-'}",
        _duration(f.duration_seconds),
        f.citation,
    )


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell; the last column is left ragged."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]) for r in rows
    ]


def render_table(findings: list[Finding]) -> str:
    lines = _aligned([HEADER, *(_row(f) for f in sorted(findings, key=lambda f: f.violation_at))])
    if any(f.calendar_ambiguous for f in findings):
        lines.append(AMBIGUOUS_NOTE)
    lines.append(f"{len(findings)} finding(s)")
    return "\n".join(lines) + "\n"


def _moved_row(e: Entry) -> tuple[str, ...]:
    a, b = e.a, e.b
    assert a is not None, "a moved entry has both sides"
    assert b is not None, "a moved entry has both sides"
    return (
        e.code + (" *" if a.calendar_ambiguous or b.calendar_ambiguous else ""),
        f"{e.agency}/{e.booking_id or '-'}",
        _local(a),
        _duration(a.duration_seconds),
        a.kind,
        _local(b),
        _duration(b.duration_seconds),
        b.kind,
    )


def _section(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    return [f"{title}: {len(rows)}", *(_aligned([header, *rows]) if rows else ["(none)"]), ""]


def render_comparison(c: Comparison) -> str:
    """The three sections of `audit --compare`, each in order of instant, local time."""
    only_a = [_row(e.a) for e in c.only_a if e.a is not None]
    only_b = [_row(e.b) for e in c.only_b if e.b is not None]
    lines = [
        f"A: {c.profile_a}   B: {c.profile_b}   as of {c.as_of.isoformat()}",
        "",
        *_section(f"ONLY UNDER A ({c.profile_a})", only_a, HEADER),
        *_section(f"ONLY UNDER B ({c.profile_b})", only_b, HEADER),
        *_section("SAME CODE, ANOTHER INSTANT", [_moved_row(e) for e in c.moved], MOVED_HEADER),
    ]
    sides = [f for e in (*c.only_a, *c.only_b, *c.moved) for f in (e.a, e.b) if f is not None]
    if any(f.calendar_ambiguous for f in sides):
        lines.append(AMBIGUOUS_NOTE)
    lines.append(
        f"{len(c.only_a)} only under A, {len(c.only_b)} only under B, "
        f"{len(c.moved)} at another instant"
    )
    return "\n".join(lines) + "\n"
