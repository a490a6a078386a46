"""Texas SB 4 (2017): a jail must honor a detainer, within the form's window."""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.profile import Profile
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.tx import sb4

TX_SB4 = Profile(
    id="tx-sb4",
    version=date(2017, 9, 1),
    title="Texas SB 4: detainers must be honored, within the form's window",
    zone="America/Chicago",
    sources=("Tex. Code Crim. Proc. art. 2.251 (SB 4, 2017)", "DHS Form I-247A (02/17)"),
    hold_regime="window",
    hold_citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
    state="TX",
)

JURISDICTION = Jurisdiction(
    code="tx",
    rulebooks=(Rulebook(TX_SB4, (hold_rule, sb4.state_duty_rule, sb4.inform_rule, *SHARED)),),
)
