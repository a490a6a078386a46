"""What every profile also applies, whatever the state: federal law and ICE's own policy,
as duties (the rules are `core.advisories`). Kept in the core so every jurisdiction can
cite it without importing another jurisdiction.
"""

from __future__ import annotations

from holdwatch.policy.core.law import Duty

#: What every profile also applies (federal law and ICE's own policy), whatever the state.
EVERYWHERE: tuple[Duty, ...] = (
    Duty(
        subject="advisory",
        rule="flag",
        text="A detainer resting only on a database check (no final order, no pending "
        "proceedings) is flagged for counsel; it was a violation by ICE for detainers from a "
        "Central District of California office while the Gonzalez injunction stood "
        "(Sept. 27, 2019 to Sept. 11, 2020; dates configurable). For an office outside the "
        "Central District the advisory says the injunction never reached it (severity info).",
        citation="Gonzalez v. ICE, 416 F. Supp. 3d 995 (C.D. Cal. 2019), vacated in part, "
        "975 F.3d 788 (9th Cir. 2020)",
        source="the district court's findings (2019) and the Ninth Circuit's opinion (2020)",
        evidence="verified",
        codes=("GONZALEZ_DB_ONLY",),
    ),
    Duty(
        subject="advisory",
        rule="flag",
        text="Under the Gonzalez class settlement (in effect Mar. 4, 2025, for five years), "
        "the ICE offices it covers may send only a notification-only request (Form I-247G); "
        "a detainer from a covered office that asks the jail to keep custody is flagged for "
        "counsel at its issue, as Fourth Amendment exposure for any hold on it, where the law "
        "allows a hold (where it bars one, a hold is that finding instead). REVIEW: the "
        "coverage list (Exhibit B), the end date and the I-247G's wording were not read; "
        "the dates and the covered offices are parameters, by default the class's own reach "
        "(ICE officers in the Central District of California: PERC, Los Angeles).",
        citation="Gonzalez v. ICE, No. 2:13-cv-04416 (C.D. Cal.), class settlement approved "
        "Dec. 2024, in effect Mar. 4, 2025",
        source="class counsel's summary of the settlement (National Immigrant Justice Center), "
        "corroborated by press reports",
        evidence="secondary",
        codes=("GONZALEZ_SETTLEMENT_HOLD_REQUEST",),
    ),
    Duty(
        subject="hold",
        rule="window",
        text="A jail may hold a person past release only as long as a detainer in force asks "
        "it to keep custody. A detainer that asks only for notice (Form I-247G, Form I-247N, "
        "an I-247A with only the notification box) asks for no hold, so custody past release "
        "on it is a hold no one requested, from release; a state duty to honor the detainer "
        "(Texas) requires only what the form asks. Where the state bars the hold itself, that "
        "bar is the finding instead.",
        citation="8 C.F.R. §287.7(a), (d); DHS Forms I-247A (02/17), I-247N, I-247G",
        source="8 C.F.R. §287.7 (eCFR); the I-247N's statement that it does not request or "
        "authorize detention, as quoted by federal defenders; the I-247G as described by "
        "class counsel (its text unread)",
        evidence="secondary",
        codes=("HOLD_NOT_REQUESTED",),
    ),
    Duty(
        subject="advisory",
        rule="flag",
        text="ICE's policy is to send an administrative warrant (I-200 or I-205) with every "
        "detainer; a detainer without one is flagged for counsel.",
        citation="ICE Policy 10074.2 (2017)",
        source="ICE Policy 10074.2 (Mar. 24, 2017), as summarized by secondary sources",
        evidence="secondary",
        codes=("NO_ADMIN_WARRANT",),
    ),
    Duty(
        subject="advisory",
        rule="flag",
        text="Holding a citizen on a detainer is a seizure without probable cause; a "
        "citizenship or status claim while a detainer is lodged is flagged for counsel.",
        citation="Morales v. Chadbourne, 793 F.3d 208 (1st Cir. 2015); "
        "Galarza v. Szalczyk, 745 F.3d 634 (3d Cir. 2014)",
        source="the published opinions, as summarized",
        evidence="secondary",
        codes=("USC_CLAIM",),
    ),
)
