"""Georgia HB 1105 (2024), derived from `ga.law`: detainers honored within their window, and
every booking's nationality and status checked within 48 hours of arrival."""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.honor import Honor, honor_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.ga import law
from holdwatch.policy.ga.status_check import status_check_rule

HONOR = Honor(law="Georgia law", citation="O.C.G.A. §42-1-11.5", rule="ga.duty")

JURISDICTION = Jurisdiction(
    code="ga",
    rulebooks=(
        Rulebook(
            profile_of(law.HB1105, EVERYWHERE),
            (hold_rule, honor_rule(HONOR), *SHARED),
            always=(status_check_rule,),
        ),
    ),
)
