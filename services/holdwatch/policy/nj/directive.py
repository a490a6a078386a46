"""The Immigrant Trust Directive's criteria for a hold, and its limit (`HoldCriteria`,
`HoldLimit`).

A hold (with notice to ICE) is allowed only for a person who is charged with, or was ever
convicted of, a "violent or serious offense" as the Directive defines it; or was convicted
of any other indictable crime within the past five years; or is the subject of a judicial
warrant or other court order. In the contract a `felony` is an indictable crime and a
`misdemeanor` a disorderly persons offense, which the violent-or-serious list does not
include. The list itself is not encoded: a felony charge, or a felony conviction older
than five years, is a REVIEW, never a guess. The hold then ends at 11:59 p.m. local on the
day of release, so custody from 00:00 the next day is over the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.context import JUDICIAL_ANY

CITATION = "N.J. Att'y Gen. Law Enforcement Directive 2018-6 (Immigrant Trust Directive)"
LOOKBACK_YEARS = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    eligible: bool | None
    text: str


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # Feb. 29
        return on.replace(year=on.year - years, day=28)


@dataclass(frozen=True, slots=True)
class ImmigrantTrustDirective:
    citation: str = CITATION
    condition: str = (
        "a violent or serious offense (charged or convicted), an indictable conviction "
        "within five years, or a judicial warrant or court order"
    )
    limit_citation: str = f"{CITATION} (until 11:59 p.m. on the day of release)"

    def met(self, state: CustodyState, on: date) -> Verdict:
        if any(w.kind in JUDICIAL_ANY and w.received_at.date() <= on for w in state.warrants):
            return Verdict(True, "a judicial warrant is on file")
        booking = state.booking
        if booking is None:
            return Verdict(None, "the booking is unknown")
        since = _years_before(on, LOOKBACK_YEARS)
        open_questions: list[str] = []
        for c in booking.prior_convictions:
            if c.level == "felony" and c.convicted_on > since:
                return Verdict(True, "has an indictable conviction within five years")
            if c.level == "felony" and c.convicted_on == since:
                open_questions.append("an indictable conviction five years ago to the day")
            elif c.level == "felony":
                open_questions.append(
                    "an older indictable conviction, which counts only if violent or serious"
                )
            elif c.level != "misdemeanor":
                open_questions.append("a conviction of unknown level")
        for _, level in booking.charge_codes:
            if level == "felony":
                open_questions.append(
                    "an indictable charge, which counts only if violent or serious"
                )
            elif level != "misdemeanor":
                open_questions.append("a charge of unknown level")
        if open_questions:
            return Verdict(
                None,
                f"the record shows {'; '.join(dict.fromkeys(open_questions))} (the "
                "Directive's violent-or-serious list is not encoded)",
            )
        return Verdict(
            False,
            "the person has no indictable conviction within five years and no charge or "
            "conviction beyond disorderly persons offenses",
        )

    def limit(self, re: datetime, zone: ZoneInfo) -> tuple[datetime, str]:
        day = re.astimezone(zone).date()
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        return end, "the Directive allows a hold only until 11:59 p.m. on the day of release"
