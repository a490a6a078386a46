"""Illinois as data: the TRUST Act (P.A. 100-463, 2017), its Way Forward Act amendments
(P.A. 102-0234, 2021), and Cook County Code §46-37 (2011) as an overlay. Read by counsel
and by the engine (`il.jurisdiction` derives the profile from it).

The current 5 ILCS 805/15 and the 2017 definition of "immigration detainer" were read in
the text; the 2017 text of §15 and both effective dates were not (REVIEW).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Overlay, Version

ILCS_15 = "5 ILCS 805/15, current text (ilga.gov)"
ILCS_10 = "5 ILCS 805/10, 2017 text (ilga.gov)"
TRUST = "5 ILCS 805/15(a)"
KIFTA = (
    "the Keep Illinois Families Together Act (2019), as reported in the Attorney General's "
    "updated guidance (edgarcountywatchdogs.com, July 2019)"
)

DETAINER_MEANS = (
    ' In Illinois an "immigration detainer" is any request, not approved or ordered by a '
    "judge, to give notice of release or to keep custody (5 ILCS 805/10), so a "
    "notification-only request is one too."
)

TRUST_2017 = Version(
    # REVIEW: P.A. 100-463 was signed Aug. 28, 2017; its effective date is not verified.
    valid_from=date(2017, 8, 28),
    valid_to=date(2021, 12, 31),
    title="Illinois TRUST Act: no detention on a detainer or civil immigration warrant",
    sources=("5 ILCS 805 (P.A. 100-463, 2017)",),
    duties=(
        Duty(
            subject="hold",
            rule="barred",
            text="A law enforcement agency or official may not detain or continue to detain "
            "anyone solely on the basis of an immigration detainer or a non-judicial "
            "immigration warrant. REVIEW: the 2017 wording of §15(a) is holdwatch's reading "
            "of the current text, which the 2021 amendments extended." + DETAINER_MEANS,
            citation=TRUST,
            source=f"{ILCS_10}; {ILCS_15}",
            evidence="inferred",
            codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL"),
        ),
        Duty(
            subject="agreement_287g",
            rule="banned",
            text="The Keep Illinois Families Together Act (2019) bars entering into or "
            "remaining in a 287(g) agreement. REVIEW: its effective date is not verified, "
            "so the engine checks the ban only from the next version (2022): no code here.",
            citation="5 ILCS 805 (Keep Illinois Families Together Act, 2019)",
            source=KIFTA,
            evidence="secondary",
        ),
    ),
)

WAY_FORWARD = Version(
    # REVIEW: P.A. 102-0234's effective date (Jan. 1, 2022) is not verified.
    valid_from=date(2022, 1, 1),
    title="Illinois TRUST Act as amended by the Way Forward Act: no detention, no "
    "compliance with a detainer or civil immigration warrant, no 287(g)",
    sources=("5 ILCS 805 (P.A. 100-463, 2017; P.A. 102-0234, 2021)",),
    duties=(
        Duty(
            subject="hold",
            rule="barred",
            text="A law enforcement agency or official may not detain or continue to detain "
            "anyone solely on the basis of an immigration detainer or civil immigration "
            "warrant (Forms I-200, I-203, I-205, I-286 and their successors), or otherwise "
            "comply with one." + DETAINER_MEANS,
            citation=TRUST,
            source=ILCS_15,
            evidence="verified",
            codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL"),
        ),
        Duty(
            subject="release_notification",
            rule="barred",
            text='"Otherwise comply" covers answering a notification request: holdwatch '
            "flags a release date or personal information given to ICE with no judge's "
            "warrant or order on file; information the jail makes public is not flagged.",
            citation=TRUST,
            source=ILCS_15,
            evidence="secondary",
            codes=("NOTIFY_UNAUTHORIZED",),
        ),
        Duty(
            subject="transfer",
            rule="judicial_warrant",
            text="Handing the person to ICE complies with the detainer: not without a judge's "
            "warrant (the Act excepts a valid, enforceable federal criminal warrant). "
            "REVIEW: the subsections on ICE access and transfers were not read.",
            citation=TRUST,
            source=ILCS_15,
            evidence="inferred",
            codes=("TRANSFER_UNAUTHORIZED", "NO_JUDICIAL_WARRANT"),
        ),
        Duty(
            subject="agreement_287g",
            rule="banned",
            text="No agency or official may enter into or remain in a 287(g) agreement; any "
            "Warrant Service Officer or 287(g) activity is a violation.",
            citation="5 ILCS 805 (Keep Illinois Families Together Act, 2019)",
            source=KIFTA,
            evidence="secondary",
            codes=("WSO_287G_BARRED",),
        ),
        Duty(
            subject="civil_warrant_arrest",
            rule="banned",
            text="HB 1312 (signed December 2025) bars civil immigration arrests in and "
            "within 1,000 feet of courthouses. REVIEW: its signing and effective dates were "
            "not captured, so it is not a version yet; not checked.",
            citation="HB 1312 (2025), art. 10 (Court Access, Safety, and Participation Act)",
            source="JURIST report of the signing (December 2025)",
            evidence="secondary",
        ),
    ),
)

IL_TRUST = Law(
    id="il-trust",
    zone="America/Chicago",
    state="IL",
    versions=(TRUST_2017, WAY_FORWARD),
)

COOK_46_37 = "Cook County Code §46-37"
COOK_TEXT = (
    "Cook County Code §46-37, text as it appears in a proposed amendment on "
    "cook-county.legistar.com (REVIEW: the amendment's status)"
)

COOK_COUNTY = Overlay(
    id="cook-county",
    applies_to="il-trust",
    valid_from=date(2011, 9, 7),
    duties=(
        Duty(
            subject="hold",
            rule="barred",
            text="The Sheriff must decline ICE detainer requests unless a written agreement "
            "reimburses all of the County's costs of complying (Ord. 11-O-73). REVIEW: "
            "whether any such agreement exists is not known; holdwatch reads none.",
            citation=COOK_46_37,
            source=COOK_TEXT,
            evidence="verified",
        ),
        Duty(
            subject="release_notification",
            rule="barred",
            text="County personnel may not spend on-duty time answering ICE inquiries or "
            "communicating with ICE about a person's incarceration status or release date, "
            "unless for a legitimate law enforcement purpose unrelated to immigration "
            "enforcement.",
            citation=COOK_46_37,
            source=COOK_TEXT,
            evidence="verified",
            codes=("NOTIFY_UNAUTHORIZED",),
        ),
        Duty(
            subject="transfer",
            rule="judicial_warrant",
            text="Unless ICE agents have a criminal warrant, they may not be given access to "
            "people in County custody or use County facilities; holdwatch reads a hand-over "
            "to ICE without a judge's warrant as barred.",
            citation=COOK_46_37,
            source=COOK_TEXT,
            evidence="inferred",
            codes=("TRANSFER_UNAUTHORIZED",),
        ),
    ),
)
