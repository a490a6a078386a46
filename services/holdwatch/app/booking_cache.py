"""Bookings kept between events, as Redis holds them, with the version they were read at.

Reading a booking back from Redis on each of its events would cost a round trip; a replica
instead keeps what it last read or wrote. It does not ask Redis first whether that is still
current: the commit checks the version, and a conflict drops the entry so the booking is
read again.

The events are kept as their JSON, not parsed: parsed events are some nine objects each
that the garbage collector must walk on every full collection, and at a few hundred
thousand bookings those walks paused the event loop for most of a second. What is kept
parsed is the booking's fold (its custody state: some seven more objects for the collector
per typical booking, where its parsed events were thirty), so the next event in time order
is applied to it alone, at the same cost however long the booking is; only an event out
of order, or a booking just read, parses and folds the whole history.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import Folded, History


class Stored(Mapping[str, bytes]):
    """A booking's stored events (history field → JSON), extended without copying them all.

    Each event a booking gains would otherwise copy its whole history; here the events
    sit in a base that is never changed, plus the few added since, which are copied. When
    those grow past a share of the base they are merged into a new base, so each event
    costs a small, fixed share of the history on average.
    """

    __slots__ = ("_base", "_recent")

    def __init__(self, base: Mapping[str, bytes], recent: Mapping[str, bytes] | None = None):
        self._base = base
        self._recent = recent or {}

    def with_(self, new: Mapping[str, bytes]) -> Stored:
        """These events and `new` (fields already held are not given again)."""
        if not new:
            return self
        recent = {**self._recent, **new}
        if len(recent) * 16 > len(self._base) + 64:
            return Stored({**self._base, **recent})
        return Stored(self._base, recent)

    def __getitem__(self, name: str) -> bytes:
        raw = self._recent.get(name)
        return self._base[name] if raw is None else raw

    def __contains__(self, name: object) -> bool:
        return name in self._recent or name in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        yield from (k for k in self._recent if k not in self._base)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for k in self._recent if k not in self._base)


@dataclass(frozen=True, slots=True)
class Cached:
    version: int
    as_of: datetime | None
    stored: Mapping[str, bytes]  # history field → the event's JSON, as stored in Redis
    ledger: Mapping[str, str]  # finding_id → the finding as last emitted
    rev: str = ""  # the revision Redis held at `version` (adapters/redis_store.py)
    fold: Folded | None = None  # the projection of `stored`, once computed
    compacted_before: datetime | None = None  # see Snapshot (app/ports.py)

    def at(self, version: int) -> Cached:
        """This, as committed at `version` (`dataclasses.replace` costs five times more)."""
        return Cached(
            version,
            self.as_of,
            self.stored,
            self.ledger,
            self.rev,
            self.fold,
            self.compacted_before,
        )

    def history(self) -> History:
        """The stored events, parsed; `ContractError` if Redis holds one that is not valid."""
        return History.of(parse_event(raw) for raw in self.stored.values())


EMPTY = Cached(0, None, {}, {})


class Guesses:
    """Whether a booking this process has not seen is worth guessing new (`EMPTY`).

    Reading it first costs a round trip per batch and a script call per booking; planning
    it as new needs neither, and the commit's version check tells a wrong guess (it comes
    back as a conflict, and the booking is read and planned again). A stream of new
    bookings makes guessing pay; a restart over bookings Redis holds makes every guess
    wrong, so the share of recent guesses that would have been wrong (reads tell it too)
    decides.
    """

    #: weight of each outcome in the running share (about the last hundred count)
    WEIGHT = 1 / 64
    #: a wrong guess costs a plan and a failed commit besides the read: about three reads
    WORTHWHILE_BELOW = 0.25

    def __init__(self) -> None:
        self.wrong = 0.0  # running share of unseen bookings Redis did hold

    @property
    def worthwhile(self) -> bool:
        return self.wrong < self.WORTHWHILE_BELOW

    def record(self, *, new: bool) -> None:
        """An unseen booking turned out new (version 0) or not."""
        self.wrong += ((0.0 if new else 1.0) - self.wrong) * self.WEIGHT


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
