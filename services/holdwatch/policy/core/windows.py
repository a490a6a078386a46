"""How long a detainer may hold, and until when: the form decides.

The cap is the smallest of the form's printed window, state law and 8 C.F.R. §287.7(d).
The I-247A counts 48 elapsed hours (in UTC); the legacy I-247 and the regulation count 48
hours of local weekdays that are not holidays. Where the form's wording is unverified
(I-247D) or unknown, the elapsed reading is primary and the legacy one its alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from holdwatch.domain.calendars import HolidayCalendar, federal_calendar, state_calendar
from holdwatch.domain.state import Detainer
from holdwatch.domain.timecalc import elapsed_deadline, legacy_deadline

Counting = Literal["none", "elapsed", "legacy"]
FORTY_EIGHT = timedelta(hours=48)

#: US states whose jails keep each zone's time; a legacy deadline is compared against
#: each one's holidays when the profile does not name its state.
ZONE_STATES: dict[str, tuple[str, ...]] = {
    "America/Los_Angeles": ("CA", "NV", "OR", "WA"),
    "America/Denver": ("CO", "MT", "NM", "UT", "WY"),
    "America/Phoenix": ("AZ",),
    "America/Chicago": ("IL", "TX", "MN", "WI", "MO", "LA"),
    "America/New_York": ("NY", "NJ", "PA", "FL", "GA", "MA", "NC", "VA", "OH", "MI"),
    "Pacific/Honolulu": ("HI",),
    "America/Anchorage": ("AK",),
}


@dataclass(frozen=True, slots=True)
class HoldWindow:
    counting: Counting
    citation: str
    why: str
    uncertain: bool = False  # the form's counting rule is unverified: legacy is the alternative

    @property
    def length(self) -> timedelta:
        return timedelta(0) if self.counting == "none" else FORTY_EIGHT


def window_for(d: Detainer) -> HoldWindow:
    """The hold window the detainer itself asks for (the jail may not hold longer)."""
    if "maintain_custody" not in d.requests:
        return HoldWindow(
            "none",
            f"Form {d.form}",
            f"the {d.form} did not ask the jail to keep custody past release",
        )
    if d.form == "I-247A":
        return HoldWindow(
            "elapsed",
            "DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
            "the I-247A asks for at most 48 hours beyond release, counted in elapsed time",
        )
    if d.form == "I-247":
        return HoldWindow(
            "legacy",
            "8 C.F.R. §287.7(d); DHS Form I-247",
            "the I-247 asks for at most 48 hours excluding Saturdays, Sundays and holidays",
        )
    return HoldWindow(
        "elapsed",
        "8 C.F.R. §287.7(d)",
        f"the {d.form} window is not verified; 48 elapsed hours is assumed, and 48 hours "
        "excluding weekends and holidays (8 C.F.R. §287.7(d)) is the outer limit",
        uncertain=True,
    )


@dataclass(frozen=True, slots=True)
class HoldDeadline:
    at: datetime
    window: HoldWindow
    #: other readings: (calendar or rule name, deadline)
    alternatives: tuple[tuple[str, datetime], ...]


def _calendars(state: str | None, zone: ZoneInfo) -> list[HolidayCalendar]:
    states = (state,) if state else ZONE_STATES.get(str(zone), ())
    return [state_calendar(s) for s in states]


def deadline_for(
    re: datetime, window: HoldWindow, zone: ZoneInfo, state: str | None
) -> HoldDeadline:
    """RE plus the window under its counting rule, with the readings that differ."""
    if window.counting == "none":
        return HoldDeadline(re, window, ())
    if window.counting == "elapsed":
        at = elapsed_deadline(re, FORTY_EIGHT, zone)
        if not window.uncertain:
            return HoldDeadline(at, window, ())
        legacy = legacy_deadline(re, FORTY_EIGHT, zone, federal_calendar())
        return HoldDeadline(at, window, (("8 CFR 287.7(d) legacy counting", legacy),))
    at = legacy_deadline(re, FORTY_EIGHT, zone, federal_calendar())
    alternatives: list[tuple[str, datetime]] = []
    for calendar in _calendars(state, zone):
        alt = legacy_deadline(re, FORTY_EIGHT, zone, calendar)
        if alt != at and all(alt != a for _, a in alternatives):
            alternatives.append((calendar.name, alt))
    return HoldDeadline(at, window, tuple(alternatives))
