"""New York City as data: Admin. Code §9-131 (Department of Correction) as amended by Local
Law 58 (2014), with §14-154 (NYPD) and §10-178 (2017). Read by counsel and by the engine
(`ny.jurisdiction` derives the profile from it).

Read from the Council's legislative summaries; the 2014 effective date is REVIEW.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

DOC = "N.Y.C. Admin. Code §9-131"
COUNCIL = "the City Council's summary of Local Law 58 of 2014 (legistar.council.nyc.gov)"

NY_NYC = Law(
    id="ny-nyc",
    zone="America/New_York",
    state="NY",
    versions=(
        Version(
            # REVIEW: Local Law 58 of 2014's effective date is not verified; Nov. 14, 2014 is
            # holdwatch's reading of its enactment.
            valid_from=date(2014, 11, 14),
            title="New York City: a detainer honored only on a federal judge's warrant and a "
            "covered conviction",
            sources=(DOC, "N.Y.C. Admin. Code §14-154", "N.Y.C. Admin. Code §10-178"),
            duties=(
                Duty(
                    subject="hold",
                    rule="barred",
                    text="The Department of Correction may honor a civil immigration detainer "
                    "(8 C.F.R. §287.7) only if it comes with a warrant from a federal judge and "
                    "the person was convicted of a violent or serious crime within five years "
                    "or is on a terrorist watch list. Without the warrant the hold is barred. "
                    "REVIEW: with a federal judge's warrant on file holdwatch treats custody "
                    "as resting on the warrant and does not check the covered-conviction "
                    "condition.",
                    citation=DOC,
                    source=COUNCIL,
                    evidence="secondary",
                    codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL"),
                ),
                Duty(
                    subject="transfer",
                    rule="judicial_warrant",
                    text="Handing the person to ICE honors the detainer: not without a federal "
                    "judge's warrant (and a covered conviction, not checked).",
                    citation=DOC,
                    source=COUNCIL,
                    evidence="secondary",
                    codes=("TRANSFER_UNAUTHORIZED", "NO_JUDICIAL_WARRANT"),
                ),
                Duty(
                    subject="release_notification",
                    rule="criteria",
                    text="Communication with ICE about release dates is limited. Not checked "
                    "yet: the engine raises no code on it (REVIEW: the exact limits).",
                    citation=DOC,
                    source=COUNCIL,
                    evidence="secondary",
                ),
                Duty(
                    subject="agreement_287g",
                    rule="banned",
                    text="No city resources may be used for immigration enforcement (§10-178, "
                    "2017). REVIEW: its date is not verified, so 287(g) activity is not "
                    "checked: no code.",
                    citation="N.Y.C. Admin. Code §10-178",
                    source="the Council's text of Int. 1568-A (2017) (legistar.council.nyc.gov)",
                    evidence="verified",
                ),
            ),
        ),
    ),
)
