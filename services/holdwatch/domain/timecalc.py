"""Detainer-window arithmetic: when does a hold that began at release eligibility expire?

"RE" is the instant a person would otherwise have been released; a detainer asks the jail
to keep them past it. Three ways of counting exist, one function each:

* ``elapsed_deadline`` -- form I-247A: 48 *elapsed* hours. Computed in UTC so a DST change
  neither adds nor removes an hour, and weekends and holidays are not excluded.
* ``legacy_deadline`` -- 8 C.F.R. §287.7(d) as applied to older detainers: "48 hours,
  excluding Saturdays, Sundays, and holidays". Only time on counted local dates runs.
* ``same_day_deadline`` -- same-calendar-day windows (e.g. New Jersey): custody must end
  before local midnight of RE's date.

Every function is pure (no wall clock) and takes only timezone-aware datetimes; a naive
datetime raises ``ValueError`` naming the argument, because guessing its zone could move a
deadline by hours. Arithmetic runs in UTC: adding a timedelta to a ``ZoneInfo`` datetime in
Python is wall-clock arithmetic and would be wrong across DST.

No function here raises ``OverflowError``. The contract keeps event instants within the
years 1900-2199, but an evaluation instant or a deadline computed from one is not bound by
it, and ``datetime`` ends at 9999-12-31. ``shift`` clamps to ``EARLIEST``/``LATEST``, which
lie two days inside that range so that a clamped instant can still be read in any zone: a
deadline past the end of the calendar is "never" for every purpose a finding has.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from holdwatch.domain.calendars import HolidayCalendar

__all__ = [
    "EARLIEST",
    "LATEST",
    "clamp",
    "elapsed_deadline",
    "elapsed_seconds",
    "excluded_days",
    "legacy_deadline",
    "local_time_problem",
    "offset_matches_zone",
    "same_day_deadline",
    "shift",
]

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
#: The first and last instants the core computes with (see the module docstring).
EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=2)
LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
_LAST_DAY = LATEST.date() - _ONE_DAY
# More consecutive uncounted days than this means a broken calendar, not a long weekend.
_MAX_UNCOUNTED_RUN = 366


def shift(t: datetime, delta: timedelta) -> datetime:
    """``t + delta``, clamped to [``EARLIEST``, ``LATEST``]; never raises ``OverflowError``.

    Inside the bounds the result keeps ``t``'s offset, exactly as ``t + delta`` would.
    """
    try:
        moved = t + delta
    except OverflowError:
        return LATEST if delta > _ZERO else EARLIEST
    if moved > LATEST:
        return LATEST
    if moved < EARLIEST:
        return EARLIEST
    return moved


def clamp(t: datetime) -> datetime:
    """``t`` itself, or the nearer bound when it lies outside [``EARLIEST``, ``LATEST``]."""
    return shift(t, _ZERO)


def _require_aware(value: datetime, arg: str) -> datetime:
    """``value`` in UTC (clamped to the core's bounds); a naive datetime raises."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{arg} must be timezone-aware, got naive {value.isoformat()}")
    return clamp(value).astimezone(UTC)


def _require_window(window: timedelta) -> None:
    if window < timedelta(0):
        raise ValueError(f"window must not be negative, got {window}")


def _day_start(d: date, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) of local date ``d``.

    ``fold=0`` picks the earlier reading if midnight repeats and, if midnight falls in a
    spring-forward gap, maps to the transition instant, which is where the day begins.
    """
    return datetime.combine(d, time(0), tzinfo=zone).astimezone(UTC)


def _exclusion_reason(d: date, calendar: HolidayCalendar) -> str | None:
    """Why ``d`` is not counted under §287.7(d), or ``None`` if it is counted.

    The weekend reason wins over a holiday falling on it: the day is excluded either way,
    and the observed weekday carries the holiday's "(observed)" name.
    """
    weekday = d.weekday()
    if weekday == 5:
        return "Saturday"
    if weekday == 6:
        return "Sunday"
    return calendar.holiday_name(d)


def elapsed_deadline(start: datetime, window: timedelta, zone: ZoneInfo) -> datetime:
    """``start`` plus ``window`` of real elapsed time (form I-247A), expressed in ``zone``.

    Holidays and weekends are not excluded; a DST change shifts the wall-clock reading of
    the deadline by an hour, not the number of hours held.
    """
    start_utc = _require_aware(start, "start")
    _require_window(window)
    return shift(start_utc, window).astimezone(zone)


def legacy_deadline(
    start: datetime, window: timedelta, zone: ZoneInfo, calendar: HolidayCalendar
) -> datetime:
    """The instant ``window`` of counted time has run since ``start`` (8 C.F.R. §287.7(d)).

    Time counts only on local dates in ``zone`` that are Monday-Friday and not holidays in
    ``calendar``; if ``start`` falls on an excluded date the count begins at 00:00 of the
    next counted date. A counted date contributes its real span from local midnight to the
    next local midnight, so DST changes are measured, not assumed. The result is the first
    instant the count reaches ``window`` (possibly the midnight ending a counted day),
    expressed in ``zone``; a zero window returns ``start``. Raises ``ValueError`` if the
    calendar leaves more than a year without a counted day.
    """
    start_utc = _require_aware(start, "start")
    _require_window(window)
    if window == timedelta(0):
        return start_utc.astimezone(zone)
    remaining = window
    day = start_utc.astimezone(zone).date()
    uncounted_run = 0
    while True:
        if day > _LAST_DAY:  # the count runs past the end of the calendar: never
            return LATEST.astimezone(zone)
        if _exclusion_reason(day, calendar) is not None:
            uncounted_run += 1
            if uncounted_run > _MAX_UNCOUNTED_RUN:
                raise ValueError(f"calendar {calendar.name!r} has no counted day for a year")
            day += _ONE_DAY
            continue
        uncounted_run = 0
        next_day = day + _ONE_DAY
        counted_from = max(start_utc, _day_start(day, zone))
        available = _day_start(next_day, zone) - counted_from
        if available >= remaining:
            return clamp(counted_from + remaining).astimezone(zone)
        remaining -= available
        day = next_day


def excluded_days(
    start: datetime, end: datetime, zone: ZoneInfo, calendar: HolidayCalendar
) -> list[tuple[date, str]]:
    """Local dates from ``start``'s date to ``end``'s date (inclusive) that §287.7(d) skips.

    Each entry carries its reason -- "Saturday", "Sunday" or the holiday's name -- so a
    finding can say in plain words why a legacy deadline lies later than 48 hours.
    Both dates are taken in ``zone``; ``end`` before ``start`` raises ``ValueError``.
    """
    start_utc = _require_aware(start, "start")
    end_utc = _require_aware(end, "end")
    if end_utc < start_utc:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    day = start_utc.astimezone(zone).date()
    last = end_utc.astimezone(zone).date()
    result: list[tuple[date, str]] = []
    while day <= last:
        reason = _exclusion_reason(day, calendar)
        if reason is not None:
            result.append((day, reason))
        day += _ONE_DAY
    return result


def same_day_deadline(start: datetime, zone: ZoneInfo) -> datetime:
    """00:00 local of the day after ``start``'s local date in ``zone``.

    Same-calendar-day rules (e.g. New Jersey) forbid custody past 23:59:59 local time on
    the day of RE; the returned midnight is the first instant of violation.
    """
    start_utc = _require_aware(start, "start")
    next_day = start_utc.astimezone(zone).date() + _ONE_DAY
    return clamp(_day_start(next_day, zone)).astimezone(zone)


def elapsed_seconds(start: datetime, end: datetime) -> int:
    """Whole seconds of real time from ``start`` to ``end``, floored (negative if reversed).

    Integer arithmetic on the timedelta avoids float rounding on long spans.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    delta = end - start  # a difference of aware datetimes builds no datetime: no overflow
    return delta.days * 86_400 + delta.seconds


def local_time_problem(
    naive_local: datetime, zone: ZoneInfo
) -> Literal["nonexistent", "ambiguous"] | None:
    """Whether a wall-clock reading without offset is unusable as-is in ``zone``.

    Jail systems often export local times with no offset. A reading inside a
    spring-forward gap (2025-03-09T02:30 in Los Angeles) never happened: "nonexistent".
    One inside a fall-back overlap (2025-11-02T01:30) happened twice: "ambiguous".
    Detected by round-tripping both ``fold`` values through UTC.
    """
    if naive_local.tzinfo is not None:
        raise ValueError(f"naive_local must be naive (no tzinfo), got {naive_local.isoformat()}")
    early = naive_local.replace(tzinfo=zone, fold=0)
    late = naive_local.replace(tzinfo=zone, fold=1)
    wall = naive_local.replace(fold=0)
    try:
        round_trip = early.astimezone(UTC).astimezone(zone)
    except OverflowError:  # a reading at the very end of the calendar: no transition there
        return None
    if round_trip.replace(tzinfo=None, fold=0) != wall:
        return "nonexistent"
    if early.utcoffset() != late.utcoffset():
        return "ambiguous"
    return None


def offset_matches_zone(dt: datetime, zone: ZoneInfo, offset: timedelta | None = None) -> bool:
    """Whether ``dt``'s UTC offset is ``zone``'s real offset at that instant.

    A producer that stamps, say, -08:00 on a July event in Los Angeles (PDT is -07:00) has
    the clock or the zone wrong; the instant may be off by an hour, so flag it. Runs for
    every timestamp of an audit, so a caller that has read ``dt``'s offset passes it in.
    """
    if offset is None:
        offset = dt.utcoffset()
        if offset is None:
            _require_aware(dt, "dt")
    try:
        return offset == dt.astimezone(zone).utcoffset()
    except OverflowError:  # the zone's reading would fall outside the calendar
        return offset == clamp(dt).astimezone(zone).utcoffset()
