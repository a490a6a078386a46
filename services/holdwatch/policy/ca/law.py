"""California's law as data: the Values Act (from 2018), the TRUST Act era (2014–2017),
state prisons, and the LASD overlay. Read by counsel and by the engine (`ca.jurisdiction`
derives the profiles from it).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Overlay, Version

SB54_TEXT = "SB 54 (Stats. 2017, ch. 495), chaptered text (leginfo.legislature.ca.gov)"
TRUTH_TEXT = "Cal. Gov. Code §7283.1, current text (self-law.org)"
TRUST_2014_TEXT = "the former text as struck out in SB 54 (as amended Sept. 11, 2017)"
TRUTH_OPERATIVE = date(2017, 1, 1)  # AB 2792 (2016), Stats. 2016, ch. 768
FORM_WINDOW = "DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)"
SLA = (
    " holdwatch also reports, as an advisory, a notice given more than 24 hours after its "
    "trigger: a service level of its own (SB 1364 (2020) proposed it and was not enacted)."
)

REQUEST_COPY = Duty(
    subject="request_copy",
    rule="required",
    text="On any hold, notification or transfer request, the person gets a copy of it and "
    "is told whether the agency intends to comply. The statute sets no hour; holdwatch "
    "reads ICE access before that as breaking its order of events, a violation." + SLA,
    citation="Cal. Gov. Code §7283.1(b)",
    source=TRUTH_TEXT,
    evidence="verified",
    codes=("TRUTH_COPY_MISSING", "REVIEW"),
)
RELEASE_NOTICE = Duty(
    subject="release_notice",
    rule="required",
    text="When the agency tells ICE a release date it must promptly give the same "
    "notification in writing to the person and to their attorney or a designee. "
    '"Promptly" is undefined; holdwatch reads release or transfer before that as a '
    "violation." + SLA,
    citation="Cal. Gov. Code §7283.1(b)",
    source=TRUTH_TEXT,
    evidence="verified",
    codes=("TRUTH_RELEASE_NOTICE_MISSING",),
)
INTERVIEW = Duty(
    subject="interview",
    rule="written_consent",
    text="Before any ICE interview the person gets a written consent form saying the "
    "interview is voluntary and may be declined or held only with an attorney present.",
    citation="Cal. Gov. Code §7283.1(a)",
    source=TRUTH_TEXT,
    evidence="verified",
    codes=("TRUTH_INTERVIEW_NO_CONSENT",),
)

CA_SB54 = Law(
    id="ca-sb54",
    zone="America/Los_Angeles",
    state="CA",
    versions=(
        Version(
            valid_from=date(2018, 1, 1),
            title="California Values Act (SB 54): no holds; notify and transfer only per §7282.5",
            sources=(
                "Cal. Gov. Code §§7284-7284.12 (SB 54, Stats. 2017, ch. 495)",
                "Cal. Gov. Code §§7282, 7282.5 (TRUST Act as amended)",
                "Cal. Gov. Code §§7283-7283.2 (TRUTH Act)",
            ),
            duties=(
                Duty(
                    subject="hold",
                    rule="barred",
                    text="No one may be detained on the basis of a hold request: any custody "
                    "past release that rests on a detainer is a violation from its first "
                    "minute. Nothing in §7282.5 unlocks a hold.",
                    citation="Cal. Gov. Code §7284.6(a)(1)(B)",
                    source=SB54_TEXT,
                    evidence="verified",
                    codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL", "HOLD_DEADLINE_APPROACHING"),
                ),
                Duty(
                    subject="release_notification",
                    rule="criteria",
                    text="A release date may be given to ICE only if it is public, or in "
                    "answer to a current notification request for a person who meets "
                    "§7282.5(a) or was held to answer on a qualifying felony (§7282.5(b)).",
                    citation="Cal. Gov. Code §7284.6(a)(1)(C); §7282.5",
                    source=SB54_TEXT,
                    evidence="verified",
                    codes=("NOTIFY_UNAUTHORIZED", "REVIEW"),
                ),
                Duty(
                    subject="personal_information",
                    rule="public_only",
                    text="Personal information (such as a home or work address) may be given "
                    "to ICE only if it is public.",
                    citation="Cal. Gov. Code §7284.6(a)(1)(D)",
                    source=SB54_TEXT,
                    evidence="verified",
                    codes=("NOTIFY_UNAUTHORIZED",),
                ),
                Duty(
                    subject="transfer",
                    rule="judicial_warrant_or_criteria",
                    text="The person may be handed to immigration authorities only on a "
                    "federal judicial warrant or judicial probable-cause determination, or "
                    "if they meet §7282.5(a); a §7282.5(b) holding order never allows it.",
                    citation="Cal. Gov. Code §7284.6(a)(4)",
                    source=SB54_TEXT,
                    evidence="verified",
                    codes=(
                        "TRANSFER_UNAUTHORIZED",
                        "TRANSFER_ON_7282_5B_ONLY",
                        "NO_JUDICIAL_WARRANT",
                        "REVIEW",
                    ),
                ),
                Duty(
                    subject="agreement_287g",
                    rule="banned",
                    text="Agencies may not perform immigration officers' functions (287(g), "
                    "including the Warrant Service Officer model) or deputize officers for "
                    "immigration enforcement; every such act is a violation.",
                    citation="Cal. Gov. Code §7284.6(a)(1)(G), (a)(2)",
                    source=SB54_TEXT,
                    evidence="verified",
                    codes=("WSO_287G_BARRED",),
                ),
                Duty(
                    subject="civil_warrant_arrest",
                    rule="banned",
                    text="No arrest on a civil immigration warrant (an I-200 or I-205).",
                    citation="Cal. Gov. Code §7284.6(a)(1)(E)",
                    source=SB54_TEXT,
                    evidence="verified",
                    codes=("CIVIL_WARRANT_ARREST",),
                ),
                REQUEST_COPY,
                RELEASE_NOTICE,
                INTERVIEW,
                Duty(
                    subject="reporting",
                    rule="annual",
                    text="Each agency reports to the Department of Justice every year the "
                    "number of transfers under §7284.6(a)(4) and the offense that allowed "
                    "each one. holdwatch does not check it.",
                    citation="Cal. Gov. Code §7284.6(c)(2)",
                    source=SB54_TEXT,
                    evidence="verified",
                ),
            ),
        ),
    ),
)

CA_TRUST_2014 = Law(
    id="ca-trust-2014",
    zone="America/Los_Angeles",
    state="CA",
    versions=(
        Version(
            valid_from=date(2014, 1, 1),
            valid_to=date(2017, 12, 31),
            title="California TRUST Act (AB 4) 2014-2017: holds only for listed convictions",
            sources=("former Cal. Gov. Code §§7282(c), 7282.5 (AB 4, Stats. 2013, ch. 570)",),
            duties=(
                Duty(
                    subject="hold",
                    rule="criteria",
                    text="A detainer hold was allowed only for a person with listed "
                    "convictions, and then for at most 48 hours excluding weekends and "
                    "holidays (or the form's shorter window). holdwatch reads the 2014 list "
                    "as the current §7282.5(a) list, which it resembles; counsel should "
                    "check the convictions a finding relies on.",
                    citation="former Cal. Gov. Code §7282.5(a) (2014); former §7282(c)",
                    source=TRUST_2014_TEXT,
                    evidence="inferred",
                    codes=(
                        "HOLD_NOT_ELIGIBLE",
                        "HOLD_OVER_WINDOW",
                        "HOLD_AFTER_CANCEL",
                        "HOLD_DEADLINE_APPROACHING",
                        "REVIEW",
                    ),
                ),
                Duty(
                    subject="transfer",
                    rule="allowed",
                    text="Transfers were not restricted by statute.",
                    citation="former Cal. Gov. Code §7282.5 (2014)",
                    source=TRUST_2014_TEXT,
                    evidence="inferred",
                ),
                Duty(
                    subject="release_notification",
                    rule="allowed",
                    text="Release-date notifications were not restricted by statute.",
                    citation="former Cal. Gov. Code §7282.5 (2014)",
                    source=TRUST_2014_TEXT,
                    evidence="inferred",
                ),
                Duty(
                    subject="agreement_287g",
                    rule="allowed",
                    text="287(g) agreements were not barred by statute.",
                    citation="former Cal. Gov. Code §§7282, 7282.5 (2014)",
                    source=TRUST_2014_TEXT,
                    evidence="inferred",
                ),
                REQUEST_COPY.model_copy(update={"operative_from": TRUTH_OPERATIVE}),
                RELEASE_NOTICE.model_copy(update={"operative_from": TRUTH_OPERATIVE}),
                INTERVIEW.model_copy(update={"operative_from": TRUTH_OPERATIVE}),
            ),
        ),
    ),
)

CA_CDCR = Law(
    id="ca-cdcr",
    zone="America/Los_Angeles",
    state="CA",
    versions=(
        Version(
            valid_from=date(2018, 1, 1),
            title="California state prisons (CDCR): outside §7284.6; §7284.10 duties",
            sources=("Cal. Gov. Code §7284.4(a)", "Cal. Gov. Code §7284.10"),
            duties=(
                Duty(
                    subject="hold",
                    rule="window",
                    text="The Values Act's bars do not reach state prisons (§7284.4(a)); a "
                    "hold is limited by the detainer's own window.",
                    citation=FORM_WINDOW,
                    source=SB54_TEXT,
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
                    text="State prisons are outside the Values Act's limits on transfers and "
                    "notifications (§7284.4(a) excludes the department).",
                    citation="Cal. Gov. Code §7284.4(a)",
                    source=SB54_TEXT,
                    evidence="verified",
                ),
                Duty(
                    subject="request_copy",
                    rule="required",
                    text="On any ICE hold, notification or transfer request, the person gets a "
                    "copy and is told whether the department intends to comply." + SLA,
                    citation="Cal. Gov. Code §7284.10(a)(2)",
                    source="Cal. Gov. Code §7284.10 (legalfina.com copy; the end of (a)(2) "
                    "from its summary)",
                    evidence="secondary",
                    codes=("TRUTH_COPY_MISSING", "REVIEW"),
                ),
                Duty(
                    subject="interview",
                    rule="written_consent",
                    text="Before any ICE interview the person gets a written consent form.",
                    citation="Cal. Gov. Code §7284.10(a)(1)",
                    source="Cal. Gov. Code §7284.10 (legalfina.com copy)",
                    evidence="verified",
                    codes=("TRUTH_INTERVIEW_NO_CONSENT",),
                ),
            ),
        ),
    ),
)

LASD_CITATION = (
    "LASD policy: moratorium on ICE transfers and release notifications "
    "(Apr. 24, 2020; permanent Aug. 3, 2020)"
)
LASD_SOURCE = "news reports of the Sheriff's orders (Apr. 24 and Aug. 3, 2020)"

LASD_2020 = Overlay(
    id="lasd-2020",
    applies_to="ca-sb54",
    valid_from=date(2020, 4, 24),
    duties=(
        Duty(
            subject="release_notification",
            rule="barred",
            text="No release-date notification to immigration authorities, even where state "
            "law would allow it.",
            citation=LASD_CITATION,
            source=LASD_SOURCE,
            evidence="secondary",
            codes=("NOTIFY_UNAUTHORIZED",),
        ),
        Duty(
            subject="transfer",
            rule="judicial_warrant",
            text="No transfer to immigration authorities without a judicial warrant, even "
            "where state law would allow it.",
            citation=LASD_CITATION,
            source=LASD_SOURCE,
            evidence="secondary",
            codes=("TRANSFER_UNAUTHORIZED",),
        ),
    ),
)
