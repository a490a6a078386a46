"""The defenders' desk: open findings grouped into one card per booking, in the order a
defender must act on them.

First the people held unlawfully right now (their hold deadline has passed while they are
still in custody), longest first; then the running holds whose deadline is still ahead,
soonest first; then the rest, most severe and oldest first. Within a card, violations,
reviews and warnings are shown; advisories and information are folded away, since they
ask for no action today. Pure: the clock's instant is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from holdwatch.adapters.keys import booking_tag
from holdwatch.domain.findings import Finding

Urgency = Literal["unlawful", "deadline", "other"]

RANK = {"critical": 0, "high": 1, "warning": 2, "info": 3}
_GROUP: dict[Urgency, int] = {"unlawful": 0, "deadline": 1, "other": 2}
#: milliseconds added so every instant of the contract's years sorts as a positive number
_EPOCH_SHIFT_MS = 3_000_000_000_000


@dataclass(frozen=True, slots=True)
class Card:
    """One booking (or one agency's agency-wide findings) on the desk."""

    agency: str
    booking_id: str | None
    tag: str
    urgency: Urgency
    #: the running hold's deadline while the person is held; None: no deadline to count to
    deadline: datetime | None
    in_custody: bool
    facility: str | None
    timezone: str | None
    since: datetime
    shown: tuple[Finding, ...]
    folded: tuple[Finding, ...]

    @property
    def order(self) -> str:
        """A key that sorts as the desk does, as text: the page's script inserts a card
        that arrives live at its place by comparing these."""
        if self.urgency == "other":
            worst = min(RANK[f.severity] for f in self.shown + self.folded)
            at = self.since
        else:
            worst, at = 0, self.deadline or self.since
        ms = int(at.timestamp() * 1000) + _EPOCH_SHIFT_MS
        return f"{_GROUP[self.urgency]}:{worst}:{ms:014d}:{self.tag}"


def folded(f: Finding) -> bool:
    """Advisories and information: worth knowing, not worth a place on top."""
    return f.kind == "advisory" or f.severity == "info"


def _in_card_order(f: Finding) -> tuple[int, float, str]:
    return (RANK[f.severity], f.violation_at.timestamp(), f.finding_id)


def triage(
    findings: Iterable[Finding], custody: Mapping[str, datetime | None], now: datetime
) -> list[Card]:
    """The cards of these findings; `custody` maps the booking tag of each person held on a
    detainer to the running hold's deadline (None while no hold is running)."""
    by_tag: dict[str, list[Finding]] = {}
    for f in findings:
        by_tag.setdefault(booking_tag(f.agency, f.booking_id), []).append(f)
    cards = [_card(tag, fs, custody, now) for tag, fs in by_tag.items()]
    cards.sort(key=lambda c: c.order)
    return cards


def _card(
    tag: str, found: list[Finding], custody: Mapping[str, datetime | None], now: datetime
) -> Card:
    found.sort(key=_in_card_order)
    held = tag in custody and found[0].booking_id is not None
    deadline = custody.get(tag) if held else None
    urgency: Urgency = (
        "other" if deadline is None else "unlawful" if deadline <= now else "deadline"
    )
    first = found[0]
    return Card(
        agency=first.agency,
        booking_id=first.booking_id,
        tag=tag,
        urgency=urgency,
        deadline=deadline,
        in_custody=held,
        facility=next((f.facility for f in found if f.facility), None),
        timezone=next((f.timezone for f in found if f.timezone), None),
        since=min((f.violation_at for f in found), key=datetime.timestamp),
        shown=tuple(f for f in found if not folded(f)),
        folded=tuple(f for f in found if folded(f)),
    )
