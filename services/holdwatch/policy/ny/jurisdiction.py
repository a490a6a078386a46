"""New York City's profile, derived from `ny.law`: no hold and no hand-over to ICE without a
federal judge's warrant."""

from __future__ import annotations

from holdwatch.policy.core.bars import bars_of, rules_of
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.ny import law

BARS = bars_of("New York City law", law.NY_NYC.versions[-1])

JURISDICTION = Jurisdiction(
    code="ny",
    rulebooks=(
        Rulebook(profile_of(law.NY_NYC, EVERYWHERE), (hold_rule, *rules_of(BARS), *SHARED)),
    ),
)
