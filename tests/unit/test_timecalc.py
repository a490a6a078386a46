"""Detainer-window arithmetic: I-247A elapsed hours, 8 C.F.R. §287.7(d), same-day rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holdwatch.domain.calendars import HolidayCalendar, federal_calendar, state_calendar
from holdwatch.domain.timecalc import (
    EARLIEST,
    LATEST,
    clamp,
    elapsed_deadline,
    elapsed_seconds,
    excluded_days,
    legacy_deadline,
    local_time_problem,
    offset_matches_zone,
    same_day_deadline,
    shift,
)
from holdwatch.policy.ca.section_7282_5 import _years_before

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
CHI = ZoneInfo("America/Chicago")
HNL = ZoneInfo("Pacific/Honolulu")
H48 = timedelta(hours=48)
FED = federal_calendar()
CA = state_calendar("CA")
EO_14371 = federal_calendar({date(2025, 12, 24): "E.O. 14371", date(2025, 12, 26): "E.O. 14371"})
at = datetime.fromisoformat


@pytest.mark.parametrize(
    ("start", "zone", "expected"),
    [
        ("2025-03-08T22:00:00-08:00", LA, "2025-03-10T23:00:00-07:00"),  # spring forward
        ("2025-11-01T22:00:00-07:00", LA, "2025-11-03T21:00:00-08:00"),  # fall back
        ("2025-12-24T17:00:00-06:00", CHI, "2025-12-26T17:00:00-06:00"),  # Christmas counts
        ("2025-07-03T08:00:00-07:00", LA, "2025-07-05T08:00:00-07:00"),
        ("2025-06-10T22:00:00+00:00", LA, "2025-06-12T15:00:00-07:00"),  # UTC in, zone out
        ("2025-03-08T22:00:00-10:00", HNL, "2025-03-10T22:00:00-10:00"),  # no DST
        ("2025-03-08T22:00:00-05:00", NY, "2025-03-10T23:00:00-04:00"),
    ],
)
def test_elapsed_deadline(start: str, zone: ZoneInfo, expected: str) -> None:
    result = elapsed_deadline(at(start), H48, zone)
    assert result.isoformat() == expected
    assert result.tzinfo is zone


@pytest.mark.parametrize(
    ("start", "zone", "calendar", "expected"),
    [
        # Ordinary week: Thursday 17:00 -> Monday 17:00.
        ("2025-06-12T17:00:00-07:00", LA, FED, "2025-06-16T17:00:00-07:00"),
        # S20: Wednesday before Thanksgiving; California also closes the Friday.
        ("2013-11-27T15:00:00-08:00", LA, FED, "2013-12-02T15:00:00-08:00"),
        ("2013-11-27T15:00:00-08:00", LA, CA, "2013-12-03T15:00:00-08:00"),
        # S22: Friday before Memorial Day.
        ("2015-05-22T16:00:00-07:00", LA, FED, "2015-05-27T16:00:00-07:00"),
        # July 4 2025 is a Friday holiday.
        ("2025-07-03T08:00:00-07:00", LA, FED, "2025-07-08T08:00:00-07:00"),
        # RE on Saturday / Sunday / holiday: count starts 00:00 of the next counted day.
        ("2025-06-14T10:00:00-07:00", LA, FED, "2025-06-18T00:00:00-07:00"),
        ("2025-06-15T23:59:00-07:00", LA, FED, "2025-06-18T00:00:00-07:00"),
        ("2025-05-26T09:00:00-07:00", LA, FED, "2025-05-29T00:00:00-07:00"),
        # RE exactly at midnight.
        ("2025-06-16T00:00:00-07:00", LA, FED, "2025-06-18T00:00:00-07:00"),
        ("2025-06-14T00:00:00-07:00", LA, FED, "2025-06-18T00:00:00-07:00"),
        ("2025-06-13T00:00:00-07:00", LA, FED, "2025-06-17T00:00:00-07:00"),
        # Across New Year.
        ("2025-12-31T12:00:00-08:00", LA, FED, "2026-01-05T12:00:00-08:00"),
        # Christmas Eve: Christmas excluded; E.O. 14371 closures only if added as extra.
        ("2025-12-24T17:00:00-06:00", CHI, FED, "2025-12-29T17:00:00-06:00"),
        ("2025-12-24T17:00:00-06:00", CHI, EO_14371, "2025-12-31T00:00:00-06:00"),
        # Thanksgiving 2025, federal (New York) and California.
        ("2025-11-26T09:00:00-05:00", NY, FED, "2025-12-01T09:00:00-05:00"),
        ("2025-11-26T09:00:00-08:00", LA, CA, "2025-12-02T09:00:00-08:00"),
        # July 4 2026 is a Saturday, observed Friday July 3.
        ("2026-07-02T10:00:00-07:00", LA, FED, "2026-07-07T10:00:00-07:00"),
        # US DST changes fall on (excluded) Sundays: the wall clock is preserved.
        ("2025-03-06T17:00:00-08:00", LA, FED, "2025-03-10T17:00:00-07:00"),
        ("2025-10-30T17:00:00-07:00", LA, FED, "2025-11-03T17:00:00-08:00"),
        ("2025-03-06T17:00:00-06:00", CHI, FED, "2025-03-10T17:00:00-05:00"),
        ("2025-03-06T17:00:00-10:00", HNL, FED, "2025-03-10T17:00:00-10:00"),
        # Weekday DST changes prove each counted day contributes its real span:
        # Israel springs forward on Friday (23 h); Cairo skips Friday 00:00-01:00
        # and repeats Thursday 23:00-24:00 (25 h).
        ("2025-03-27T00:00:00+02:00", ZoneInfo("Asia/Jerusalem"), FED, "2025-03-31T01:00:00+03:00"),
        ("2024-04-25T12:00:00+02:00", ZoneInfo("Africa/Cairo"), FED, "2024-04-29T13:00:00+03:00"),
        ("2024-10-31T00:00:00+03:00", ZoneInfo("Africa/Cairo"), FED, "2024-11-01T23:00:00+02:00"),
    ],
)
def test_legacy_deadline(
    start: str, zone: ZoneInfo, calendar: HolidayCalendar, expected: str
) -> None:
    result = legacy_deadline(at(start), H48, zone, calendar)
    assert result.isoformat() == expected
    assert result.tzinfo is zone


@pytest.mark.parametrize(
    ("start", "window", "expected"),
    [
        ("2025-06-14T10:00:00-07:00", timedelta(0), "2025-06-14T10:00:00-07:00"),
        ("2025-06-12T17:00:00-07:00", timedelta(0), "2025-06-12T17:00:00-07:00"),
        ("2025-06-12T17:00:00-07:00", timedelta(hours=7), "2025-06-13T00:00:00-07:00"),
        ("2025-06-12T17:00:00-07:00", timedelta(hours=24), "2025-06-13T17:00:00-07:00"),
        ("2025-06-12T17:00:00-07:00", timedelta(hours=72), "2025-06-17T17:00:00-07:00"),
        ("2025-06-12T17:00:00-07:00", timedelta(seconds=1), "2025-06-12T17:00:01-07:00"),
    ],
)
def test_legacy_deadline_other_windows(start: str, window: timedelta, expected: str) -> None:
    assert legacy_deadline(at(start), window, LA, FED).isoformat() == expected


def test_legacy_deadline_rejects_calendar_without_counted_days() -> None:
    class Everything(HolidayCalendar):
        def holiday_name(self, d: date) -> str | None:
            return "closed"

    with pytest.raises(ValueError, match="no counted day"):
        legacy_deadline(at("2025-06-12T17:00:00-07:00"), H48, LA, Everything(name="closed"))


@pytest.mark.parametrize(
    ("start", "zone", "expected"),
    [
        ("2025-06-10T15:00:00-04:00", NY, "2025-06-11T00:00:00-04:00"),
        ("2025-06-10T00:00:00-04:00", NY, "2025-06-11T00:00:00-04:00"),
        ("2025-06-10T23:59:59-04:00", NY, "2025-06-11T00:00:00-04:00"),
        ("2025-06-11T02:00:00+00:00", NY, "2025-06-11T00:00:00-04:00"),  # local date is 06-10
        ("2025-03-08T12:00:00-08:00", LA, "2025-03-09T00:00:00-08:00"),
        ("2025-03-09T12:00:00-07:00", LA, "2025-03-10T00:00:00-07:00"),
        ("2025-11-01T12:00:00-07:00", LA, "2025-11-02T00:00:00-07:00"),
        ("2025-12-31T20:00:00-10:00", HNL, "2026-01-01T00:00:00-10:00"),
    ],
)
def test_same_day_deadline(start: str, zone: ZoneInfo, expected: str) -> None:
    assert same_day_deadline(at(start), zone).isoformat() == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-06-10T15:00:00-04:00", "2025-06-10T15:00:00-04:00", 0),
        ("2025-03-08T22:00:00-08:00", "2025-03-10T23:00:00-07:00", 48 * 3600),
        ("2025-11-01T22:00:00-07:00", "2025-11-02T01:30:00-08:00", 4 * 3600 + 1800),
        ("2025-06-10T15:00:00-04:00", "2025-06-10T19:00:00.999999+00:00", 0),
        ("2025-06-10T15:00:00-04:00", "2025-06-10T19:00:01.5+00:00", 1),
        ("2025-06-10T15:00:01.5-04:00", "2025-06-10T15:00:00-04:00", -2),
        ("2025-06-10T15:00:00-04:00", "2025-06-09T15:00:00-04:00", -86400),
    ],
)
def test_elapsed_seconds(start: str, end: str, expected: int) -> None:
    assert elapsed_seconds(at(start), at(end)) == expected


@pytest.mark.parametrize(
    ("start", "end", "calendar", "expected"),
    [
        (
            "2025-07-03T08:00:00-07:00",
            "2025-07-08T08:00:00-07:00",
            FED,
            [
                (date(2025, 7, 4), "Independence Day"),
                (date(2025, 7, 5), "Saturday"),
                (date(2025, 7, 6), "Sunday"),
            ],
        ),
        (
            "2013-11-27T15:00:00-08:00",
            "2013-12-03T15:00:00-08:00",
            CA,
            [
                (date(2013, 11, 28), "Thanksgiving Day"),
                (date(2013, 11, 29), "Day After Thanksgiving"),
                (date(2013, 11, 30), "Saturday"),
                (date(2013, 12, 1), "Sunday"),
            ],
        ),
        (
            "2026-07-02T10:00:00-07:00",
            "2026-07-07T10:00:00-07:00",
            FED,
            [
                (date(2026, 7, 3), "Independence Day (observed)"),
                (date(2026, 7, 4), "Saturday"),
                (date(2026, 7, 5), "Sunday"),
            ],
        ),
        ("2025-06-09T08:00:00-07:00", "2025-06-11T08:00:00-07:00", FED, []),
        (
            "2025-06-14T08:00:00-07:00",
            "2025-06-14T08:00:00-07:00",
            FED,
            [(date(2025, 6, 14), "Saturday")],
        ),
        # Dates are local to the zone: 06:00Z Saturday is still Friday in Los Angeles.
        ("2025-06-14T06:00:00+00:00", "2025-06-14T06:30:00+00:00", FED, []),
    ],
)
def test_excluded_days(
    start: str, end: str, calendar: HolidayCalendar, expected: list[tuple[date, str]]
) -> None:
    assert excluded_days(at(start), at(end), LA, calendar) == expected


def test_excluded_days_rejects_reversed_interval() -> None:
    with pytest.raises(ValueError, match="before start"):
        excluded_days(at("2025-06-12T00:00-07:00"), at("2025-06-11T00:00-07:00"), LA, FED)


@pytest.mark.parametrize(
    ("wall", "zone", "expected"),
    [
        (datetime(2025, 3, 9, 2, 30), LA, "nonexistent"),
        (datetime(2025, 3, 9, 2, 0), LA, "nonexistent"),
        (datetime(2025, 3, 9, 3, 0), LA, None),
        (datetime(2025, 3, 9, 1, 59, 59), LA, None),
        (datetime(2025, 11, 2, 1, 30), LA, "ambiguous"),
        (datetime(2025, 11, 2, 1, 30, fold=1), LA, "ambiguous"),
        (datetime(2025, 11, 2, 1, 0), LA, "ambiguous"),
        (datetime(2025, 11, 2, 2, 0), LA, None),
        (datetime(2025, 11, 2, 0, 59), LA, None),
        (datetime(2025, 3, 9, 2, 30), NY, "nonexistent"),
        (datetime(2025, 3, 9, 2, 30), HNL, None),
        (datetime(2025, 11, 2, 1, 30), HNL, None),
        (datetime(2025, 6, 10, 15, 0), NY, None),
    ],
)
def test_local_time_problem(wall: datetime, zone: ZoneInfo, expected: str | None) -> None:
    assert local_time_problem(wall, zone) == expected


@pytest.mark.parametrize(
    ("stamp", "zone", "expected"),
    [
        ("2025-07-01T12:00:00-07:00", LA, True),
        ("2025-07-01T12:00:00-08:00", LA, False),  # PST stamped in summer
        ("2025-01-15T12:00:00-08:00", LA, True),
        ("2025-01-15T12:00:00-07:00", LA, False),
        ("2025-11-02T01:30:00-07:00", LA, True),  # both readings of the repeated hour
        ("2025-11-02T01:30:00-08:00", LA, True),
        ("2025-07-01T19:00:00+00:00", LA, False),  # right instant, UTC offset
        ("2025-07-01T12:00:00-10:00", HNL, True),
        ("2025-07-01T12:00:00-04:00", NY, True),
        ("2025-07-01T12:00:00-05:00", CHI, True),
    ],
)
def test_offset_matches_zone(stamp: str, zone: ZoneInfo, expected: bool) -> None:
    assert offset_matches_zone(at(stamp), zone) is expected


def test_offset_matches_zone_accepts_zoneinfo_datetimes() -> None:
    assert offset_matches_zone(datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=LA), LA)


NAIVE = datetime(2025, 6, 10, 15, 0)
AWARE = at("2025-06-10T15:00:00-04:00")


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        (lambda: elapsed_deadline(NAIVE, H48, LA), "start"),
        (lambda: legacy_deadline(NAIVE, H48, LA, FED), "start"),
        (lambda: excluded_days(NAIVE, AWARE, LA, FED), "start"),
        (lambda: excluded_days(AWARE, NAIVE, LA, FED), "end"),
        (lambda: same_day_deadline(NAIVE, LA), "start"),
        (lambda: elapsed_seconds(NAIVE, AWARE), "start"),
        (lambda: elapsed_seconds(AWARE, NAIVE), "end"),
        (lambda: offset_matches_zone(NAIVE, LA), "dt"),
        (lambda: local_time_problem(AWARE, LA), "naive_local"),
        (lambda: elapsed_deadline(AWARE, -H48, LA), "window"),
        (lambda: legacy_deadline(AWARE, -H48, LA, FED), "window"),
    ],
)
def test_bad_input_names_the_argument(call: Callable[[], object], arg: str) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} "):
        call()


# --- properties ---------------------------------------------------------------------------

ZONES = [LA, NY, CHI, HNL, ZoneInfo("Asia/Jerusalem"), ZoneInfo("Africa/Cairo")]
instants = st.datetimes(min_value=datetime(2012, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
windows = st.integers(min_value=0, max_value=7 * 24 * 3600).map(lambda s: timedelta(seconds=s))
zones = st.sampled_from(ZONES)
calendars = st.sampled_from([FED, CA, EO_14371])


def counted_time(
    start: datetime, end: datetime, zone: ZoneInfo, calendar: HolidayCalendar
) -> timedelta:
    """Time in [start, end) on local weekdays that are not holidays, measured day by day."""
    total = timedelta(0)
    day = start.astimezone(zone).date()
    while True:
        day_start = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        if day_start >= end:
            return total
        nxt = day + timedelta(days=1)
        next_start = datetime.combine(nxt, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        if day.weekday() < 5 and not calendar.is_holiday(day):
            total += max(timedelta(0), min(end, next_start) - max(start, day_start))
        day = nxt


@settings(max_examples=300, deadline=None)
@given(start=instants, window=windows, zone=zones, calendar=calendars)
def test_legacy_never_earlier_than_elapsed(
    start: datetime, window: timedelta, zone: ZoneInfo, calendar: HolidayCalendar
) -> None:
    assert legacy_deadline(start, window, zone, calendar) >= elapsed_deadline(start, window, zone)


@settings(max_examples=300, deadline=None)
@given(
    start=instants,
    shift=st.integers(min_value=0, max_value=5 * 24 * 3600),
    window=windows,
    zone=zones,
    calendar=calendars,
)
def test_deadlines_monotone_in_start(
    start: datetime, shift: int, window: timedelta, zone: ZoneInfo, calendar: HolidayCalendar
) -> None:
    later = start + timedelta(seconds=shift)
    # compared as instants: two times of one zone compare by wall-clock reading in Python,
    # which is not their order across a fall-back (01:59:59 PDT comes before 01:00 PST)
    assert elapsed_deadline(start, window, zone).timestamp() <= (
        elapsed_deadline(later, window, zone).timestamp()
    )
    assert legacy_deadline(start, window, zone, calendar).timestamp() <= (
        legacy_deadline(later, window, zone, calendar).timestamp()
    )


@settings(max_examples=300, deadline=None)
@given(start=instants, window=windows, zone=zones, calendar=calendars)
def test_counted_time_to_legacy_deadline_equals_window(
    start: datetime, window: timedelta, zone: ZoneInfo, calendar: HolidayCalendar
) -> None:
    deadline = legacy_deadline(start, window, zone, calendar).astimezone(UTC)
    assert counted_time(start, deadline, zone, calendar) == window
    assert deadline - start >= window


@settings(max_examples=200, deadline=None)
@given(start=instants, window=windows, zone=zones)
def test_elapsed_deadline_is_exact_real_time(
    start: datetime, window: timedelta, zone: ZoneInfo
) -> None:
    deadline = elapsed_deadline(start, window, zone)
    assert deadline - start == window
    assert elapsed_seconds(start, deadline) == window.total_seconds()
    assert offset_matches_zone(deadline, zone)


# --- no overflow at the ends of the calendar -------------------------------------------

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14, the easternmost offset in use
EAST = timezone(timedelta(hours=14))
WEST = timezone(-timedelta(hours=23, minutes=59))
#: `0001-01-01T00:00:00+14:00` and `9999-12-31T23:59:59-23:59` are valid RFC 3339 text.
DAWN = datetime.min.replace(tzinfo=EAST)
DUSK = datetime.max.replace(tzinfo=WEST)
NEAR_END = datetime.max.replace(tzinfo=UTC) - timedelta(hours=1)


@pytest.mark.parametrize(
    ("t", "delta", "expected"),
    [
        (at("2025-04-08T11:00:00-07:00"), H48, at("2025-04-10T11:00:00-07:00")),
        (NEAR_END, H48, LATEST),
        (DUSK, -H48, LATEST),
        (DAWN, -timedelta(days=1), EARLIEST),
        (DAWN, timedelta(days=5), DAWN + timedelta(days=5)),
        (at("2025-04-08T11:00:00Z"), timedelta.max, LATEST),
        (at("2025-04-08T11:00:00Z"), timedelta.min, EARLIEST),
    ],
    ids=["inside", "past the end", "from beyond the end", "before the start", "off the start",
         "timedelta.max", "timedelta.min"],
)  # fmt: skip
def test_shift_adds_exactly_inside_the_bounds_and_clamps_outside(
    t: datetime, delta: timedelta, expected: datetime
) -> None:
    moved = shift(t, delta)
    assert moved == expected
    for zone in (KIRITIMATI, HNL, EAST, WEST):
        moved.astimezone(zone)  # readable in every zone


def test_shift_keeps_the_offset_inside_the_bounds() -> None:
    assert shift(at("2025-04-08T11:00:00-07:00"), H48).isoformat() == "2025-04-10T11:00:00-07:00"
    assert clamp(DUSK) == LATEST and clamp(DAWN) == EARLIEST


@pytest.mark.parametrize("zone", [KIRITIMATI, LA, HNL, ZoneInfo("UTC")])
@pytest.mark.parametrize("start", [NEAR_END, DUSK, DAWN], ids=["near end", "dusk", "dawn"])
def test_deadline_functions_never_overflow(start: datetime, zone: ZoneInfo) -> None:
    for result in (
        elapsed_deadline(start, H48, zone),
        legacy_deadline(start, H48, zone, FED),
        same_day_deadline(start, zone),
    ):
        assert EARLIEST <= result <= LATEST
    assert legacy_deadline(NEAR_END, H48, zone, FED) == LATEST
    assert elapsed_deadline(NEAR_END, H48, zone) == LATEST
    excluded_days(start, clamp(start), zone, FED)
    offset_matches_zone(start, zone)
    local_time_problem(start.replace(tzinfo=None), zone)


def test_elapsed_seconds_is_exact_across_the_whole_calendar() -> None:
    span = DUSK - DAWN
    assert elapsed_seconds(DAWN, DUSK) == span.days * 86_400 + span.seconds


def test_lookback_before_year_one_is_the_first_date() -> None:
    assert _years_before(date(5, 3, 1), 15) == date.min
    assert _years_before(date(2024, 2, 29), 15) == date(2009, 2, 28)
