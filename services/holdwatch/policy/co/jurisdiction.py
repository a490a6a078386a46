"""Colorado's profile, derived from `co.law`: holds barred, no hand-over to ICE without a
judge's warrant; SB25-276's version from 2025 adds the release duties (`release_timing`)."""

from __future__ import annotations

from holdwatch.policy.co import law, release_timing
from holdwatch.policy.core.bars import bars_of, rules_of
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook

BARS = bars_of("Colorado law", law.CO_HB19_1124.versions[-1])

JURISDICTION = Jurisdiction(
    code="co",
    rulebooks=(
        Rulebook(
            profile_of(law.CO_HB19_1124, EVERYWHERE),
            (hold_rule, *rules_of(BARS), *release_timing.rules_of(law.CO_HB19_1124), *SHARED),
        ),
    ),
)
