"""What the live use cases need from the outside, as small Protocols (one adapter each)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from holdwatch.app.horizon import Outstanding

#: The injected clock: the core never reads one, the monitor reads this one.
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An entry holdwatch will not apply, with why; it leaves the stream only with this."""

    entry_id: str
    payload: bytes
    reason: str  # machine-readable: invalid_event, no_event_field, unknown_agency, ...
    detail: str  # names the field and the reason, never the value
    errors: tuple[tuple[str, str], ...] = ()  # (field, reason) pairs
    deliveries: int = 1


class DeadLetters(Protocol):
    async def send(self, stream: str, letters: Sequence[DeadLetter]) -> None:
        """Append each letter to the dead-letter stream and ack its entry, atomically."""


class Frontier(Protocol):
    """What the events stream has outstanding in event time (adapters/frontier.py)."""

    async def around(self, first: str, last: str, latest: datetime) -> Outstanding:
        """Around the entries `first`..`last` in hand, whose latest event is `latest`."""

    async def settled(self) -> Outstanding:
        """For work with no entries in hand (timers)."""


class Observer(Protocol):
    """True event counts; gauges are computed from state at scrape time elsewhere."""

    def event(self, event_type: str, outcome: str) -> None: ...
    def finding(self, code: str, severity: str, change: str) -> None: ...
    def detainer(self, form: str, warrant: str, bases: tuple[str, ...]) -> None: ...
    def release_latency(self, seconds: float, detainer_lodged: bool) -> None: ...
    def timer_fired(self, late_seconds: float) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt came to; `error` is a class name or status, never a
    response body (it may echo what was sent). `permanent`: the receiver said never to
    try again (HTTP 410 Gone), so the delivery is given up at once."""

    ok: bool
    status: int | None = None
    error: str | None = None
    permanent: bool = False
