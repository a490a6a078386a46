"""Connecticut's profile, derived from `ct.law`: a hold only on the TRUST Act's grounds (the
2025 additions from Oct. 1, 2025), then within the form's window."""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.ct import law
from holdwatch.policy.ct.trust_act import TrustAct

JURISDICTION = Jurisdiction(
    code="ct",
    rulebooks=(
        Rulebook(profile_of(law.CT_TRUST, EVERYWHERE), (hold_rule, *SHARED), criteria=TrustAct()),
    ),
)
