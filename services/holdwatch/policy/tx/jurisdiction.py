"""Texas SB 4 (2017) and SB 8 (2025), derived from `tx.law`: a jail must honor a detainer,
within its window; each act is judged by the version in force at it."""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.agreements import Mandate, agreement_rule
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.tx import law, sb4

SB8 = Mandate(
    law="Texas law (SB 8, 2025)",
    citation=law.AGREEMENT_REQUIRED.citation,
    who="the sheriff of a county that operates a jail (or contracts a private vendor to run one)",
    covers=frozenset({"county_jail"}),
    from_day=date(2026, 12, 2),
    reading='"By December 1, 2026" is read as 00:00 local on December 2, 2026.',
    request_counts=True,
)

JURISDICTION = Jurisdiction(
    code="tx",
    rulebooks=(
        Rulebook(
            profile_of(law.TX_SB4, EVERYWHERE),
            (hold_rule, sb4.state_duty_rule, sb4.inform_rule, *SHARED),
            always=(agreement_rule(SB8),),
        ),
    ),
)
