"""Florida ch. 908, derived from `fl.law`: facially sufficient detainers honored within their
window; each agency judged on its own record for its 287(g) agreement."""

from __future__ import annotations

from datetime import date, datetime

from holdwatch.domain.state import Detainer
from holdwatch.policy.core.agreements import Mandate, agreement_rule, termination_rule
from holdwatch.policy.core.charges import Enjoined, enjoined_charge_rule
from holdwatch.policy.core.context import Context
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.honor import Honor, honor_rule
from holdwatch.policy.core.law import profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.fl import law

#: The warrants that make a detainer facially sufficient (§908.102(2)).
ADMINISTRATIVE = frozenset({"I-200", "I-205"})


def facially_sufficient(ctx: Context, d: Detainer, t: datetime) -> bool:
    """A detainer with an I-200 or I-205 attached, or received by `t`."""
    if d.attached_warrant in ADMINISTRATIVE:
        return True
    return any(
        w.kind == "administrative" and w.form in ADMINISTRATIVE and w.received_at <= t
        for w in ctx.state.warrants
    )


HONOR = Honor(
    law="Florida law", citation=law.HONOR.citation, rule="fl.duty", binds=facially_sufficient
)
MANDATE = Mandate(
    law="Florida law (§908.11)",
    citation=law.AGREEMENT_2025.citation,
    who="the sheriff or chief correctional officer operating a county detention facility",
    covers=frozenset({"county_jail"}),
    from_day=date(2025, 2, 13),
    reading="The duty predates the 2025 amendment; it is checked from that version's first "
    "minute, 00:00 local on February 13, 2025.",
)

SB_4C = Enjoined(
    sections=frozenset({"811.102", "811.103"}),
    what="the 2025 state crimes of illegal entry and re-entry, SB 4-C",
    citation=law.ENJOINED.citation,
    since=date(2025, 4, 4),
)

JURISDICTION = Jurisdiction(
    code="fl",
    rulebooks=(
        Rulebook(
            profile_of(law.FL_908, EVERYWHERE),
            (hold_rule, honor_rule(HONOR), *SHARED),
            always=(
                agreement_rule(MANDATE),
                termination_rule(
                    "Florida law (§908.11(1))",
                    law.TERMINATION.citation,
                    "the State Board of Immigration Enforcement",
                ),
                enjoined_charge_rule("Florida", SB_4C),
            ),
        ),
    ),
)
