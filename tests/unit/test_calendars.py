"""Holiday calendars: what counts as a holiday for 8 C.F.R. §287.7(d) legacy windows."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import holidays
import pytest

from holdwatch.domain import calendars
from holdwatch.domain.calendars import HolidayCalendar, federal_calendar, state_calendar

FEDERAL_2025 = {
    date(2025, 1, 1): "New Year's Day",
    date(2025, 1, 20): "Martin Luther King Jr. Day",
    date(2025, 2, 17): "Washington's Birthday",
    date(2025, 5, 26): "Memorial Day",
    date(2025, 6, 19): "Juneteenth National Independence Day",
    date(2025, 7, 4): "Independence Day",
    date(2025, 9, 1): "Labor Day",
    date(2025, 10, 13): "Columbus Day",
    date(2025, 11, 11): "Veterans Day",
    date(2025, 11, 27): "Thanksgiving Day",
    date(2025, 12, 25): "Christmas Day",
}


def _holidays_in(calendar: HolidayCalendar, year: int) -> dict[date, str]:
    result: dict[date, str] = {}
    d = date(year, 1, 1)
    while d.year == year:
        name = calendar.holiday_name(d)
        if name is not None:
            result[d] = name
        d = date.fromordinal(d.toordinal() + 1)
    return result


def test_federal_2025_is_exactly_the_eleven_legal_public_holidays() -> None:
    assert _holidays_in(federal_calendar(), 2025) == FEDERAL_2025


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Juneteenth exists from 2021 (observed Friday 2021-06-18), not before.
        (date(2020, 6, 19), None),
        (date(2021, 6, 18), "Juneteenth National Independence Day (observed)"),
        (date(2025, 6, 19), "Juneteenth National Independence Day"),
        # Inauguration Day is a D.C.-area holiday only (5 U.S.C. §6103(c)).
        (date(2021, 1, 20), None),
        (date(2017, 1, 20), None),
        (date(2025, 1, 20), "Martin Luther King Jr. Day"),
        # Weekend holidays are observed on the nearest weekday.
        (date(2026, 7, 3), "Independence Day (observed)"),
        (date(2026, 7, 4), "Independence Day"),
        (date(2021, 12, 31), "New Year's Day (observed)"),
        (date(2022, 12, 26), "Christmas Day (observed)"),
        (date(2021, 7, 5), "Independence Day (observed)"),
        # Not federal: day after Thanksgiving, Christmas Eve, E.O. closures.
        (date(2013, 11, 29), None),
        (date(2025, 12, 24), None),
        (date(2014, 12, 26), None),
        (date(2013, 11, 28), "Thanksgiving Day"),
        (date(2025, 11, 27), "Thanksgiving Day"),
        (date(2026, 1, 1), "New Year's Day"),
    ],
)
def test_federal_holiday_name(day: date, expected: str | None) -> None:
    calendar = federal_calendar()
    assert calendar.holiday_name(day) == expected
    assert calendar.is_holiday(day) is (expected is not None)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2013, 11, 29), "Day After Thanksgiving"),
        (date(2025, 11, 28), "Day After Thanksgiving"),
        (date(2025, 3, 31), "Cesar Chavez Day"),
        (date(2013, 4, 1), "Cesar Chavez Day (observed)"),
        # Federal names win on shared dates; federal-only days stay holidays.
        (date(2025, 2, 17), "Washington's Birthday"),
        (date(2025, 10, 13), "Columbus Day"),
        # Lincoln's Birthday only through 2009 in the package's CA data.
        (date(2009, 2, 12), "Lincoln's Birthday"),
        (date(2010, 2, 12), None),
        # Susan B. Anthony Day (2014+) has no weekend shift; Diwali from 2026.
        (date(2028, 2, 15), "Susan B. Anthony Day"),
        (date(2013, 2, 15), None),
        (date(2026, 11, 8), "Diwali"),
        (date(2025, 12, 24), None),
    ],
)
def test_california_holiday_name(day: date, expected: str | None) -> None:
    assert state_calendar("CA").holiday_name(day) == expected


@pytest.mark.parametrize(
    ("calendar", "name"),
    [
        (federal_calendar(), "us-federal"),
        (state_calendar("CA"), "us-federal+CA"),
        (state_calendar(" ny "), "us-federal+NY"),
        (federal_calendar({date(2014, 12, 26): "E.O. 13682"}), "us-federal+extra[2014-12-26]"),
    ],
)
def test_calendar_names(calendar: HolidayCalendar, name: str) -> None:
    assert calendar.name == name


def test_extra_dates_add_closures_without_renaming_holidays() -> None:
    calendar = federal_calendar(
        {date(2014, 12, 26): "E.O. 13682 closure", date(2025, 12, 25): "duplicate"}
    )
    assert calendar.holiday_name(date(2014, 12, 26)) == "E.O. 13682 closure"
    assert calendar.holiday_name(date(2025, 12, 25)) == "Christmas Day"
    assert federal_calendar().holiday_name(date(2014, 12, 26)) is None


def test_factories_are_cached_and_calendars_hashable() -> None:
    assert federal_calendar() is federal_calendar()
    assert state_calendar("ca") is state_calendar("CA")
    extra = {date(2014, 12, 26): "E.O. 13682"}
    assert federal_calendar(extra) is federal_calendar(dict(extra))
    assert len({federal_calendar(), state_calendar("CA"), federal_calendar()}) == 2


def test_calendar_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        federal_calendar().name = "other"  # type: ignore[misc]


def test_each_year_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calendars, "country_holidays", counting)
    calendar = HolidayCalendar(name="us-federal")
    for _ in range(3):
        _holidays_in(calendar, 2025)
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: state_calendar("ZZ"), ValueError),
        (lambda: federal_calendar().holiday_name(datetime(2025, 7, 4)), TypeError),
        (lambda: federal_calendar({datetime(2025, 7, 4): "x"}), TypeError),
    ],
)
def test_bad_input(call: object, error: type[Exception]) -> None:
    assert callable(call)
    with pytest.raises(error):
        call()
