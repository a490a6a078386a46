"""Texas SB 4 (2017) and SB 8 (2025), derived from `tx.law`: a jail must honor a detainer,
within its window; each act is judged by the version in force at it."""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.tx import law, sb4

JURISDICTION = Jurisdiction(
    code="tx",
    rulebooks=(
        Rulebook(
            profile_of(law.TX_SB4, EVERYWHERE),
            (hold_rule, sb4.state_duty_rule, sb4.inform_rule, *SHARED),
        ),
    ),
)
