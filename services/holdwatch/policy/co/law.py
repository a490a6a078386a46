"""Colorado as data: HB19-1124 (2019) and SB25-276 (2025). Read by counsel and by the
engine (`co.jurisdiction` derives the profile from it).

HB19-1124 is read from the legislature's summary; SB25-276 only from a bill tracker's
summary. Both effective dates are REVIEW.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

CRS = "C.R.S. 24-76.6-101 et seq. (HB19-1124)"
HB_SUMMARY = "the General Assembly's summary of HB19-1124 (leg.colorado.gov)"
SB_SUMMARY = "a bill tracker's summary of SB25-276 (coloradocapitolwatch.com)"

HOLD = Duty(
    subject="hold",
    rule="barred",
    text="A law enforcement officer may not arrest or detain anyone solely on the basis of "
    "a civil immigration detainer.",
    citation=CRS,
    source=HB_SUMMARY,
    evidence="verified",
    codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL"),
)
TRANSFER = Duty(
    subject="transfer",
    rule="judicial_warrant",
    text="Officers may help execute a warrant issued by a federal judge or magistrate, or "
    "honor a state or federal judicial writ; holdwatch reads a hand-over to ICE without a "
    "judge's warrant as detaining on the detainer. REVIEW: no section naming the hand-over "
    "was read.",
    citation=CRS,
    source=HB_SUMMARY,
    evidence="inferred",
    codes=("TRANSFER_UNAUTHORIZED", "NO_JUDICIAL_WARRANT"),
)
PROBATION = Duty(
    subject="personal_information",
    rule="public_only",
    text="Probation officers and employees may not give an individual's personal "
    "information to federal immigration authorities. Not checked: the events do not say "
    "which office gave information.",
    citation=CRS,
    source=HB_SUMMARY,
    evidence="verified",
)
INTERVIEW = Duty(
    subject="interview",
    rule="written_consent",
    text="Before an ICE phone or video interview the person must be told that ICE seeks it, "
    "that they may decline and stay silent, may speak to a lawyer first, and that what they "
    "say may be used in immigration court. Not checked yet: the engine raises no code on it.",
    citation=CRS,
    source=HB_SUMMARY,
    evidence="verified",
)
AGREEMENT = Duty(
    subject="agreement_287g",
    rule="allowed",
    text="HB19-1124 does not address 287(g) agreements. REVIEW: not verified in the text.",
    citation=CRS,
    source=HB_SUMMARY,
    evidence="inferred",
)

HB19_1124 = Version(
    # REVIEW: the Act's effective date is not verified; May 28, 2019 is its signing date.
    valid_from=date(2019, 5, 28),
    valid_to=date(2025, 5, 22),
    title="Colorado HB19-1124: no arrest or detention on a civil immigration detainer",
    sources=(CRS,),
    duties=(HOLD, TRANSFER, PROBATION, INTERVIEW, AGREEMENT),
)

SB25_276 = Version(
    # REVIEW: SB25-276's enactment and effective date are not verified (May 23, 2025 is
    # holdwatch's reading of its signing).
    valid_from=date(2025, 5, 23),
    title="Colorado HB19-1124 and SB25-276: no detention on a detainer, no delay of release "
    "for immigration enforcement",
    sources=(CRS, "SB25-276 (2025)"),
    duties=(
        HOLD,
        TRANSFER,
        PROBATION,
        INTERVIEW,
        AGREEMENT,
        Duty(
            subject="release_timing",
            rule="no_immigration_delay",
            text="A jail custodian, generally bound to release a defendant within 6 hours of "
            "a personal-recognizance bond or of being ready to post bond, may not delay the "
            "release for an immigration enforcement operation, even within the 6 hours. Not "
            "checked yet: the engine has no code for a delay before release eligibility "
            "(the issue proposes one). REVIEW: the 6-hour rule's section number and whether "
            "jail release times may be shared depend on the final text.",
            citation="SB25-276 (2025); the 6-hour release rule (section not verified)",
            source=SB_SUMMARY,
            evidence="secondary",
        ),
    ),
)

CO_HB19_1124 = Law(
    id="co-hb19-1124",
    zone="America/Denver",
    state="CO",
    versions=(HB19_1124, SB25_276),
)
