"""Parsed booking histories kept between events, with the version they were read at.

Re-parsing a booking's whole history on each of its events would make the live path
quadratic; a replica instead keeps what it last read or wrote. It does not ask Redis first
whether that is still current: the commit checks the version, and a conflict drops the
entry so the booking is read again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import History


@dataclass(frozen=True, slots=True)
class Cached:
    version: int
    as_of: datetime | None
    history: History
    fields: frozenset[str]  # history field names stored in Redis
    ledger: Mapping[str, str]  # finding_id → the finding as last emitted


EMPTY = Cached(0, None, History(), frozenset(), {})


def from_stored(
    version: int, as_of: datetime | None, history: Mapping[str, bytes], ledger: Mapping[str, str]
) -> Cached:
    return Cached(
        version,
        as_of,
        History.of(parse_event(raw) for raw in history.values()),
        frozenset(history),
        dict(ledger),
    )


class BookingCache:
    """A bounded LRU of `Cached` by booking tag."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Cached] = OrderedDict()

    def get(self, tag: str) -> Cached | None:
        item = self._items.get(tag)
        if item is not None:
            self._items.move_to_end(tag)
        return item

    def put(self, tag: str, item: Cached) -> None:
        self._items[tag] = item
        self._items.move_to_end(tag)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def drop(self, tag: str) -> None:
        self._items.pop(tag, None)
