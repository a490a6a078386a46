"""New Jersey as data: the Immigrant Trust Directive (AG Directive 2018-6, Nov. 29, 2018,
revised 2019). Read by counsel and by the engine (`nj.jurisdiction` derives the profile).

Only secondary sources were read: the Attorney General's reporting page quotes the notice
criteria; the 11:59 p.m. limit and the 287(g) rules come from press reports (REVIEW).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version
from holdwatch.policy.nj.directive import CITATION

NJOAG = "the Attorney General's 2019 reporting-data release, quoting the criteria (njoag.gov)"
PRESS = (
    "press reports of the Directive and its 2019 revision (savejersey.com, essexcountypolitics.com)"
)

NJ_ITD = Law(
    id="nj-itd",
    zone="America/New_York",
    state="NJ",
    versions=(
        Version(
            # REVIEW: the Directive's date of issue; its operative date and the 2019 revision's
            # date are not verified, nor whether 2026 statutes (reported once) replaced it.
            valid_from=date(2018, 11, 29),
            title="New Jersey Immigrant Trust Directive: a hold only when its criteria are met, "
            "until 11:59 p.m. on the day of release",
            sources=("N.J. AG Directive 2018-6 (rev. 2019)",),
            duties=(
                Duty(
                    subject="hold",
                    rule="criteria",
                    text="A corrections agency may keep a person past release on a detainer "
                    "only if the person is charged with or was ever convicted of a violent or "
                    "serious offense (as the Directive defines it), was convicted of another "
                    "indictable crime within five years, or is the subject of a judicial "
                    "warrant or court order; and then only until 11:59 p.m. on the day of "
                    "release (custody from 00:00 the next day is over the limit), or the "
                    "form's window if shorter. A contract felony is an indictable crime, a "
                    "misdemeanor a disorderly persons offense. REVIEW: the 11:59 p.m. limit "
                    "is not verified in the Directive's text; the violent-or-serious list is "
                    "not encoded, so a felony charge or an older felony conviction is a REVIEW.",
                    citation=CITATION,
                    source=f"{NJOAG}; {PRESS}",
                    evidence="secondary",
                    codes=(
                        "HOLD_NOT_ELIGIBLE",
                        "HOLD_OVER_WINDOW",
                        "HOLD_AFTER_CANCEL",
                        "HOLD_DEADLINE_APPROACHING",
                        "REVIEW",
                    ),
                ),
                Duty(
                    subject="release_notification",
                    rule="criteria",
                    text="ICE may be told of an upcoming release only under the same criteria "
                    "(or on a final order or court order). Not checked yet: the engine "
                    "raises no code on it.",
                    citation=CITATION,
                    source=NJOAG,
                    evidence="secondary",
                ),
                Duty(
                    subject="interview",
                    rule="written_consent",
                    text="ICE may not interview an arrestee without the person being advised of "
                    "the right to a lawyer. Not checked yet: the engine raises no code on it.",
                    citation=CITATION,
                    source=PRESS,
                    evidence="secondary",
                ),
                Duty(
                    subject="agreement_287g",
                    rule="banned",
                    text="New 287(g) agreements are barred and the 2019 revision ended existing "
                    "ones; any Warrant Service Officer or 287(g) activity is a violation.",
                    citation=CITATION,
                    source=PRESS,
                    evidence="secondary",
                    codes=("WSO_287G_BARRED",),
                ),
            ),
        ),
    ),
)
