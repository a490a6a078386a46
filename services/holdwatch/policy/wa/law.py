"""Washington as data: the Keep Washington Working Act (E2SSB 5497, Laws 2019 ch. 440).
Read by counsel and by the engine (`wa.jurisdiction` derives the profile from it).

The definitions (RCW 43.17.420) were read in the text; the duties (RCW 10.93.160) only in
secondary sources, so their subsection numbers are REVIEW and their evidence `secondary`.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

RCW_43_17_420 = "RCW 43.17.420, definitions (instalawyer.io copy of the code)"
RCW_10_93_160 = (
    "RCW 10.93.160 as summarized by defender and Attorney General guidance (defensenet.org; "
    "atg.wa.gov, model policies, May 2020); REVIEW: subsection numbers not read in the text"
)
KWW = "RCW 10.93.160 (Keep Washington Working Act, 2019)"

WA_KWW = Law(
    id="wa-kww",
    zone="America/Los_Angeles",
    state="WA",
    versions=(
        Version(
            # REVIEW: the Act's signing date (May 21, 2019); whether every section took
            # effect that day is not verified.
            valid_from=date(2019, 5, 21),
            title="Washington, Keep Washington Working: no holds on detainers or civil warrants",
            sources=(KWW, "RCW 43.17.420", "RCW 2.28.300-.330 (Courts Open to All Act, 2020)"),
            duties=(
                Duty(
                    subject="hold",
                    rule="barred",
                    text="A local agency may not keep anyone in custody on a hold request or "
                    "a civil immigration warrant. A hold request is ICE's request, without a "
                    "court order, to keep custody past the time the person would otherwise be "
                    "released, including Form I-247A and every version of Form I-247; a civil "
                    "immigration warrant includes Forms I-200 and I-203; a court order is a "
                    "federal (Article III) or Washington (Article IV) judge's or magistrate's "
                    "directive.",
                    citation=f"{KWW}; RCW 43.17.420 (definitions)",
                    source=f"{RCW_10_93_160}; {RCW_43_17_420}",
                    evidence="secondary",
                    codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL"),
                ),
                Duty(
                    subject="release_notification",
                    rule="barred",
                    text="A local agency may not answer a notification request or give "
                    "non-public personal information for civil immigration enforcement, "
                    "except as required by law. holdwatch flags a release date or personal "
                    "information given to ICE with no judge's warrant or order on file; "
                    "information the jail makes public is not flagged.",
                    citation=KWW,
                    source=RCW_10_93_160,
                    evidence="secondary",
                    codes=("NOTIFY_UNAUTHORIZED",),
                ),
                Duty(
                    subject="transfer",
                    rule="judicial_warrant",
                    text="Handing the person to ICE is holdwatch's reading of the bar on "
                    "holds and on assisting civil immigration enforcement: not without a "
                    "court order or judicial warrant. REVIEW: no subsection naming the "
                    "hand-over was read.",
                    citation=KWW,
                    source=RCW_10_93_160,
                    evidence="inferred",
                    codes=("TRANSFER_UNAUTHORIZED", "NO_JUDICIAL_WARRANT"),
                ),
                Duty(
                    subject="interview",
                    rule="court_order_or_consent",
                    text="Immigration authorities may interview a person in custody about "
                    "non-criminal matters only with a court order or the person's consent. "
                    "Not checked yet: the engine raises no code on it.",
                    citation=KWW,
                    source=RCW_10_93_160,
                    evidence="secondary",
                ),
                Duty(
                    subject="agreement_287g",
                    rule="banned",
                    text="A local agency may not enter a 287(g) or similar agreement; any "
                    "Warrant Service Officer or 287(g) activity is a violation.",
                    citation=KWW,
                    source=RCW_10_93_160,
                    evidence="secondary",
                    codes=("WSO_287G_BARRED",),
                ),
                Duty(
                    subject="civil_warrant_arrest",
                    rule="banned",
                    text="No civil immigration arrest at a courthouse (or of a person going "
                    "to or from court) without a judicial warrant (Courts Open to All Act, "
                    "2020). Not checked yet: the events do not say where an arrest happened.",
                    citation="RCW 2.28.300-.330",
                    source="the Act as summarized by defender guidance (defensenet.org)",
                    evidence="secondary",
                ),
            ),
        ),
    ),
)
