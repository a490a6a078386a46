"""Georgia as data: HB 1105 (2024), the "Georgia Criminal Alien Track and Report Act". A jail
must check a confined person's nationality and immigration status within 48 hours of
arrival (O.C.G.A. §42-4-14(b)) and honor immigration detainers (§42-1-11.5). Most of the
enacted text was read only in summaries. Read by counsel and by the engine
(`ga.jurisdiction`).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

HB_1105 = (
    "HB 1105 (2024): the sponsor's and advocates' summaries (immigrationpoliticsga.com, "
    "georgialawnews.com); signed May 1, 2024, most of it effective on signature"
)
S_42_4_14 = (
    "O.C.G.A. §42-4-14(b) (casetext.com copy, current through the 2024 session), read in part"
)

HB1105 = Law(
    id="ga-hb1105",
    zone="America/New_York",
    state="GA",
    versions=(
        Version(
            valid_from=date(2024, 5, 1),
            title="Georgia HB 1105 (2024): detainers honored within the form's window; "
            "nationality and status checked within 48 hours of arrival",
            sources=("O.C.G.A. §§42-4-14, 42-1-11.5 (HB 1105, 2024)", "DHS Form I-247A (02/17)"),
            duties=(
                Duty(
                    subject="hold",
                    rule="window",
                    text="A hold is limited by the detainer's own window (48 elapsed hours "
                    "for an I-247A). The introduced bill capped a hold at 48 hours without a "
                    "federal judge's warrant, which the I-247A's window already is. REVIEW: "
                    "the enacted cap was not read.",
                    citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
                    source=HB_1105,
                    evidence="secondary",
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
                    text="Jailers must honor ICE detainers: what the form asks, custody within "
                    "its window if it asks for custody and notice if it asks for notice, no "
                    "more. Release without honoring it is a state-law compliance finding; "
                    "oversight may turn these findings off. REVIEW: the section's text and "
                    "any exception for proof of status were not read.",
                    citation="O.C.G.A. §42-1-11.5 (HB 1105, 2024)",
                    source=HB_1105,
                    evidence="secondary",
                    codes=("STATE_DUTY_NOT_HONORED",),
                ),
                Duty(
                    subject="status_check",
                    rule="required",
                    text="A reasonable effort must be made within 48 hours of a person's "
                    "arrival at the jail to determine their nationality and that they are "
                    "not unlawfully present: counted in elapsed hours from the booking, with "
                    "no weekend or holiday exclusion. A person released before then is owed "
                    "no check. REVIEW: the part of (b) that says which confined persons it "
                    "covers was not read; the engine applies it to every booking.",
                    citation="O.C.G.A. §42-4-14(b)",
                    source=S_42_4_14,
                    evidence="verified",
                    codes=("STATUS_CHECK_LATE",),
                ),
                Duty(
                    subject="agreement_287g",
                    rule="required",
                    text="Jails must apply every year for a 287(g)-type agreement. Not "
                    "checked: REVIEW: the enacted duty and its date were not read.",
                    citation="HB 1105 (2024)",
                    source=HB_1105,
                    evidence="secondary",
                ),
                Duty(
                    subject="reporting",
                    rule="quarterly",
                    text="Jails report every quarter (from Dec. 31, 2024) the people confined, "
                    "status inquiries, detainers and ICE's responses. Not checked: the "
                    "contract carries no reports.",
                    citation="HB 1105 (2024)",
                    source=HB_1105,
                    evidence="secondary",
                ),
            ),
        ),
    ),
)
