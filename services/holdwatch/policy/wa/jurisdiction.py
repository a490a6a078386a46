"""Washington's profile, derived from `wa.law`: holds barred, 287(g) activity barred, no
release date or hand-over without a judge's warrant."""

from __future__ import annotations

from holdwatch.policy.core.bars import bars_of, rules_of
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.wa import law

BARS = bars_of("Washington law", law.WA_KWW.versions[-1])

JURISDICTION = Jurisdiction(
    code="wa",
    rulebooks=(
        Rulebook(profile_of(law.WA_KWW, EVERYWHERE), (hold_rule, *rules_of(BARS), *SHARED)),
    ),
)
