"""A policy profile: one jurisdiction's law as versioned data, and nothing else.

Profiles are plain frozen data; the rules that read them are bound to them by the registry
(`policy.core.rulebook.Rulebook`), so this module imports no rule. A local overlay (e.g.
`lasd-2020`) gives a stricter copy of its base; the rules consult `profile.local` so one act
yields one finding citing both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

#: zero: no hold at all; window: the detainer's window; criteria: only when the
#: jurisdiction's criteria are met (`policy.core.criteria.HoldCriteria`), then its window.
HoldRegime = Literal["zero", "window", "criteria"]


@dataclass(frozen=True, slots=True)
class LocalPolicy:
    """A local overlay stricter than state law ("local law or policy", §7284.6(a)(1)(C))."""

    id: str
    version: date
    citation: str
    bars_release_notification: bool
    transfer_requires_judicial_warrant: bool

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version.isoformat()}"

    def in_force(self, t: datetime) -> bool:
        return t.date() >= self.version


@dataclass(frozen=True, slots=True)
class Params:
    """Deployment-tunable readings of the law; each default is explained beside it, and
    `holdwatch law show` prints those counsel needs."""

    #: TRUTH Act soft service level (policy, from SB 1364 (2020), which was not enacted).
    truth_sla: timedelta = timedelta(hours=24)
    #: custody past RE shorter than this is out-processing noise, not a finding.
    hold_grace: timedelta = timedelta(0)
    #: warning lead before a hold deadline (HOLD_DEADLINE_APPROACHING, live only).
    warning_lead: timedelta = timedelta(hours=2)
    #: the Gonzalez database injunction: Sept. 27, 2019 (or the Feb. 5, 2020 judgment)
    #: until the Ninth Circuit vacated it on Sept. 11, 2020.
    gonzalez_from: date = date(2019, 9, 27)
    gonzalez_to: date = date(2020, 9, 11)
    #: a detainer issued this long before the booking was lodged for an earlier episode.
    stale_detainer_age: timedelta = timedelta(days=30)
    #: events for a booking whose booking.created has not arrived after this long.
    missing_booking_after: timedelta = timedelta(hours=6)
    #: report Texas/Florida state-duty findings (direction reversed); oversight may turn off.
    report_state_duty: bool = True


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    version: date
    title: str
    zone: str
    sources: tuple[str, ...]
    hold_regime: HoldRegime
    hold_citation: str
    effective_to: date | None = None
    #: two-letter state whose holidays may also count in legacy windows.
    state: str | None = None
    #: the law makes a judicial warrant the condition for holding or transferring.
    judicial_warrant_condition: bool = False
    local: LocalPolicy | None = None
    params: Params = Params()

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version.isoformat()}"

    def in_force(self, t: datetime) -> bool:
        d = t.date()
        return d >= self.version and (self.effective_to is None or d <= self.effective_to)
