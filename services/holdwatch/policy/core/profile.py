"""A policy profile: one jurisdiction's law as versioned data, and nothing else.

Profiles are plain frozen data; the rules that read them are bound to them by the registry
(`policy.core.rulebook.Rulebook`), so this module imports no rule. A local overlay (e.g.
`lasd-2020`) gives a stricter copy of its base; the rules consult `profile.local` so one act
yields one finding citing both.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

#: zero: no hold at all; window: the detainer's window; criteria: only when the
#: jurisdiction's criteria are met (`policy.core.criteria.HoldCriteria`), then its window;
#: no_state_authority: the state's highest court held officers have no power to arrest on a
#: civil detainer (Massachusetts, Lunn), so only a judge's warrant can hold.
HoldRegime = Literal["zero", "window", "criteria", "no_state_authority"]
#: How sure we are of the rule a finding applies: read in the text, a secondary source, ours.
Evidence = Literal["verified", "secondary", "inferred"]
#: What an agency runs, as far as a state's agency-level duties turn on it (Texas SB 8 binds
#: "the sheriff of each county that operates a jail or contracts with a private vendor to
#: operate a jail"): `county_jail` (also vendor-run), `county_no_jail` (a sheriff whose county
#: has no jail), `city_jail`, `state_facility`, `other`.
AgencyKind = Literal["county_jail", "county_no_jail", "city_jail", "state_facility", "other"]


@dataclass(frozen=True, slots=True)
class Agency:
    """The agency judged, as the deployment's agencies file declares it (None: not said).
    Its zone places an agency-level deadline when no booking gives one (El Paso County,
    Texas, keeps Mountain time)."""

    kind: AgencyKind | None = None
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class Edition:
    """What one version of a law sets, as the engine reads it (see `Profile.at`)."""

    version: date
    effective_to: date | None
    title: str
    sources: tuple[str, ...]
    hold_regime: HoldRegime
    hold_citation: str
    judicial_warrant_condition: bool
    #: the evidence level of the duty behind each code the version raises
    evidence: tuple[tuple[str, Evidence], ...]


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
    #: the Gonzalez class settlement: in effect Mar. 4, 2025, for five years (end exclusive);
    #: covered offices may issue only the notification-only I-247G.
    gonzalez_settlement_from: date = date(2025, 3, 4)
    gonzalez_settlement_to: date = date(2030, 3, 4)
    #: offices the settlement covers, matched as words in a detainer's issuing office. The
    #: coverage list (its Exhibit B) is unread: the default is the class's own reach, ICE
    #: officers in the Central District of California (PERC and Los Angeles). REVIEW.
    gonzalez_settlement_offices: tuple[str, ...] = (
        "Pacific Enforcement Response Center",
        "PERC",
        "Los Angeles",
    )
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
    #: code -> evidence level of the duty behind it, in this version
    evidence: tuple[tuple[str, Evidence], ...] = ()
    #: every version of the law, in date order, when it has more than one; the fields
    #: above are then the version `at` chose (the latest, as registered).
    editions: tuple[Edition, ...] = ()
    #: the agency this copy judges (the agencies file's kind and zone), when it says
    agency: Agency = Agency()

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version.isoformat()}"

    @property
    def first_day(self) -> date:
        return self.editions[0].version if self.editions else self.version

    @property
    def last_day(self) -> date | None:
        return self.editions[-1].effective_to if self.editions else self.effective_to

    def in_force(self, t: datetime) -> bool:
        """Whether any version of the law was in force on `t`'s date."""
        d, last = t.date(), self.last_day
        return d >= self.first_day and (last is None or d <= last)

    def edition_index(self, day: date) -> int:
        """The version in force on `day`; before the first, the first (clamped)."""
        return max(0, bisect_right([e.version for e in self.editions], day) - 1)

    def at(self, index: int) -> Profile:
        """This profile as its version `index` reads (itself when it has one version)."""
        if not self.editions:
            return self
        e = self.editions[index]
        return replace(
            self,
            version=e.version,
            effective_to=e.effective_to,
            title=e.title,
            sources=e.sources,
            hold_regime=e.hold_regime,
            hold_citation=e.hold_citation,
            judicial_warrant_condition=e.judicial_warrant_condition,
            evidence=e.evidence,
        )

    def evidence_of(self, code: str, rule: str) -> Evidence | None:
        """The evidence level of the duty a finding applies. A REVIEW is the hold duty's only
        when the hold rule raised it; other REVIEWs (data, scope) rest on no one duty."""
        if code == "REVIEW" and not rule.startswith("hold"):
            return None
        return next((level for c, level in self.evidence if c == code), None)
