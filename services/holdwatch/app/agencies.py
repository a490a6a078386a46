"""Which profile judges which agency's bookings: a small TOML file the operator owns.

```toml
[agencies.lasd]
profile = "ca-sb54+lasd-2020"
warning_lead_minutes = 180   # optional; else the profile's own (2 h by default)
facilities = ["Men's Central Jail", "Twin Towers"]   # optional: the metric labels
kind = "county_jail"          # optional: what the agency runs (state agency-level duties)
timezone = "America/Denver"   # optional: its zone, for its agency-level deadlines
```

`kind` and `timezone` describe the agency for duties owed by the agency itself (Texas SB 8:
the sheriff of a county that operates a jail must have a 287(g) agreement): an agency
without a `kind` is taken to be what the law names, a `kind` it does not name is not
judged on that duty; without a `timezone` the profile's zone places the agency's deadlines.

Agency and facility names come from producers, and both are metric labels, so their
number is bounded (`MetricPlaces`): a facility an agency declares keeps its name, any other
of that agency counts as `other`; an agency that declares none keeps the first
`UNDECLARED_LABELS` facility names this process sees, then `other`. Agencies the file does
not name (judged by the default profile) are bounded the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from holdwatch.app.config_file import ConfigError, load_toml
from holdwatch.domain.events import IanaZone
from holdwatch.policy.core.profile import Agency, AgencyKind
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.policy.registry import REGISTRY, Registry


class AgencyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str
    warning_lead_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    facilities: tuple[Annotated[str, Field(min_length=1)], ...] | None = None
    kind: AgencyKind | None = None
    timezone: IanaZone | None = None

    @property
    def agency(self) -> Agency:
        return Agency(self.kind, self.timezone)


class AgencyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    agencies: dict[str, AgencyEntry] = {}


class UnknownAgency(LookupError):
    """An agency the map does not name, with no default profile to fall back on."""


class AgencyMap:
    """Resolves an agency id to its profile (overlays and warning lead applied), once."""

    def __init__(
        self,
        entries: dict[str, AgencyEntry],
        default_profile: str | None,
        warning_lead: timedelta | None = None,
        registry: Registry = REGISTRY,
    ) -> None:
        resolve = registry.resolve
        self._profiles: dict[str, Rulebook] = {
            agency: with_agency(
                _with_lead(resolve(e.profile), _lead(e.warning_lead_minutes, warning_lead)),
                e.agency,
            )
            for agency, e in entries.items()
        }
        self._default = (
            _with_lead(resolve(default_profile), warning_lead) if default_profile else None
        )
        self.places = MetricPlaces(
            {
                a: None if e.facilities is None else frozenset(e.facilities)
                for a, e in entries.items()
            }
        )

    @classmethod
    def load(
        cls,
        path: Path | None,
        default_profile: str | None,
        warning_lead: timedelta | None = None,
        registry: Registry = REGISTRY,
    ) -> AgencyMap:
        """Read and check the file; a bad file fails at start, naming the field.

        A profile the registry does not know fails naming the file and the agency
        (`agencies.lasd.profile: unknown profile ...`), as a bad field does. `registry` is
        the deployment's, with its local overlays (`app.local_overlays`).
        """
        resolve = registry.resolve
        entries: dict[str, AgencyEntry] = {}
        if path is not None:
            entries = load_toml(path, AgencyFile, "agencies file").agencies
            for agency, entry in entries.items():
                try:
                    resolve(entry.profile)
                except ValueError as exc:  # "profile: unknown profile 'x'; known: ..."
                    raise ConfigError(f"agencies file {path}: agencies.{agency}.{exc}") from None
        if default_profile:
            try:
                resolve(default_profile)
            except ValueError as exc:
                reason = str(exc).removeprefix("profile: ")
                raise ConfigError(f"HOLDWATCH_DEFAULT_PROFILE: {reason}") from None
        return cls(entries, default_profile, warning_lead, registry)

    def profile_for(self, agency: str) -> Rulebook:
        profile = self._profiles.get(agency, self._default)
        if profile is None:
            raise UnknownAgency(agency)
        return profile

    @property
    def profiles(self) -> dict[str, Rulebook]:
        return dict(self._profiles)


#: Labels an agency without a declared list (or an undeclared agency) may name, per kind.
UNDECLARED_LABELS: Final = 32
OTHER: Final = "other"


class MetricPlaces:
    """(agency, facility) as metric labels, in a bounded number: declared names, then up
    to `cap` first-seen ones, then `other`. First seen is per process, so declare the
    facilities for labels that are the same on every replica and after a restart."""

    def __init__(
        self, declared: Mapping[str, frozenset[str] | None], cap: int = UNDECLARED_LABELS
    ) -> None:
        self._declared = dict(declared)
        self._cap = cap
        self._agencies: set[str] = set()  # undeclared agencies with a label of their own
        self._facilities: dict[str, set[str]] = {}  # per agency without a list

    def __call__(self, agency: str, facility: str) -> tuple[str, str]:
        if agency not in self._declared and not _admit(self._agencies, agency, self._cap):
            return OTHER, OTHER
        listed = self._declared.get(agency)
        if listed is not None:
            return agency, facility if facility in listed else OTHER
        seen = self._facilities.setdefault(agency, set())
        return agency, facility if _admit(seen, facility, self._cap) else OTHER


def _admit(seen: set[str], name: str, cap: int) -> bool:
    if name in seen:
        return True
    if len(seen) < cap:
        seen.add(name)
        return True
    return False


def _lead(minutes: int | None, fallback: timedelta | None) -> timedelta | None:
    return fallback if minutes is None else timedelta(minutes=minutes)


def with_agency(rulebook: Rulebook, agency: Agency) -> Rulebook:
    """The rulebook judging one agency, as the agencies file describes it."""
    if agency == Agency():
        return rulebook
    return replace(rulebook, profile=replace(rulebook.profile, agency=agency))


def load_agency_facts(path: Path) -> dict[str, Agency]:
    """Each listed agency's kind and zone (`holdwatch audit --agencies`); a bad file fails
    naming the field, as at the monitor's start."""
    entries = load_toml(path, AgencyFile, "agencies file").agencies
    return {name: e.agency for name, e in entries.items()}


def _with_lead(rulebook: Rulebook, lead: timedelta | None) -> Rulebook:
    if lead is None:
        return rulebook
    profile = rulebook.profile
    return replace(
        rulebook, profile=replace(profile, params=replace(profile.params, warning_lead=lead))
    )
