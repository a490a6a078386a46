"""Massachusetts as data: Lunn v. Commonwealth, 477 Mass. 517 (2017). The Supreme Judicial
Court held that Massachusetts law gives court officers (and so other state and local
officers) no authority to arrest or hold a person solely on a federal civil immigration
detainer. No statute: the rule is the court's. Read by counsel and by the engine
(`ma.jurisdiction` derives the profile).

Only secondary sources were read. The PROTECT Act (2026; in conference as last read) is
not encoded: its outcome is unknown.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

LUNN = "Lunn v. Commonwealth, 477 Mass. 517 (2017)"
SUMMARY = "a 2025 practitioner's summary of ICE detainers in Massachusetts (jrmccarthy-law.com)"
EXECUTIVE_ORDER = (
    "press reports of the Governor's 2026 executive order (flipsidenews.net, particle.news)"
)

MA_LUNN = Law(
    id="ma-lunn",
    zone="America/New_York",
    state="MA",
    versions=(
        Version(
            # REVIEW: the decision's date, from memory of the reports (July 24, 2017).
            valid_from=date(2017, 7, 24),
            title="Massachusetts after Lunn: no state authority to hold on a civil detainer",
            sources=(LUNN,),
            duties=(
                Duty(
                    subject="hold",
                    rule="no_state_authority",
                    text="Massachusetts officers have no authority under state law to arrest or "
                    "keep a person in custody solely on a civil immigration detainer, so "
                    "custody past release on one is unlawful from its first minute, whatever "
                    "the form and its window. A judge's warrant (criminal process) is a basis; "
                    "an administrative warrant (I-200, I-205) is not. REVIEW: the decision's "
                    "date (July 24, 2017) is not verified, and a hold by an officer acting "
                    "under a 287(g) agreement's federal authority is not told apart.",
                    citation=LUNN,
                    source=SUMMARY,
                    evidence="secondary",
                    codes=(
                        "HOLD_NO_STATE_AUTHORITY",
                        "HOLD_AFTER_CANCEL",
                        "HOLD_DEADLINE_APPROACHING",
                    ),
                ),
                Duty(
                    subject="release_notification",
                    rule="allowed",
                    text="No statewide rule bars telling ICE a release date (the Department of "
                    "Correction's 287(g) jail-enforcement unit notifies ICE at sentence end).",
                    citation=LUNN,
                    source=f"{SUMMARY}; {EXECUTIVE_ORDER}",
                    evidence="secondary",
                ),
                Duty(
                    subject="transfer",
                    rule="allowed",
                    text="Lunn bars holding a person for ICE, not handing over at release a "
                    "person ICE is there to take.",
                    citation=LUNN,
                    source=SUMMARY,
                    evidence="inferred",
                ),
                Duty(
                    subject="agreement_287g",
                    rule="allowed",
                    text="287(g) agreements are allowed; a 2026 executive order blocks new ones "
                    "by state agencies without a certified public-safety need and leaves the "
                    "Department of Correction's in place (REVIEW: the order's date).",
                    citation="8 U.S.C. §1357(g); Mass. Governor's executive order (2026)",
                    source=EXECUTIVE_ORDER,
                    evidence="secondary",
                ),
            ),
        ),
    ),
)
