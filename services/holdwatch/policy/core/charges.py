"""Booking charges under a state immigration crime that a court has enjoined.

A state may make illegal entry a state crime while a federal court bars its enforcement
(Florida's SB 4-C, 2025). A booking on such a charge is flagged for counsel at the booking:
the arrest may rest on a law that could not be enforced. Charge codes are the jail's own
strings; a statute is matched by its section number ("811.102", "F.S. 811.102(1)",
"§811.102"), the jurisdiction saying which sections and from which local day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.rulebook import Rule

_PREFIX = re.compile(r"^(fla\.?\s*stat\.?|f\.?\s*s\.?|s\.)?\s*§*\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Enjoined:
    """Sections of a state's law a court barred it from enforcing, from `since` (local day)
    until `until` (None: still enjoined)."""

    sections: frozenset[str]
    what: str
    citation: str
    since: date
    until: date | None = None


def section_of(code: str, sections: frozenset[str]) -> str | None:
    """The section `code` charges, if it is one of `sections` (a subsection counts)."""
    text = _PREFIX.sub("", code.strip())
    for section in sections:
        rest = text.removeprefix(section)
        if rest != text and not rest[:1].isdigit():
            return section
    return None


def enjoined_charge_rule(law: str, enjoined: Enjoined) -> Rule:
    """ENJOINED_STATUTE_CHARGE at a booking on an enjoined section, while the bar stands."""

    def enjoined_charge(ctx: Context, out: Out) -> None:
        booking = ctx.state.booking
        if booking is None or not any(
            c == "ENJOINED_STATUTE_CHARGE" for c, _ in ctx.profile.evidence
        ):
            return
        day = booking.booked_at.astimezone(ctx.zone).date()
        if day < enjoined.since or (enjoined.until is not None and day > enjoined.until):
            return
        hits = [
            (code, s)
            for code, _level in booking.charge_codes
            if (s := section_of(code, enjoined.sections)) is not None
        ]
        if not hits:
            return
        only = len(hits) == len(booking.charge_codes)
        sections = ", ".join(sorted({f"§{s}" for _, s in hits}))
        out.finding(
            "ENJOINED_STATUTE_CHARGE",
            "charge.enjoined",
            kind="advisory",
            severity="warning",
            at=booking.booked_at,
            instant=True,
            anchor=booking.event_id,
            citation=enjoined.citation,
            explanation=(
                f"The person was booked at {ctx.local(booking.booked_at)} on a charge under "
                f"{sections} ({enjoined.what}), which a federal court had barred {law} from "
                f"enforcing since {enjoined.since.isoformat()}"
                + (
                    "; it is the booking's only charge."
                    if only
                    else "; the booking has other charges."
                )
                + " For counsel: the arrest may rest on a law that could not be enforced."
            ),
            evidence=[booking.event_id],
        )

    return enjoined_charge
