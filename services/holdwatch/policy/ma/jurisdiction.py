"""Massachusetts's profile, derived from `ma.law`: no hold on a civil detainer at all (Lunn);
a judge's warrant is a basis."""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.ma import law

JURISDICTION = Jurisdiction(
    code="ma",
    rulebooks=(Rulebook(profile_of(law.MA_LUNN, EVERYWHERE), (hold_rule, *SHARED)),),
)
