"""North Carolina's profile, derived from `nc.law`: the detainer's window (the core's hold
regime), a judicial official's order required for the hold (`nc.judicial_order`)."""

from __future__ import annotations

from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.nc import judicial_order, law

CITATION = law.NC_162_62.versions[-1].hold.citation

JURISDICTION = Jurisdiction(
    code="nc",
    rulebooks=(
        Rulebook(
            profile_of(law.NC_162_62, EVERYWHERE),
            (
                hold_rule,
                judicial_order.order_window_rule(CITATION),  # after the core's window
                judicial_order.without_order_rule(CITATION),
                *SHARED,
            ),
        ),
    ),
)
