"""Holiday calendars for the legacy detainer window.

8 C.F.R. §287.7(d) (pre-I-247A detainers) let a jail hold a person "for a period not to
exceed 48 hours, excluding Saturdays, Sundays, and holidays". Which holidays is a legal
question the calendar answers, so the calendar is data chosen by policy, not code:

* ``federal_calendar()`` -- the legal public holidays of 5 U.S.C. §6103(a), plus the
  weekday on which a weekend holiday is observed (Saturday -> Friday, Sunday -> Monday;
  E.O. 11582). Built from ``holidays.US(observed=True)`` with no subdivision, which yields
  exactly those eleven holidays (Juneteenth from 2021) and not Inauguration Day, which
  §6103(c) grants only to employees in the Washington, D.C. area.
* ``state_calendar("CA")`` -- the federal calendar plus whatever ``holidays.US(subdiv=...)``
  lists for that state. For California the package follows the CalHR state-employee
  schedule, not Cal. Gov. Code §6700: Cesar Chavez Day (Mar 31, Sunday -> Monday, 1995+),
  Day After Thanksgiving (1975+), Lincoln's Birthday only 1971-2009, Columbus Day only
  through 2008, "Presidents' Day" (same date as Washington's Birthday), Susan B. Anthony
  Day (Feb 15, 2014+, with no weekend shift) and Diwali (2026+, AB 268). Federal names win
  on dates both calendars share; federal-only days (e.g. Columbus Day) stay excluded.
* ``state_list_calendar("NH")`` -- what ``holidays.US(subdiv=...)`` lists for the state
  alone, for a state law that counts its own holidays and not every federal one (New
  Hampshire's package list has no Columbus Day, and adds the Day After Thanksgiving and,
  in even years, Election Day).
* ``extra`` -- one-off closures such as E.O. 13682 (Friday 2014-12-26). The package
  keeps those only in its "government" category, which these calendars do not use.

Everything here is pure: the ``holidays`` package is static data, and each year is
computed once per calendar and cached, because ``is_holiday`` runs inside day loops.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from holidays import country_holidays
from holidays.countries.united_states import UnitedStates

__all__ = ["HolidayCalendar", "federal_calendar", "state_calendar", "state_list_calendar"]

FEDERAL_NAME = "us-federal"


@dataclass(frozen=True)
class HolidayCalendar:
    """A named set of holiday dates, with the name shown in plain-language explanations.

    ``subdiv`` is a ``holidays.US`` subdivision code whose holidays are added to the
    federal ones (``None`` for federal only); ``extra`` holds additional closure dates.
    Instances are immutable and hashable; the per-year table is a private cache.
    """

    name: str
    subdiv: str | None = None
    extra: tuple[tuple[date, str], ...] = ()
    #: whether the federal holidays count too (False: the subdivision's own list only)
    with_federal: bool = True
    _years: dict[int, dict[date, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name if ``d`` is a holiday in this calendar, else ``None``.

        ``d`` must be a local calendar date: a ``datetime`` is refused because which
        date it falls on depends on the jail's time zone, which only the caller knows.
        """
        if isinstance(d, datetime):
            raise TypeError("d must be a date in the jail's local calendar, not a datetime")
        table = self._years.get(d.year)
        if table is None:
            table = self._build_year(d.year)
            self._years[d.year] = table  # benign race: every writer stores the same table
        return table.get(d)

    def is_holiday(self, d: date) -> bool:
        """Whether ``d`` (a local calendar date) is a holiday in this calendar."""
        return self.holiday_name(d) is not None

    def _build_year(self, year: int) -> dict[date, str]:
        table: dict[date, str] = {}
        if self.with_federal:
            _merge(table, country_holidays("US", years=year, observed=True))
        if self.subdiv is not None:
            _merge(table, country_holidays("US", subdiv=self.subdiv, years=year, observed=True))
        _merge(table, {d: n for d, n in self.extra if d.year == year})
        return table


def _merge(table: dict[date, str], source: Mapping[Any, Any]) -> None:
    """Add ``source``'s dates to ``table``; a name already present wins (federal first)."""
    for d, holiday_name in source.items():
        table.setdefault(d, str(holiday_name))


def _extra_items(extra: Mapping[date, str] | None) -> tuple[tuple[date, str], ...]:
    if not extra:
        return ()
    for d in extra:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"extra keys must be dates, got {d!r}")
    return tuple(sorted(extra.items()))


def _name(base: str, extra: tuple[tuple[date, str], ...]) -> str:
    if not extra:
        return base
    return f"{base}+extra[{','.join(d.isoformat() for d, _ in extra)}]"


@lru_cache(maxsize=64)
def _cached(subdiv: str | None, extra: tuple[tuple[date, str], ...]) -> HolidayCalendar:
    base = FEDERAL_NAME if subdiv is None else f"{FEDERAL_NAME}+{subdiv}"
    return HolidayCalendar(name=_name(base, extra), subdiv=subdiv, extra=extra)


def federal_calendar(extra: Mapping[date, str] | None = None) -> HolidayCalendar:
    """Federal legal public holidays (5 U.S.C. §6103), with weekend observance shifts.

    ``extra`` adds one-off closures, e.g. ``{date(2014, 12, 26): "E.O. 13682 closure"}``.
    Calls with equal arguments return the same cached instance.
    """
    return _cached(None, _extra_items(extra))


@lru_cache(maxsize=16)
def _state_list(subdiv: str) -> HolidayCalendar:
    return HolidayCalendar(name=f"{subdiv} state holidays", subdiv=subdiv, with_federal=False)


def state_list_calendar(subdiv: str) -> HolidayCalendar:
    """The holidays ``holidays.US(subdiv=...)`` lists for one state, without adding the
    federal ones the state does not observe. An unknown code raises ``ValueError``."""
    code = subdiv.strip().upper()
    if code not in UnitedStates.subdivisions:
        raise ValueError(f"subdiv {subdiv!r} is not a holidays.US subdivision")
    return _state_list(code)


def state_calendar(subdiv: str, extra: Mapping[date, str] | None = None) -> HolidayCalendar:
    """Federal holidays plus those ``holidays.US(subdiv=...)`` lists for one state/territory.

    ``subdiv`` is a postal code such as ``"CA"`` (case-insensitive); an unknown code raises
    ``ValueError``. See the module docstring for what the package includes for California.
    """
    code = subdiv.strip().upper()
    if code not in UnitedStates.subdivisions:
        raise ValueError(f"subdiv {subdiv!r} is not a holidays.US subdivision")
    return _cached(code, _extra_items(extra))
