"""Colorado as data: HB19-1124 (2019) and SB25-276 (2025). Read by counsel and by the
engine (`co.jurisdiction` derives the profile from it; `co.release_timing` checks the
release duties).

HB19-1124 is read from the legislature's summary; SB25-276 from the legislature's and a
bill tracker's summaries. Both effective dates are REVIEW.
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

SB_LEG_SUMMARY = "the General Assembly's summary of SB25-276 (leg.colorado.gov)"
SIX_HOUR_RULE = "Colorado's 6-hour release rule after a bond (section not verified)"

NO_DELAY = Duty(
    subject="release_timing",
    rule="no_immigration_delay",
    text="A jail custodian may not delay a defendant's release for the purpose of an "
    "immigration enforcement operation, even within the 6 hours the release rule allows; "
    "holding a person who has posted bond on a detainer request is a new warrantless "
    "arrest. holdwatch knows a delay was for immigration enforcement when custody went on "
    "past release (RE) and the person was then let go to immigration officers (handed to "
    "ICE or CBP, or met by them at the door); where ICE was only told of the release, it "
    "asks counsel (REVIEW). A delay while a detainer is on file is the barred hold itself "
    "(HOLD_BARRED): one act, one finding.",
    citation="SB25-276 (2025)",
    source=f"{SB_LEG_SUMMARY}; {SB_SUMMARY}",
    evidence="secondary",
    codes=("RELEASE_DELAYED_FOR_ICE", "REVIEW"),
)
SIX_HOURS = Duty(
    subject="release_timing",
    rule="time_limit",
    text="A jail custodian must generally release a defendant within 6 hours after a "
    "personal-recognizance bond is granted or the defendant is prepared to post bond. "
    "holdwatch counts 6 elapsed hours (across a clock change the wall clock shows 5 or 7) "
    "from the bond's instant, or from release (RE) when the record does not give it, and "
    "checks bookings an immigration authority touched. REVIEW: the rule's section number "
    "was not read.",
    citation=SIX_HOUR_RULE,
    source=SB_LEG_SUMMARY,
    evidence="secondary",
    codes=("RELEASE_TIME_LIMIT_EXCEEDED",),
)
SIX_HOURS_UNCHECKED = Duty(
    subject="release_timing",
    rule="time_limit",
    text="A jail custodian must generally release a defendant within 6 hours after a "
    "personal-recognizance bond is granted or the defendant is prepared to post bond. Not "
    "checked in this version: SB25-276's summary (2025) describes the rule as current law, "
    "but when it began was not verified, so holdwatch checks it from SB25-276's version.",
    citation=SIX_HOUR_RULE,
    source=SB_LEG_SUMMARY,
    evidence="secondary",
)
RELEASE_TIME_TO_ICE = Duty(
    subject="release_notification",
    rule="unsettled",
    text="HB19-1124 bars probation officers from giving personal information to immigration "
    "authorities; whether SB25-276 also bars a jail from telling ICE a release date or time "
    "depends on its final text, which was not read. Each release date or time given to ICE "
    "is flagged for counsel (REVIEW), not reported as a violation.",
    citation="SB25-276 (2025); " + CRS,
    source=SB_SUMMARY,
    evidence="inferred",
    codes=("REVIEW",),
)

HB19_1124 = Version(
    # REVIEW: the Act's effective date is not verified; May 28, 2019 is its signing date.
    valid_from=date(2019, 5, 28),
    valid_to=date(2025, 5, 22),
    title="Colorado HB19-1124: no arrest or detention on a civil immigration detainer",
    sources=(CRS,),
    duties=(
        HOLD,
        TRANSFER,
        PROBATION,
        INTERVIEW,
        AGREEMENT,
        SIX_HOURS_UNCHECKED,
    ),
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
        NO_DELAY,
        SIX_HOURS,
        RELEASE_TIME_TO_ICE,
    ),
)

CO_HB19_1124 = Law(
    id="co-hb19-1124",
    zone="America/Denver",
    state="CO",
    versions=(HB19_1124, SB25_276),
)
