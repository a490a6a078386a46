"""The federal profiles: the detainer's own window, with no state law on top.

`us-federal` counts the I-247A's 48 elapsed hours; `us-federal-legacy` the regulation's 48
hours excluding weekends and holidays, for the forms (I-247) that printed it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.profile import Profile
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook

US_FEDERAL = Profile(
    id="us-federal",
    version=date(2017, 4, 2),
    title="Federal baseline: Form I-247A, 48 elapsed hours past release",
    zone="America/New_York",
    sources=("8 C.F.R. §287.7", "DHS Form I-247A (02/17)", "ICE Policy 10074.2"),
    hold_regime="window",
    hold_citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
)

US_FEDERAL_LEGACY = replace(
    US_FEDERAL,
    id="us-federal-legacy",
    version=date(1997, 4, 1),
    title="Federal legacy: 8 C.F.R. §287.7(d), 48 hours excluding weekends and holidays",
    sources=("8 C.F.R. §287.7(d)", "DHS Form I-247 (12/11, 12/12)"),
    hold_citation="8 C.F.R. §287.7(d)",
)

RULES = (hold_rule, *SHARED)

JURISDICTION = Jurisdiction(
    code="us",
    rulebooks=(Rulebook(US_FEDERAL, RULES), Rulebook(US_FEDERAL_LEGACY, RULES)),
)
