"""New Hampshire as data: no state law on detainer holds found before 2026; from
Jan. 1, 2026 HB 511 (RSA ch. 106-R: honor detainers if safe to do so) and SB 62 (RSA 30-B:1,
III: a county cap of 48 hours excluding weekends and holidays; refusals reported to the
attorney general). Read by counsel and by the engine (`nh.jurisdiction`).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version
from holdwatch.policy.nh.cap import CITATION as CAP_CITATION

HB511 = (
    "HB 511 (2025), amended analysis of the chaptered text (bills.nhliberty.org); signing "
    "May 22, 2025 and the Jan. 1, 2026 effective date from bill trackers"
)
SB62 = (
    "SB 62 (2025): the RSA 30-B:1, III text read in amendment 2025-0494s (to SB 71); that the "
    "chaptered SB 62 carries it, and its effective date, from bill trackers (fastdemocracy.com)"
)
HOLD_CODES = ("HOLD_OVER_WINDOW", "HOLD_AFTER_CANCEL", "HOLD_DEADLINE_APPROACHING", "REVIEW")

BEFORE = Version(
    valid_from=date(2017, 4, 2),
    valid_to=date(2025, 12, 31),
    title="New Hampshire before HB 511 and SB 62: the detainer's own window",
    sources=("DHS Form I-247A (02/17)", "8 C.F.R. §287.7(d)"),
    duties=(
        Duty(
            subject="hold",
            rule="window",
            text="A hold is limited by the detainer's own window (48 elapsed hours for an "
            "I-247A). REVIEW: New Hampshire law before 2026 was not researched; no state duty "
            "or cap is applied, and the version starts with the I-247A (Apr. 2, 2017).",
            citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
            source="DHS Form I-247A (rev. 02/17) and ICE's guidance for it",
            evidence="inferred",
            codes=HOLD_CODES,
        ),
    ),
)

FROM_2026 = Version(
    valid_from=date(2026, 1, 1),
    title="New Hampshire HB 511 and SB 62: detainers honored if safe, within a 48-hour weekday cap",
    sources=("RSA ch. 106-R (HB 511, 2025)", "RSA 30-B:1, III (SB 62, 2025)"),
    duties=(
        Duty(
            subject="hold",
            rule="window",
            text="A county may hold a person on a detainer, after state charges are resolved, "
            "for at most 48 hours excluding Saturdays, Sundays and holidays. The binding limit "
            "is the earliest of the form's window (48 elapsed hours for an I-247A, which "
            "always comes first), this cap and 8 C.F.R. §287.7(d); the finding says which "
            "bound. The state's holidays are the holidays package's New Hampshire list (no "
            "Columbus Day; the Day After Thanksgiving; Election Day in even years). REVIEW: "
            "that list against RSA 288:1, and whether the cap took effect on July 21, 2025 "
            "rather than Jan. 1, 2026.",
            citation=CAP_CITATION,
            source=SB62,
            evidence="secondary",
            codes=HOLD_CODES,
        ),
        Duty(
            subject="honor_detainer",
            rule="required",
            text="Law enforcement agencies must comply with immigration detainers if it is "
            "safe to do so; blanket policies against compliance are barred. Releasing the "
            "person without doing what the detainer asks (custody until the binding limit, "
            "notice before release) is a state-law compliance finding, unless the release "
            "record says complying was not safe (unsafe_to_comply) and why. The duty is what "
            "the form asks: a notification-only request asks for no hold. REVIEW: the "
            "exceptions for certain witnesses and victims of crime are not in the record and "
            "not checked.",
            citation="RSA 106-R:3, I (HB 511, 2025)",
            source=HB511,
            evidence="secondary",
            codes=("STATE_DUTY_NOT_HONORED",),
        ),
        Duty(
            subject="reporting",
            rule="per_refusal",
            text="An agency refusing to honor a detainer must report each refusal to the "
            "attorney general in the time, form and manner the attorney general prescribes. "
            "Each release that did not do what a detainer asked, excused as unsafe or not, is "
            "flagged as a refusal to report (an advisory: no event records the report). "
            "REVIEW: the attorney general's rule, and so the report's due date, was not found.",
            citation="RSA 30-B:1, III (SB 62, 2025)",
            source=SB62,
            evidence="secondary",
            codes=("STATE_REPORT_DUE",),
        ),
        Duty(
            subject="agreement_287g",
            rule="allowed",
            text="State and local entities may not impede participation in 287(g) agreements.",
            citation="SB 62 (2025), as introduced",
            source="SB 62 (2025) as introduced, and bill trackers",
            evidence="secondary",
        ),
    ),
)

NH_2026 = Law(id="nh-2026", zone="America/New_York", state="NH", versions=(BEFORE, FROM_2026))
