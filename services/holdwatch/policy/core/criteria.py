"""The "criteria" hold regime as the core sees it: a jurisdiction says whether its
conditions for a hold were met, and the core does the rest (the hold, its window, REVIEW).

A jurisdiction supplies one `HoldCriteria` (California's former §7282.5(a), for example);
the core never names a statute of its own here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from holdwatch.domain.state import CustodyState


class Verdict(Protocol):
    """Whether the criteria were met: True, False, or None when a person must decide."""

    @property
    def eligible(self) -> bool | None: ...

    @property
    def text(self) -> str:
        """Why, in words a defender reads after "qualifies" or "not"."""
        ...


class HoldCriteria(Protocol):
    """A jurisdiction's conditions for holding a person on a detainer."""

    @property
    def citation(self) -> str:
        """Cited when whether the criteria were met is unclear (a REVIEW)."""
        ...

    @property
    def condition(self) -> str:
        """What the law allowed a hold for, in plain words ("listed convictions")."""
        ...

    def met(self, state: CustodyState, on: date) -> Verdict:
        """The criteria on `on`, the local date the hold began."""
        ...


@runtime_checkable
class HoldLimit(Protocol):
    """Criteria whose law also caps the hold below the form's window (New Jersey: until
    11:59 p.m. on the day of release). The binding limit is the earlier of the two, and the
    finding says which one bound."""

    @property
    def limit_citation(self) -> str: ...

    def limit(self, re: datetime, zone: ZoneInfo) -> tuple[datetime, str]:
        """The instant custody must end by, and why, in a defender's words."""
        ...


@runtime_checkable
class StateCap(HoldLimit, Protocol):
    """A state's own cap on every hold on a detainer, whatever the hold regime, in the
    versions of its law from `valid_from` (New Hampshire from 2026). The binding limit is
    the earliest of the form's window, the state's cap and 8 C.F.R. §287.7(d); the cap's
    `limit` gives the earlier of the last two and says which."""

    @property
    def valid_from(self) -> date: ...
