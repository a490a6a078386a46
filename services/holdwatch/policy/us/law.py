"""The federal baseline as data: the detainer forms and 8 C.F.R. §287.7, no state law on top.

Read by counsel and by the engine (`us.jurisdiction` derives the profiles from it).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core import everywhere as core_everywhere
from holdwatch.policy.core.law import Duty, Law, Version

ECFR_287_7 = "8 C.F.R. §287.7, eCFR (ecfr.gov, title 8, part 287, §287.7)"
I_247A = "DHS Form I-247A (rev. 02/17) and ICE's guidance for it (effective Apr. 2, 2017)"

US_FEDERAL = Law(
    id="us-federal",
    zone="America/New_York",
    versions=(
        Version(
            valid_from=date(2017, 4, 2),
            title="Federal baseline: Form I-247A, 48 elapsed hours past release",
            sources=("8 C.F.R. §287.7", "DHS Form I-247A (02/17)", "ICE Policy 10074.2"),
            duties=(
                Duty(
                    subject="hold",
                    rule="window",
                    text="A detainer asks the jail to keep custody no longer than the form's "
                    "window: for the I-247A, 48 hours beyond the time the person would "
                    "otherwise have been released, counted in elapsed time (no weekend or "
                    "holiday exclusion). The jail may not hold longer than ICE asked.",
                    citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
                    source=I_247A,
                    evidence="verified",
                    codes=(
                        "HOLD_OVER_WINDOW",
                        "HOLD_AFTER_CANCEL",
                        "HOLD_DEADLINE_APPROACHING",
                        "REVIEW",
                    ),
                ),
                Duty(
                    subject="transfer",
                    rule="allowed",
                    text="No federal rule bars handing the person to ICE.",
                    citation="8 C.F.R. §287.7(a)",
                    source=ECFR_287_7,
                    evidence="verified",
                ),
                Duty(
                    subject="release_notification",
                    rule="allowed",
                    text="A detainer asks the jail to tell ICE before the person is released.",
                    citation="8 C.F.R. §287.7(a); DHS Form I-247A (02/17)",
                    source=ECFR_287_7,
                    evidence="verified",
                ),
                Duty(
                    subject="agreement_287g",
                    rule="allowed",
                    text="A local agency may enter a 287(g) agreement (task force, warrant "
                    "service officer, jail enforcement).",
                    citation="8 U.S.C. §1357(g)",
                    source="INA §287(g); ICE's Warrant Service Officer announcement, "
                    "May 6, 2019 (ice.gov)",
                    evidence="secondary",
                ),
            ),
        ),
    ),
)

US_FEDERAL_LEGACY = Law(
    id="us-federal-legacy",
    zone="America/New_York",
    versions=(
        Version(
            valid_from=date(1997, 4, 1),
            title="Federal legacy: 8 C.F.R. §287.7(d), 48 hours excluding weekends and holidays",
            sources=("8 C.F.R. §287.7(d)", "DHS Form I-247 (12/11, 12/12)"),
            duties=(
                Duty(
                    subject="hold",
                    rule="window",
                    text="The regulation lets the jail keep custody on a detainer for at most "
                    "48 hours excluding Saturdays, Sundays and holidays; the older I-247 "
                    "printed the same window.",
                    citation="8 C.F.R. §287.7(d)",
                    source=f"{ECFR_287_7}; the 1997 text as quoted in practitioners' guides",
                    evidence="verified",
                    codes=(
                        "HOLD_OVER_WINDOW",
                        "HOLD_AFTER_CANCEL",
                        "HOLD_DEADLINE_APPROACHING",
                        "REVIEW",
                    ),
                ),
                Duty(
                    subject="transfer",
                    rule="allowed",
                    text="No federal rule bars handing the person to ICE.",
                    citation="8 C.F.R. §287.7(a)",
                    source=ECFR_287_7,
                    evidence="verified",
                ),
            ),
        ),
    ),
)

#: What every profile also applies (defined in the core, where its rules are).
EVERYWHERE = core_everywhere.EVERYWHERE
