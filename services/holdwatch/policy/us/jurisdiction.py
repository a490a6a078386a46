"""The federal profiles, derived from `us.law`: the detainer's own window, no state law on top.

`us-federal` counts the I-247A's 48 elapsed hours; `us-federal-legacy` the regulation's 48
hours excluding weekends and holidays, for the forms (I-247) that printed it.
"""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.us import law

RULES = (hold_rule, *SHARED)

JURISDICTION = Jurisdiction(
    code="us",
    rulebooks=(
        Rulebook(profile_of(law.US_FEDERAL, EVERYWHERE), RULES),
        Rulebook(profile_of(law.US_FEDERAL_LEGACY, EVERYWHERE), RULES),
    ),
)
