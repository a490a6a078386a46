"""The profile registry: every jurisdiction's rulebooks by profile id; overlays join with `+`.

`resolve("ca-sb54+lasd-2020")` gives the California baseline with the LASD moratorium on
top. Adding a jurisdiction is one package that exports a `Jurisdiction` and one line in
`JURISDICTIONS`. Each profile cites its sources so a finding's `policy` leads back to the law.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from holdwatch.policy.ca.jurisdiction import JURISDICTION as CA
from holdwatch.policy.co.jurisdiction import JURISDICTION as CO
from holdwatch.policy.core import law
from holdwatch.policy.core.local import apply_of
from holdwatch.policy.core.rulebook import Jurisdiction, Overlay, Rulebook
from holdwatch.policy.ct.jurisdiction import JURISDICTION as CT
from holdwatch.policy.fl.jurisdiction import JURISDICTION as FL
from holdwatch.policy.ga.jurisdiction import JURISDICTION as GA
from holdwatch.policy.il.jurisdiction import JURISDICTION as IL
from holdwatch.policy.ma.jurisdiction import JURISDICTION as MA
from holdwatch.policy.nc.jurisdiction import JURISDICTION as NC
from holdwatch.policy.nh.jurisdiction import JURISDICTION as NH
from holdwatch.policy.nj.jurisdiction import JURISDICTION as NJ
from holdwatch.policy.ny.jurisdiction import JURISDICTION as NY
from holdwatch.policy.or_.jurisdiction import JURISDICTION as OR
from holdwatch.policy.tx.jurisdiction import JURISDICTION as TX
from holdwatch.policy.us.jurisdiction import JURISDICTION as US
from holdwatch.policy.wa.jurisdiction import JURISDICTION as WA

JURISDICTIONS: tuple[Jurisdiction, ...] = (US, CA, TX, WA, OR, IL, NJ, NY, CO, FL, GA, NC)
JURISDICTIONS += (MA, CT, NH)

#: States whose holidays an overlay `state-xx` adds to legacy windows.
OVERLAY_STATES: tuple[str, ...] = ("CA", "NV", "OR", "WA", "AZ", "TX", "NY", "NJ", "FL", "IL", "CO")
OVERLAY_STATES += ("GA", "MA", "CT", "NH")


def _state(code: str) -> Overlay:
    def overlay(base: Rulebook) -> Rulebook:
        return replace(base, profile=replace(base.profile, state=code.upper()))

    return overlay


class Registry:
    """Profile ids and overlay names of the given jurisdictions, each defined once, and the
    local overlays a deployment gives as data (`local`, see `core.local`)."""

    def __init__(self, *jurisdictions: Jurisdiction, local: Iterable[law.Overlay] = ()) -> None:
        bases: dict[str, Rulebook] = {}
        overlays: dict[str, Overlay] = {f"state-{s.lower()}": _state(s) for s in OVERLAY_STATES}
        for j in jurisdictions:
            for rulebook in j.rulebooks:
                if rulebook.profile.id in bases:
                    raise ValueError(f"profile: {rulebook.profile.id} is defined twice")
                bases[rulebook.profile.id] = rulebook
            for name, overlay in j.overlays.items():
                if name in overlays:
                    raise ValueError(f"profile: overlay {name} is defined twice")
                overlays[name] = overlay
        given: dict[str, law.Overlay] = {}
        for data in local:
            if data.id in overlays:
                raise ValueError(f"profile: overlay {data.id} is defined twice")
            if data.applies_to not in bases:
                known = ", ".join(sorted(bases))
                raise ValueError(f"applies_to: unknown profile {data.applies_to!r}; known: {known}")
            overlays[data.id] = apply_of(data)
            given[data.id] = data
        self.jurisdictions = jurisdictions
        self.bases: Mapping[str, Rulebook] = MappingProxyType(bases)
        self.overlays: Mapping[str, Overlay] = MappingProxyType(overlays)
        #: the local overlays' data, by id
        self.local: Mapping[str, law.Overlay] = MappingProxyType(given)

    def with_local(self, overlays: Iterable[law.Overlay]) -> Registry:
        """This registry with more local overlays (ValueError: a duplicate, an unknown base)."""
        return Registry(*self.jurisdictions, local=(*self.local.values(), *overlays))

    def resolve(self, spec: str) -> Rulebook:
        """A rulebook from its profile id, optionally with overlays: `ca-sb54+lasd-2020`."""
        base_id, *names = spec.strip().split("+")
        if base_id not in self.bases:
            known = ", ".join(sorted(self.bases))
            raise ValueError(f"profile: unknown profile {base_id!r}; known: {known}")
        rulebook = self.bases[base_id]
        for name in names:
            if name not in self.overlays:
                known = ", ".join(sorted(self.overlays))
                raise ValueError(f"profile: unknown overlay {name!r}; known: {known}")
            rulebook = self.overlays[name](rulebook)
        if names:
            rulebook = replace(rulebook, profile=replace(rulebook.profile, id=spec.strip()))
        return rulebook


REGISTRY = Registry(*JURISDICTIONS)
BASES = REGISTRY.bases
OVERLAYS = REGISTRY.overlays


def resolve(spec: str) -> Rulebook:
    """A rulebook from its profile id, optionally with overlays: `ca-sb54+lasd-2020`."""
    return REGISTRY.resolve(spec)
