"""North Carolina as data: G.S. 162-62 as amended by HB 10 (from Dec. 1, 2024) and HB 318
(from Oct. 1, 2025). Read by counsel and by the engine (`nc.jurisdiction` derives the
profile from it; `nc.judicial_order` checks the order).

Subsection (b1) was read only in part (the copy breaks off); what the judicial official
orders, and for how long, comes from press reports of the veto overrides. Both effective
dates are from the same reports. The status inquiries of subsections (a) and (b), and the
offenses HB 318 added to them, are not encoded: the events do not record an inquiry.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

GS_162_62 = "N.C. Gen. Stat. §162-62(b1)"
STATUTE_COPY = "G.S. 162-62 (casetext.com copy, current through S.L. 2024-58; (b1) cut off)"
HB10_REPORT = "particle.news report of HB 10's veto override (2024)"
HB318_REPORTS = (
    "WFAE (June 20, 2025), ThinkAmerican (Aug. 20, 2025) and WHQR (Oct. 1, 2025) reports of "
    "HB 318's veto and override"
)

HOLD = Duty(
    subject="hold",
    rule="window",
    text="When the jail has been told ICE issued a detainer and an administrative warrant for "
    "a person charged with a crime, the person must be taken before a judicial official "
    "before release, who may order them held up to 48 hours for ICE to assume custody. "
    "Custody past release (RE) on the detainer without that order is a hold without the "
    "order (until it arrives); custody past 48 hours is over the window. Whether "
    "the 48 hours run from RE or from the order was not verified: holdwatch computes both "
    "and reports the earlier, the other as an alternative reading. A detainer without an "
    "administrative warrant is flagged as everywhere (NO_ADMIN_WARRANT); it does not change "
    "what the order requirement finds.",
    citation=GS_162_62,
    source=f"{STATUTE_COPY}; {HB10_REPORT}",
    evidence="secondary",
    codes=("HOLD_WITHOUT_JUDICIAL_ORDER", "HOLD_OVER_WINDOW", "HOLD_AFTER_CANCEL", "REVIEW"),
)
TRANSFER = Duty(
    subject="transfer",
    rule="allowed",
    text="The order holds the person for ICE to assume custody: the hand-over is allowed.",
    citation=GS_162_62,
    source=HB10_REPORT,
    evidence="secondary",
)
AGREEMENT = Duty(
    subject="agreement_287g",
    rule="allowed",
    text="287(g) agreements are allowed (ICE listed 28 North Carolina agreements in 2026). "
    "REVIEW: no state text on them was read.",
    citation="8 U.S.C. §1357(g)",
    source="ICE's list of 287(g) agreements (July 2026)",
    evidence="inferred",
)

HB10 = Version(
    valid_from=date(2024, 12, 1),
    valid_to=date(2025, 9, 30),
    title="North Carolina G.S. 162-62 (HB 10): a detainer hold only on a judicial official's "
    "order, for up to 48 hours",
    sources=(GS_162_62, "HB 10 (S.L. 2024, enacted over veto)"),
    duties=(HOLD, TRANSFER, AGREEMENT),
)

HOLD_2025 = HOLD.model_copy(update={"source": f"{STATUTE_COPY}; {HB318_REPORTS}"})

HB318 = Version(
    valid_from=date(2025, 10, 1),
    title="North Carolina G.S. 162-62 as amended by HB 318 (Criminal Illegal Alien "
    "Enforcement Act): more offenses, ICE told before release",
    sources=(GS_162_62, "HB 318 (2025, enacted over veto)"),
    duties=(
        HOLD_2025,
        Duty(
            subject="release_notification",
            rule="required",
            text="The sheriff must tell ICE two hours before the person's release. Not checked: "
            "the reports conflict (one says two hours after the person would normally be "
            "released), and the events do not say when a release was planned. REVIEW.",
            citation="HB 318 (2025), amending G.S. 162-62",
            source=HB318_REPORTS,
            evidence="secondary",
        ),
        Duty(
            subject="honor_detainer",
            rule="required",
            text="If ICE does not assume custody within the 48 hours, the person is released on "
            "the bail conditions set. A release without taking the person before a judicial "
            "official is not checked (no state-duty finding): REVIEW.",
            citation="HB 318 (2025), amending G.S. 162-62",
            source=HB318_REPORTS,
            evidence="secondary",
        ),
        TRANSFER,
        AGREEMENT,
    ),
)

NC_162_62 = Law(id="nc-162-62", zone="America/New_York", state="NC", versions=(HB10, HB318))
