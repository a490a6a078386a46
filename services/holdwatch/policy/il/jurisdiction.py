"""Illinois's profile, derived from `il.law`: holds barred in every version; from the Way
Forward Act, 287(g) activity, release dates and hand-overs without a judge's warrant too;
Cook County's ordinance as the `cook-county` overlay, cited with state law."""

from __future__ import annotations

from dataclasses import replace

from holdwatch.policy.core.bars import bars_of, rules_of
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import local_policy_of, profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.il import law

BARS = bars_of("Illinois law", law.IL_TRUST.versions[-1])
COOK_COUNTY = local_policy_of(law.COOK_COUNTY)

IL_TRUST = Rulebook(profile_of(law.IL_TRUST, EVERYWHERE), (hold_rule, *rules_of(BARS), *SHARED))


def _cook(base: Rulebook) -> Rulebook:
    if base.profile.id != law.COOK_COUNTY.applies_to:
        overlay = law.COOK_COUNTY
        raise ValueError(f"profile: the {overlay.id} overlay applies only to {overlay.applies_to}")
    return replace(base, profile=replace(base.profile, local=COOK_COUNTY))


JURISDICTION = Jurisdiction(code="il", rulebooks=(IL_TRUST,), overlays={"cook-county": _cook})
