"""Bookings kept between events, as Redis holds them, with the version they were read at.

Reading a booking back from Redis on each of its events would cost a round trip; a replica
instead keeps what it last read or wrote. It does not ask Redis first whether that is still
current: the commit checks the version, and a conflict drops the entry so the booking is
read again.

The events are kept as their JSON, not parsed: parsed events are some nine objects each
that the garbage collector must walk on every full collection, and at a few hundred
thousand bookings those walks paused the event loop for most of a second. Parsing a
booking's few events again when the next one arrives costs less (bench/stream_bench.py).
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
    stored: Mapping[str, bytes]  # history field → the event's JSON, as stored in Redis
    ledger: Mapping[str, str]  # finding_id → the finding as last emitted
    rev: str = ""  # the revision Redis held at `version` (adapters/redis_store.py)

    def history(self) -> History:
        """The stored events, parsed; `ContractError` if Redis holds one that is not valid."""
        return History.of(parse_event(raw) for raw in self.stored.values())


EMPTY = Cached(0, None, {}, {})


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
