"""Connecticut as data: the TRUST Act, Conn. Gen. Stat. §54-192h, as amended in 2019, and
as repealed and replaced by HB 7212 (2025) from Oct. 1, 2025. Read by counsel and by the
engine (`ct.jurisdiction` derives the profile).

The 2013 act (2014-2019) is not encoded: its grounds differed, and bookings before the 2019
version are out of scope.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version
from holdwatch.policy.ct.trust_act import CITATION

AMENDED_2019 = (
    "summaries of the 2019 amendments (getpocketlaw.com) and of the 2013 act (the General "
    "Assembly's Office of Legislative Research)"
)
HB7212 = (
    "HB 7212 (2025) substitute bill text, definitions read (legiplex.com); the added offenses, "
    "the private right of action and the Oct. 1, 2025 date from press and practitioners' "
    "summaries (ctpublic.org, musanilaw.com, news12.com)"
)
HOLD_CODES = (
    "HOLD_NOT_ELIGIBLE",
    "HOLD_OVER_WINDOW",
    "HOLD_AFTER_CANCEL",
    "HOLD_DEADLINE_APPROACHING",
    "REVIEW",
)
NOTICE = Duty(
    subject="release_notification",
    rule="criteria",
    text="ICE may be told of a release date, or given the person, only on the same grounds. "
    "Not checked yet: the engine raises no code on it.",
    citation=CITATION,
    source=AMENDED_2019,
    evidence="secondary",
)

CT_TRUST = Law(
    id="ct-trust",
    zone="America/New_York",
    state="CT",
    versions=(
        Version(
            # REVIEW: the 2019 public act's effective date (Oct. 1, 2019) is inferred.
            valid_from=date(2019, 10, 1),
            valid_to=date(2025, 9, 30),
            title="Connecticut TRUST Act (2019 text): a hold only on a judicial warrant, a "
            "class A or B felony conviction or a terrorist-screening match",
            sources=("Conn. Gen. Stat. §54-192h (as amended 2019)",),
            duties=(
                Duty(
                    subject="hold",
                    rule="criteria",
                    text="An officer may not detain a person on a civil immigration detainer "
                    "unless a judicial warrant is on file, the person was convicted of a class "
                    "A or B felony, or the person matches the Terrorist Screening Database; "
                    "then only within the form's window. The class of a felony is read from "
                    "the statute cited (a table of Conn. Gen. Stat. sections, inferred); a "
                    "felony of unknown class is a REVIEW. REVIEW: the amendment's effective "
                    "date, and whether the 2013 act's cap (48 hours excluding weekends and "
                    "federal holidays) survives; a terrorist-screening match is not in the "
                    "record.",
                    citation=CITATION,
                    source=AMENDED_2019,
                    evidence="secondary",
                    codes=HOLD_CODES,
                ),
                NOTICE,
            ),
        ),
        Version(
            valid_from=date(2025, 10, 1),
            title="Connecticut TRUST Act (HB 7212, 2025): added qualifying offenses and a "
            "private right of action",
            sources=("Conn. Gen. Stat. §54-192h (HB 7212, 2025)",),
            duties=(
                Duty(
                    subject="hold",
                    rule="criteria",
                    text="As before, and a conviction of one of the offenses the 2025 act "
                    "added (among them sexual assault in the second and third degree, risk of "
                    "injury to a child, strangulation, assault in the second degree, violation "
                    "of a protective order, robbery in the first and second degree) also "
                    "allows a hold, within the form's window. A person held in violation may "
                    "sue for damages, fees and an injunction (private right of action, for "
                    "violations from Oct. 1, 2025). REVIEW: the enacted subsection (b) was not "
                    "read: whether a pending charge of an added offense counts (such a charge "
                    "is a REVIEW), the sections the offenses map to, family-violence assault "
                    "(the record has no family-violence flag), and the hold cap.",
                    citation=CITATION,
                    source=HB7212,
                    evidence="secondary",
                    codes=HOLD_CODES,
                ),
                NOTICE.model_copy(update={"source": HB7212}),
                Duty(
                    subject="reporting",
                    rule="annual",
                    text="Agencies report ICE access to the Office of Policy and Management "
                    "(every six months, as summarized). Not checked yet: the engine raises no "
                    "code on it (REVIEW: the interval).",
                    citation=CITATION,
                    source=HB7212,
                    evidence="secondary",
                ),
            ),
        ),
    ),
)
