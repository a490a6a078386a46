"""Oregon as data: ORS 181A.820 (1987) as extended by the Sanctuary Promise Act (HB 3265,
2021). Read by counsel and by the engine (`or_.jurisdiction` derives the profile from it).

ORS 181A.826 was read in the text; the rest from Oregon's Department of Justice and
Criminal Justice Commission pages.
"""

from __future__ import annotations

from datetime import date

from holdwatch.policy.core.law import Duty, Law, Version

ORS_181A_826 = "ORS 181A.826, text (lawserver.com copy)"
DOJ_TOOLKIT = "Oregon Department of Justice, Sanctuary Promise law enforcement toolkit"
CJC = "Oregon Criminal Justice Commission, Sanctuary Promise reporting page"

OR_SANCTUARY = Law(
    id="or-sanctuary",
    zone="America/Los_Angeles",
    state="OR",
    versions=(
        Version(
            # REVIEW: the Sanctuary Promise Act's effective date is not verified; July 19,
            # 2021 is its signing date. ORS 181A.820 (1987) barred enforcement before it.
            valid_from=date(2021, 7, 19),
            title="Oregon Sanctuary Promise: no public resource to detain or hold for "
            "immigration enforcement",
            sources=("ORS 181A.820-.829", "HB 3265 (2021)"),
            duties=(
                Duty(
                    subject="hold",
                    rule="barred",
                    text="Public facilities, property, money, equipment, technology or "
                    "personnel may not be used to investigate, detect, apprehend, arrest, "
                    "detain or hold anyone for immigration enforcement: a detainer hold is "
                    "barred.",
                    citation="ORS 181A.826(1)",
                    source=ORS_181A_826,
                    evidence="verified",
                    codes=("HOLD_BARRED", "HOLD_AFTER_CANCEL"),
                ),
                Duty(
                    subject="release_notification",
                    rule="barred",
                    text="A public body may not support immigration enforcement by giving "
                    "information such as custody status, release date or home address, "
                    "except as ORS 181A.823 provides (a judicial subpoena); it must decline "
                    "any other request and document it. holdwatch flags a release date or "
                    "personal information given to ICE with no judge's warrant or order on "
                    "file; information the jail makes public is not flagged.",
                    citation="ORS 181A.826(2)(b)(A), (3)(a)",
                    source=ORS_181A_826,
                    evidence="verified",
                    codes=("NOTIFY_UNAUTHORIZED",),
                ),
                Duty(
                    subject="transfer",
                    rule="judicial_warrant",
                    text="Handing the person to ICE is holdwatch's reading of the bar on "
                    "detaining or holding for, and on assisting, immigration enforcement: "
                    "not without a judge's warrant or order. REVIEW: no subsection naming "
                    "the hand-over was read.",
                    citation="ORS 181A.826(1), (2)(b)",
                    source=ORS_181A_826,
                    evidence="inferred",
                    codes=("TRANSFER_UNAUTHORIZED", "NO_JUDICIAL_WARRANT"),
                ),
                Duty(
                    subject="agreement_287g",
                    rule="banned",
                    text="Personnel may not be used for immigration enforcement, which "
                    "holdwatch reads as barring 287(g) and Warrant Service Officer work; any "
                    "such activity is a violation.",
                    citation="ORS 181A.826(1)",
                    source=ORS_181A_826,
                    evidence="inferred",
                    codes=("WSO_287G_BARRED",),
                ),
                Duty(
                    subject="inform",
                    rule="status_rights",
                    text="A person arrested or detained must be told in writing of the right "
                    "not to disclose nationality, citizenship or immigration status. Not "
                    "checked yet: the engine raises no code on it.",
                    citation="ORS 181A.823(3)",
                    source=DOJ_TOOLKIT,
                    evidence="secondary",
                ),
                Duty(
                    subject="reporting",
                    rule="monthly",
                    text="Declined immigration requests are reported to the Criminal Justice "
                    "Commission at least monthly (when a request was received); the "
                    "Commission reports each July 1. Not checked: an agency-level duty.",
                    citation="ORS 181A.826(3)",
                    source=CJC,
                    evidence="secondary",
                ),
            ),
        ),
    ),
)
