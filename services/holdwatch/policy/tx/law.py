"""Texas as data: SB 4 (2017), under which a jail must honor a detainer, and from 2026 SB 8
(2025), under which sheriffs must seek a 287(g) agreement. Read by counsel and
by the engine (`tx.jurisdiction` derives the profile from it).
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

ART_2_251 = (
    "Tex. Code Crim. Proc. art. 2.251 (lawserver.com copy, marked effective until Jan. 1, 2025, "
    "when chapter 2 was recodified; REVIEW: the new article number is not known)"
)

HOLD = Duty(
    subject="hold",
    rule="window",
    text="A hold is limited by the detainer's own window (48 elapsed hours for "
    "an I-247A); the state duty to honor it does not lengthen it.",
    citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
    source="DHS Form I-247A (rev. 02/17) and ICE's guidance for it",
    evidence="verified",
    codes=(
        "HOLD_OVER_WINDOW",
        "HOLD_AFTER_CANCEL",
        "HOLD_DEADLINE_APPROACHING",
        "REVIEW",
    ),
)
HONOR = Duty(
    subject="honor_detainer",
    rule="required",
    text="The jail must comply with every request in the detainer (keep custody "
    "within the window, notify ICE before release) unless the person proved "
    "citizenship or lawful status (art. 2.251(b)). The duty is to do what the form asks: "
    "a notification-only request (I-247G, I-247N) asks for no hold, and a hold on it is "
    "HOLD_NOT_REQUESTED. Release without honoring it "
    "is a state-law compliance finding, not a federal violation; oversight may "
    "turn these findings off.",
    citation="Tex. Code Crim. Proc. art. 2.251(a)(1)",
    source=ART_2_251,
    evidence="verified",
    codes=("STATE_DUTY_NOT_HONORED",),
)
INFORM = Duty(
    subject="inform",
    rule="required",
    text="A person held on a detainer must be told they are held on an immigration detainer.",
    citation="Tex. Code Crim. Proc. art. 2.251(a)(2)",
    source=ART_2_251,
    evidence="verified",
    codes=("TRUTH_COPY_MISSING",),
)

AGREEMENT_ALLOWED = Duty(
    subject="agreement_287g",
    rule="allowed",
    text="287(g) agreements are allowed; SB 8 (2025) requires them from Jan. 1, 2026 "
    "(the next version).",
    citation="8 U.S.C. §1357(g)",
    source="INA §287(g)",
    evidence="secondary",
)
SB8_TEXT = (
    "SB 8 (89th Leg., R.S., 2025), enrolled text (capitol.texas.gov, 89R SB00008F), read in "
    "part; the Dec. 1, 2026 compliance date from bill summaries (fastdemocracy.com, "
    "texasstandard.org)"
)
AGREEMENT_REQUIRED = Duty(
    subject="agreement_287g",
    rule="required",
    text="The sheriff of each county that operates a jail, or contracts with a private vendor "
    "to operate one, must request and enter into a 287(g) (or similar) agreement; no model "
    "is mandated (task force, warrant service officer or jail enforcement all satisfy it). "
    "Bill summaries give Dec. 1, 2026 as the compliance date, from which the attorney "
    'general may sue; the engine reads "by December 1, 2026" as 00:00 local on '
    "December 2, 2026, in the agency's zone (El Paso County keeps Mountain time). The duty "
    "is read as met by an agreement in force, or by a request to ICE made within the year "
    "before: entry depends on ICE, and bill summaries say a sheriff without an agreement "
    "must request again every year (the request lapses at 00:00 local on its anniversary). "
    "An agency the agencies file does not describe is taken to be a sheriff whose county "
    "operates a jail. REVIEW: the enrolled text's exception for a sheriff whom ICE has not "
    "offered an agreement, and the annual re-request, were not read in the statute.",
    citation="Tex. Gov't Code §753.051(a) (SB 8, 2025)",
    source=SB8_TEXT,
    evidence="secondary",
    codes=("AGREEMENT_287G_MISSING",),
)

TX_SB4 = Law(
    id="tx-sb4",
    zone="America/Chicago",
    state="TX",
    versions=(
        Version(
            valid_from=date(2017, 9, 1),
            valid_to=date(2025, 12, 31),
            title="Texas SB 4: detainers must be honored, within the form's window",
            sources=("Tex. Code Crim. Proc. art. 2.251 (SB 4, 2017)", "DHS Form I-247A (02/17)"),
            duties=(HOLD, HONOR, INFORM, AGREEMENT_ALLOWED),
        ),
        Version(
            valid_from=date(2026, 1, 1),
            title="Texas SB 4 and SB 8: detainers honored within the form's window; "
            "sheriffs of counties with a jail must seek a 287(g) agreement",
            sources=(
                "Tex. Code Crim. Proc. art. 2.251 (SB 4, 2017)",
                "Tex. Gov't Code ch. 753 (SB 8, 2025; effective Jan. 1, 2026)",
                "DHS Form I-247A (02/17)",
            ),
            duties=(HOLD, HONOR, INFORM, AGREEMENT_REQUIRED),
        ),
    ),
)
