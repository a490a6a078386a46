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
        "(Sept. 27, 2019 to Sept. 11, 2020; dates configurable).",
        citation="Gonzalez v. ICE, 416 F. Supp. 3d 995 (C.D. Cal. 2019), vacated in part, "
        "975 F.3d 788 (9th Cir. 2020)",
        source="the district court's findings (2019) and the Ninth Circuit's opinion (2020)",
        evidence="verified",
        codes=("GONZALEZ_DB_ONLY",),
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
