"""Oregon's profile, derived from `or_.law`: holds barred, 287(g) activity barred, no
release date or hand-over without a judge's warrant."""

from __future__ import annotations

from holdwatch.policy.core.bars import bars_of, rules_of
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.or_ import law

BARS = bars_of("Oregon law", law.OR_SANCTUARY.versions[-1])

JURISDICTION = Jurisdiction(
    code="or_",
    rulebooks=(
        Rulebook(profile_of(law.OR_SANCTUARY, EVERYWHERE), (hold_rule, *rules_of(BARS), *SHARED)),
    ),
)
