"""New Jersey's profile, derived from `nj.law`: a hold only on the Directive's criteria and
only until the end of the release day; 287(g) activity barred."""

from __future__ import annotations

from holdwatch.policy.core.bars import bars_of, rules_of
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.nj import law
from holdwatch.policy.nj.directive import ImmigrantTrustDirective

BARS = bars_of("New Jersey law", law.NJ_ITD.versions[-1])

JURISDICTION = Jurisdiction(
    code="nj",
    rulebooks=(
        Rulebook(
            profile_of(law.NJ_ITD, EVERYWHERE),
            (hold_rule, *rules_of(BARS), *SHARED),
            criteria=ImmigrantTrustDirective(),
        ),
    ),
)
