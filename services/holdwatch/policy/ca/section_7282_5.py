"""Cal. Gov. Code §7282.5: the convictions that unlock notification and transfer.

§7282.5(a) unlocks release-date notification (§7284.6(a)(1)(C)) and transfer
(§7284.6(a)(4)); §7282.5(b), a PC 872 holding order on a qualifying charge, unlocks
notification only. Under the Values Act nothing here unlocks a hold; under the TRUST Act
(2014–2017) former §7282.5(a) did (`HoldOnConvictions`, the core's criteria regime).
Lookbacks are anchored on the conviction date and compared with the local date of the act;
an anniversary ±1 day is ambiguous and, like any offense the table cannot
classify, yields "unknown" so the engine raises REVIEW instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from holdwatch.domain.state import Conviction, CustodyState
from holdwatch.domain.vocab import OFFENSE_LETTERS, Level
from holdwatch.policy.ca.offenses import categories_for, lookup, unknown_facts

_LETTER_PREFIX = "7282.5(a)(3)("


@dataclass(frozen=True, slots=True)
class Outcome:
    """`eligible` is True, False, or None when a person must decide."""

    eligible: bool | None
    basis: str | None
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        if self.eligible:
            return f"qualifies under Gov. Code §{self.basis}"
        return "; ".join(self.reasons) or "no qualifying conviction on record"


def _years_before(d: date, years: int) -> date:
    if d.year - years < date.min.year:  # only outside the contract's years
        return date.min
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _lookback(convicted_on: date, on: date, years: int) -> bool | None:
    """Within the past `years` of `on`? None on the anniversary ±1 day."""
    anniversary = _years_before(on, years)
    if abs((convicted_on - anniversary).days) <= 1:
        return None
    return convicted_on > anniversary


def conviction_categories(
    code: str, level: Level, given: Iterable[str] | None
) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """Categories of one conviction and the facts that remain unknown; None if unclassifiable."""
    if given is not None:
        return frozenset(given), ()
    offense = lookup(code)
    if offense is None:
        return None
    return frozenset(categories_for(offense, level)), tuple(unknown_facts(offense, level))


def unclassified(state: CustodyState) -> list[Conviction]:
    booking = state.booking
    if booking is None:
        return []
    return [
        c
        for c in booking.prior_convictions
        if conviction_categories(c.code, c.level, c.categories) is None
    ]


def _judge(c: Conviction, on: date) -> tuple[bool | None, str | None, str]:
    """One conviction: (qualifies?, basis, why not)."""
    found = conviction_categories(c.code, c.level, c.categories)
    label = f"{c.level} {c.code} ({c.convicted_on.isoformat()})"
    if found is None:
        return None, None, f"{label} is not in the offense table and carries no categories"
    cats, unknown = found
    if c.level == "misdemeanor" and "prop47" in cats:
        return False, None, f"{label} is a Prop 47 misdemeanor, excluded by §7282.5(a)(6)"
    if c.level == "felony" and cats & {"serious_felony", "violent_felony"}:
        return True, "7282.5(a)(1)", ""
    if c.level == "felony" and "state_prison_felony" in cats:
        return True, "7282.5(a)(2)", ""
    if "federal_aggravated_felony" in cats:
        return True, "7282.5(a)(5)", ""
    letters = [x for x in OFFENSE_LETTERS if f"{_LETTER_PREFIX}{x})" in cats]
    maybe = False
    if letters and c.level == "felony":
        within = _lookback(c.convicted_on, on, 15)
        if within:
            return True, f"7282.5(a)(3)({letters[0]})", ""
        maybe = within is None
    elif letters and c.level == "misdemeanor" and "wobbler" in cats:
        usable = [x for x in letters if x != "G"]  # DUI counts only as a felony
        within = _lookback(c.convicted_on, on, 5)
        if usable and within:
            return True, f"7282.5(a)(3)({usable[0]})", ""
        maybe = bool(usable) and within is None
    if maybe:
        return None, None, f"{label} falls on the edge of its lookback period"
    if unknown:
        return None, None, f"{label}: unknown whether it is a {', '.join(unknown)}"
    if letters and c.level == "misdemeanor" and "wobbler" not in cats:
        return False, None, f"{label} is a straight misdemeanor, not a wobbler (§7282.5(a)(3))"
    if letters:
        return False, None, f"{label} is outside the §7282.5(a)(3) lookback"
    return False, None, f"{label} is not a qualifying offense"


def subdivision_a(state: CustodyState, on: date) -> Outcome:
    """§7282.5(a) criteria on the local date `on` of the notification or transfer."""
    booking = state.booking
    if booking is None:
        return Outcome(None, None, ("no booking record, so no conviction history",))
    if booking.registrant:
        return Outcome(True, "7282.5(a)(4)", ())
    reasons: list[str] = []
    unknown = False
    for conviction in booking.prior_convictions:
        if conviction.convicted_on > on:
            continue
        ok, basis, why = _judge(conviction, on)
        if ok:
            return Outcome(True, basis, ())
        unknown = unknown or ok is None
        reasons.append(why)
    return Outcome(None if unknown else False, None, tuple(reasons))


def subdivision_b(state: CustodyState, by: datetime) -> Outcome:
    """§7282.5(b): a PC 872 holding order on a serious, violent or state-prison felony."""
    reasons: list[str] = []
    unknown = False
    for order in state.held_to_answer:
        if order.at > by:
            continue
        found = conviction_categories(order.charge_code, "felony", order.categories or None)
        if found is None:
            unknown = True
            reasons.append(f"holding order on {order.charge_code}: offense not in the table")
            continue
        cats, unsure = found
        if cats & {"serious_felony", "violent_felony", "state_prison_felony"}:
            return Outcome(True, "7282.5(b)", ())
        if unsure:
            unknown = True
            reasons.append(f"holding order on {order.charge_code}: {', '.join(unsure)} unknown")
    return Outcome(None if unknown else False, None, tuple(reasons))


@dataclass(frozen=True, slots=True)
class HoldOnConvictions:
    """The TRUST Act's hold regime (AB 4, 2014–2017): a detainer hold only if the person met
    former §7282.5(a) on the day it began (`policy.core.criteria.HoldCriteria`)."""

    citation: str = "former Cal. Gov. Code §7282.5(a) (2014)"
    condition: str = "listed convictions"

    def met(self, state: CustodyState, on: date) -> Outcome:
        return subdivision_a(state, on)
