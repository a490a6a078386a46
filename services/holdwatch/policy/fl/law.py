"""Florida as data: ch. 908 (SB 168, 2019, as amended in 2022 and 2025). A jail must honor a
detainer that is facially sufficient (one that comes with an administrative warrant); the
sheriff or chief correctional officer operating a county detention facility must have a
287(g) agreement, and from SB 2-C (2025) may end it only with the State Board of Immigration
Enforcement's approval. Read by counsel and by the engine (`fl.jurisdiction`).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

CH_908 = "Fla. Stat. ch. 908 (flsenate.gov, 2022 text of chapter 908), read in part"
S_908_11 = "Fla. Stat. §908.11 (flsenate.gov, Statutes 2024, as amended by s. 22, ch. 2025-1)"
SB_2C = (
    "SB 2-C (2025 Special Session C, ch. 2025-1): the official Senate bill summary "
    "(flsenate.gov) and press reports of its signing on Feb. 13, 2025"
)

HOLD = Duty(
    subject="hold",
    rule="window",
    text="A hold is limited by the detainer's own window (48 elapsed hours for an I-247A); "
    "the state duty to honor it does not lengthen it.",
    citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
    source="DHS Form I-247A (rev. 02/17) and ICE's guidance for it",
    evidence="verified",
    codes=("HOLD_OVER_WINDOW", "HOLD_AFTER_CANCEL", "HOLD_DEADLINE_APPROACHING", "REVIEW"),
)
HONOR = Duty(
    subject="honor_detainer",
    rule="required",
    text="An agency holding a person under an immigration detainer must comply with it once "
    "it is facially sufficient: a detainer on ICE's form that comes with an administrative "
    "warrant (I-200 or I-205, attached or received by the release) (§908.102(2), "
    "§908.105). A detainer without one sets no state duty. What the duty requires is what "
    "the form asks: custody within its window if it asks for custody, notice if it asks for "
    "notice. Release without honoring it is a state-law compliance finding, not a federal "
    "violation; oversight may turn these findings off. REVIEW: §908.105's paragraph and "
    "§908.102(2)(c)'s list of warrants were read in secondary sources only.",
    citation="Fla. Stat. §§908.102(2), 908.105",
    source=CH_908,
    evidence="secondary",
    codes=("STATE_DUTY_NOT_HONORED",),
)
AGREEMENT_2019 = Duty(
    subject="agreement_287g",
    rule="required",
    text="The sheriff or chief correctional officer operating a county detention facility "
    "must enter into a written 287(g) agreement with ICE (any model). REVIEW: the date by "
    "which the 2022 amendment (ch. 2022-193) required it was not read, so the engine checks "
    "no agreement in this version; it does from the next (Feb. 13, 2025).",
    citation="Fla. Stat. §908.11(1) (ch. 2022-193)",
    source=S_908_11,
    evidence="verified",
)
AGREEMENT_2025 = Duty(
    subject="agreement_287g",
    rule="required",
    text="The sheriff or chief correctional officer operating a county detention facility "
    "must have a written 287(g) agreement with ICE (no model is required); only a signed "
    "agreement meets the duty, not a request. The duty predates this version, so the "
    "engine checks it from this version's first minute (00:00 local, Feb. 13, 2025) in the "
    "agency's zone (the western panhandle keeps Central time). An agency the agencies file "
    "does not describe is taken to operate a county detention facility.",
    citation="Fla. Stat. §908.11(1)",
    source=S_908_11,
    evidence="verified",
    codes=("AGREEMENT_287G_MISSING",),
)
TERMINATION = Duty(
    subject="agreement_287g",
    rule="required",
    text="The State Board of Immigration Enforcement must approve the termination of any "
    "such agreement: an agreement ended with no approval on record is a finding at its end.",
    citation="Fla. Stat. §908.11(1) (as amended by ch. 2025-1)",
    source=S_908_11,
    evidence="verified",
    codes=("AGREEMENT_287G_TERMINATION_UNAPPROVED",),
)
REPORTING = Duty(
    subject="reporting",
    rule="quarterly",
    text="Until it enters into the agreement, the agency must report its status and any "
    "reason for noncompliance to the State Board every quarter, beginning no later than "
    "April 1, 2025. Not checked: the contract carries no reports.",
    citation="Fla. Stat. §908.11(2)",
    source=S_908_11,
    evidence="verified",
)

SB_4C = (
    "press reports of SB 4-C (2025 Special Session C) and of the injunction against it "
    "(wuwf.org, July 9, 2025; particle.news)"
)
ENJOINED = Duty(
    subject="charge_in_force",
    rule="enjoined",
    text="SB 4-C (2025) made illegal entry and re-entry state crimes; a federal court barred "
    "their enforcement by a temporary restraining order on Apr. 4, 2025, then a preliminary "
    "injunction (the Eleventh Circuit upheld it, the Supreme Court denied a stay on July 9, "
    "2025). A booking on such a charge from that day is flagged for counsel at the booking. "
    "REVIEW: the section numbers (§§811.102, 811.103) are inferred, not read; whether the "
    "injunction still stands is to be checked.",
    citation="SB 4-C (2025), Fla. Stat. §§811.102–811.103 (enjoined from Apr. 4, 2025)",
    source=SB_4C,
    evidence="inferred",
    codes=("ENJOINED_STATUTE_CHARGE",),
    operative_from=date(2025, 4, 4),
)

FL_908 = Law(
    id="fl-908",
    zone="America/New_York",
    state="FL",
    versions=(
        Version(
            valid_from=date(2019, 7, 1),
            valid_to=date(2025, 2, 12),
            title="Florida ch. 908: facially sufficient detainers must be honored; sheriffs "
            "must have a 287(g) agreement (REVIEW: SB 168's effective date, July 1, 2019, "
            "is inferred)",
            sources=("Fla. Stat. ch. 908 (SB 168, 2019; ch. 2022-193)", "DHS Form I-247A (02/17)"),
            duties=(HOLD, HONOR, AGREEMENT_2019),
        ),
        Version(
            valid_from=date(2025, 2, 13),
            title="Florida ch. 908 as amended by SB 2-C (2025): a 287(g) agreement required, "
            "its termination only with the State Board's approval",
            sources=(
                "Fla. Stat. ch. 908 (SB 168, 2019; ch. 2022-193; ch. 2025-1)",
                SB_2C,
                "DHS Form I-247A (02/17)",
            ),
            duties=(HOLD, HONOR, AGREEMENT_2025, TERMINATION, REPORTING, ENJOINED),
        ),
    ),
)
