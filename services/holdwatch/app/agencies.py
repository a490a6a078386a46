"""Which profile judges which agency's bookings: a small TOML file the operator owns.

```toml
[agencies.lasd]
profile = "ca-sb54+lasd-2020"
warning_lead_minutes = 180   # optional; else the profile's own (2 h by default)
```
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from holdwatch.app.config_file import ConfigError, load_toml
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.policy.registry import resolve


class AgencyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str
    warning_lead_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)


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
    ) -> None:
        self._profiles: dict[str, Rulebook] = {
            agency: _with_lead(resolve(e.profile), _lead(e.warning_lead_minutes, warning_lead))
            for agency, e in entries.items()
        }
        self._default = (
            _with_lead(resolve(default_profile), warning_lead) if default_profile else None
        )

    @classmethod
    def load(
        cls, path: Path | None, default_profile: str | None, warning_lead: timedelta | None = None
    ) -> AgencyMap:
        """Read and check the file; a bad file fails at start, naming the field.

        A profile the registry does not know fails naming the file and the agency
        (`agencies.lasd.profile: unknown profile ...`), as a bad field does.
        """
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
        return cls(entries, default_profile, warning_lead)

    def profile_for(self, agency: str) -> Rulebook:
        profile = self._profiles.get(agency, self._default)
        if profile is None:
            raise UnknownAgency(agency)
        return profile

    @property
    def profiles(self) -> dict[str, Rulebook]:
        return dict(self._profiles)


def _lead(minutes: int | None, fallback: timedelta | None) -> timedelta | None:
    return fallback if minutes is None else timedelta(minutes=minutes)


def _with_lead(rulebook: Rulebook, lead: timedelta | None) -> Rulebook:
    if lead is None:
        return rulebook
    profile = rulebook.profile
    return replace(
        rulebook, profile=replace(profile, params=replace(profile.params, warning_lead=lead))
    )
