"""The defenders' desk: open findings grouped into one card per booking, in the order a
defender must act on them.

First the people held unlawfully right now (their hold deadline has passed while they are
still in custody), longest first; then the running holds whose deadline is still ahead,
soonest first; then the rest, most severe and oldest first. Everyone held on a detainer
has a card, with or without a finding: a running hold's deadline is the thing to watch.
Within a card, violations, reviews and warnings are shown; advisories and information are
folded away, since they ask for no action today. Pure: the clock's instant is an argument.
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
class Held:
    """A person in custody with a detainer in force (the monitor's custody summary)."""

    agency: str
    booking_id: str
    facility: str
    #: when the running hold becomes (or became) unlawful; None: no hold running yet
    deadline: datetime | None
    detainers: tuple[tuple[str, str], ...] = ()  # (form, attached warrant)


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
    #: when the earliest open finding began; None: no finding, only a person held
    since: datetime | None
    shown: tuple[Finding, ...]
    folded: tuple[Finding, ...]
    detainers: tuple[tuple[str, str], ...] = ()

    @property
    def order(self) -> str:
        """A key that sorts as the desk does, as text: the page's script inserts a card
        that arrives live at its place by comparing these."""
        at = self.deadline if self.urgency != "other" else self.since
        found = self.shown + self.folded
        worst = 0 if self.urgency != "other" else min((RANK[f.severity] for f in found), default=4)
        ms = (int(at.timestamp() * 1000) if at else 0) + _EPOCH_SHIFT_MS
        return f"{_GROUP[self.urgency]}:{worst}:{ms:014d}:{self.tag}"


def folded(f: Finding) -> bool:
    """Advisories and information: worth knowing, not worth a place on top."""
    return f.kind == "advisory" or f.severity == "info"


def _in_card_order(f: Finding) -> tuple[int, float, str]:
    return (RANK[f.severity], f.violation_at.timestamp(), f.finding_id)


def triage(findings: Iterable[Finding], custody: Mapping[str, Held], now: datetime) -> list[Card]:
    """The cards of these findings and of these people held (by booking tag), in order."""
    by_tag: dict[str, list[Finding]] = {tag: [] for tag in custody}
    for f in findings:
        by_tag.setdefault(booking_tag(f.agency, f.booking_id), []).append(f)
    cards = [_card(tag, fs, custody.get(tag), now) for tag, fs in by_tag.items()]
    cards.sort(key=lambda c: c.order)
    return cards


def _card(tag: str, found: list[Finding], held: Held | None, now: datetime) -> Card:
    found.sort(key=_in_card_order)
    deadline = held.deadline if held else None
    urgency: Urgency = (
        "other" if deadline is None else "unlawful" if deadline <= now else "deadline"
    )
    agency = held.agency if held else found[0].agency
    return Card(
        agency=agency,
        booking_id=held.booking_id if held else found[0].booking_id,
        tag=tag,
        urgency=urgency,
        deadline=deadline,
        in_custody=held is not None,
        facility=held.facility if held else next((f.facility for f in found if f.facility), None),
        timezone=next((f.timezone for f in found if f.timezone), None),
        since=min((f.violation_at for f in found), key=datetime.timestamp, default=None),
        shown=tuple(f for f in found if not folded(f)),
        folded=tuple(f for f in found if folded(f)),
        detainers=held.detainers if held else (),
    )
