"""Dates, periods and durations as a reader says them: `1 March 2025 – 31 March 2025`,
`2 h 30 min`, `9 April 2025, 13:00 PDT`. For documents people read; machines get RFC 3339."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def days(start: datetime, end: datetime) -> str:
    """A half-open span of instants as the days it covers: its end's day is left out when
    the end falls at midnight (`2025-03-01` to `2025-04-01` is 1 March – 31 March)."""
    last = (end - timedelta(microseconds=1)).date() if end > start else start.date()
    first = start.date()
    return day(first) if last == first else f"{day(first)} – {day(last)}"


def duration(hours: float) -> str:
    """`2 h 30 min`, `45 min` (to the minute); past a day `3 d 4 h` (to the hour)."""
    minutes = round(hours * 60)
    if minutes >= 24 * 60:
        d, h = divmod(round(minutes / 60), 24)
        return f"{d} d {h} h" if h else f"{d} d"
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h} h {m} min" if m else f"{h} h"


def instant(t: datetime, zone: str | None = None) -> str:
    """`9 April 2025, 13:00 PDT`: in `zone` when given, else in the instant's own offset."""
    local = t.astimezone(ZoneInfo(zone)) if zone else t
    return f"{day(local.date())}, {local:%H:%M} {local.tzname() or ''}".rstrip()
