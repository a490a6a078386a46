"""What an importer makes of each booking: its events, or the reason it cannot be imported.

Nothing is left out silently: a row or booking that cannot become contract events is a
`Reject` naming its source row, the booking (the pseudonymous subject its events would
carry, when the row has one) and a reason that names the column, never its value (the
sources hold personal data). A booking imported without a fact the layout cannot map
carries a `note` saying which.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from holdwatch.domain.contract import ContractError, parse_event

#: Years a source date may have: outside them it is a sentinel ("9999-12-31") or a typo,
#: and the arithmetic on it could overflow.
YEARS = range(1900, 2201)


class Unimportable(ValueError):
    """A cell that stops its booking from being imported: the column and why, no value."""

    def __init__(self, column: str, why: str, row: int | None = None) -> None:
        self.row = row  # the source row at fault, when not the booking's first
        super().__init__(f"{column}: {why}")


@dataclass(frozen=True)
class Imported:
    row: int  # the booking's first source row (1-based, header excluded)
    booking: str
    events: list[dict[str, Any]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reject:
    row: int
    booking: str | None
    reason: str

    def as_json(self) -> str:
        return json.dumps({"row": self.row, "booking": self.booking, "reason": self.reason})


Outcome = Imported | Reject

_INDEX = re.compile(r"\.\d+(?=\.|:)")


def checked(outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
    """Each booking whose events all meet the contract; the others rejected whole, naming
    the first failing field (list positions as `*`, so the reasons can be counted)."""
    for outcome in outcomes:
        if isinstance(outcome, Reject):
            yield outcome
            continue
        try:
            for event in outcome.events:
                parse_event(json.dumps(event))
        except ContractError as exc:
            reason = _INDEX.sub(".*", str(exc.errors[0]))
            yield Reject(outcome.row, outcome.booking, f"contract: {reason}")
        else:
            yield outcome


@dataclass
class Tally:
    """Counts for the summary: bookings and events written, rejects and notes by reason."""

    bookings: int = 0
    events: int = 0
    rejects: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        if isinstance(outcome, Reject):
            self.rejects[outcome.reason] += 1
        else:
            self.bookings += 1
            self.events += len(outcome.events)
            self.notes.update(outcome.notes)

    def lines(self) -> list[str]:
        rejected = sum(self.rejects.values())
        head = f"imported {self.bookings} bookings ({self.events} events); {rejected} not imported"
        out = [head + (":" if rejected else "")]
        out += [f"  {n:>6}  {reason}" for reason, n in sorted(self.rejects.items())]
        noted = sum(self.notes.values())
        if noted:
            out.append(f"{noted} imported with a note:")
            out += [f"  {n:>6}  {note}" for note, n in sorted(self.notes.items())]
        return out
