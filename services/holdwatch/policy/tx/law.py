"""Texas as data: SB 4 (2017), under which a jail must honor a detainer. Read by counsel and
by the engine (`tx.jurisdiction` derives the profile from it).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

ART_2_251 = (
    "Tex. Code Crim. Proc. art. 2.251 (lawserver.com copy, marked effective until Jan. 1, 2025, "
    "when chapter 2 was recodified; REVIEW: the new article number is not known)"
)

TX_SB4 = Law(
    id="tx-sb4",
    zone="America/Chicago",
    state="TX",
    versions=(
        Version(
            valid_from=date(2017, 9, 1),
            title="Texas SB 4: detainers must be honored, within the form's window",
            sources=("Tex. Code Crim. Proc. art. 2.251 (SB 4, 2017)", "DHS Form I-247A (02/17)"),
            duties=(
                Duty(
                    subject="hold",
                    rule="window",
                    text="A hold is limited by the detainer's own window (48 elapsed hours for "
                    "an I-247A); the state duty to honor it does not lengthen it.",
                    citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
                    source="DHS Form I-247A (rev. 02/17) and ICE's guidance for it",
                    evidence="verified",
                    codes=(
                        "HOLD_OVER_WINDOW",
                        "HOLD_AFTER_CANCEL",
                        "HOLD_DEADLINE_APPROACHING",
                        "REVIEW",
                    ),
                ),
                Duty(
                    subject="honor_detainer",
                    rule="required",
                    text="The jail must comply with every request in the detainer (keep custody "
                    "within the window, notify ICE before release) unless the person proved "
                    "citizenship or lawful status (art. 2.251(b)). Release without honoring it "
                    "is a state-law compliance finding, not a federal violation; oversight may "
                    "turn these findings off.",
                    citation="Tex. Code Crim. Proc. art. 2.251(a)(1)",
                    source=ART_2_251,
                    evidence="verified",
                    codes=("STATE_DUTY_NOT_HONORED",),
                ),
                Duty(
                    subject="inform",
                    rule="required",
                    text="A person held on a detainer must be told they are held on an "
                    "immigration detainer.",
                    citation="Tex. Code Crim. Proc. art. 2.251(a)(2)",
                    source=ART_2_251,
                    evidence="verified",
                    codes=("TRUTH_COPY_MISSING",),
                ),
                Duty(
                    subject="agreement_287g",
                    rule="allowed",
                    text="287(g) agreements are allowed (SB 8 (2025), which requires them of "
                    "sheriffs whose county operates a jail, is not encoded yet).",
                    citation="8 U.S.C. §1357(g)",
                    source="INA §287(g)",
                    evidence="secondary",
                ),
            ),
        ),
    ),
)
