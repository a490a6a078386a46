"""New Hampshire's profile, derived from `nh.law`: the form's window, from 2026 under the
state's weekday cap, and the state duty to honor a detainer if safe."""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.honor import Honor, honor_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.nh import law
from holdwatch.policy.nh.cap import CountyHoldCap

HONOR = Honor(
    "New Hampshire law",
    "RSA 106-R:3, I (HB 511, 2025)",
    "nh.duty",
    if_safe=True,
    report="RSA 30-B:1, III (SB 62, 2025)",
)

JURISDICTION = Jurisdiction(
    code="nh",
    rulebooks=(
        Rulebook(
            profile_of(law.NH_2026, EVERYWHERE),
            (hold_rule, honor_rule(HONOR), *SHARED),
            limit=CountyHoldCap(),
        ),
    ),
)
