"""New Hampshire's county cap (RSA 30-B:1, III): 48 hours excluding Saturdays, Sundays and
holidays, counted in the state's own holidays (`StateCap`).

The binding limit on a hold is the earliest of the form's window, this cap and 8 C.F.R.
§287.7(d) (48 hours excluding Saturdays, Sundays and federal holidays). With an I-247A the
form's 48 elapsed hours always come first; the cap matters for a legacy I-247, and it binds
before the regulation where the state works on a federal holiday (Columbus Day). The
state's holidays are the `holidays` package's New Hampshire list, which is not checked
against RSA 288:1 (REVIEW).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from holdwatch.domain.calendars import federal_calendar, state_list_calendar
from holdwatch.domain.timecalc import legacy_deadline

CITATION = "RSA 30-B:1, III (SB 62, 2025); 8 C.F.R. §287.7(d)"
FORTY_EIGHT = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class CountyHoldCap:
    valid_from: date = date(2026, 1, 1)
    limit_citation: str = CITATION

    def limit(self, re: datetime, zone: ZoneInfo) -> tuple[datetime, str]:
        state = legacy_deadline(re, FORTY_EIGHT, zone, state_list_calendar("NH"))
        regulation = legacy_deadline(re, FORTY_EIGHT, zone, federal_calendar())
        if state < regulation:
            return state, (
                "New Hampshire's cap of 48 hours excluding Saturdays, Sundays and state "
                "holidays (RSA 30-B:1, III), earlier than the regulation's"
            )
        if regulation < state:
            return regulation, (
                "the regulation's 48 hours excluding Saturdays, Sundays and federal holidays "
                "(8 C.F.R. §287.7(d)), earlier than New Hampshire's cap"
            )
        return state, (
            "New Hampshire's cap (RSA 30-B:1, III) and the regulation (8 C.F.R. §287.7(d)), "
            "each 48 hours excluding Saturdays, Sundays and holidays"
        )
