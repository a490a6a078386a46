"""What the live use cases need from the outside, as small Protocols (one adapter each).

The two stores are cosmicpython's repository and unit of work in one: `BookingRepository`
loads bookings and commits a batch of plans, each booking all or nothing, checked against
the version it was read at; `Deliveries` holds the notifier's jobs. Redis implements both
in adapters/; tests/fakes.py implements them in memory, with the same semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a booking holds in storage at `version` (0: nothing yet)."""

    version: int
    as_of: datetime | None
    history: dict[str, bytes] = field(default_factory=dict)
    ledger: dict[str, str] = field(default_factory=dict)
    late: int = 0  # events of this booking that arrived late, ever
    out_of_order: int = 0
    rev: str = ""  # the revision the last commit left ('' before the first)
    #: an agency's record was compacted: nothing dated before this is kept (or applied)
    compacted_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    """Everything one booking's judgement changes, applied all or nothing."""

    tag: str
    agency: str
    booking_id: str | None
    expected_version: int
    as_of: datetime
    events: Sequence[tuple[str, bytes]]  # history field → raw event JSON
    alerts: Sequence[tuple[str, str, str, bool]]  # finding_id, record, change, still open
    trigger: str  # "event" or "timer"
    late_ms: int | None
    deadline_ms: int | None
    warning_ms: int | None
    custody: str | None  # JSON summary while detainers are in force
    retain_ms: int | None  # a closed booking's keys expire after this; None: keep
    acks: Sequence[str]
    late: int = 0  # new events that arrived long after they happened
    out_of_order: int = 0  # new events dated before one already stored
    expected_rev: str = ""
    rev: str = ""  # the revision this commit leaves
    #: compaction: history fields and ledger findings past retention, removed in the
    #: same step (the alerts stream already carried each finding)
    forget_events: Sequence[str] = ()
    forget_findings: Sequence[str] = ()
    compacted_before: datetime | None = None  # set when this commit compacts
    standing: bool = False  # an agency's own record judged with no new event
    #: the booking's whole history and ledger after this commit, for a store that writes
    #: them whole rather than apply `events`, `alerts` and the forgets (Redis packs them)
    history: Mapping[str, bytes] | None = None
    ledger: Mapping[str, str] | None = None

    @property
    def confirms_only(self) -> bool:
        """Nothing to write: the entries only repeat stored events (and are acked so)."""
        return not self.events and self.trigger == "event" and not self.standing


class BookingRepository(Protocol):
    """Bookings, loaded whole and committed a batch at a time."""

    async def load(self, tags: Sequence[str]) -> list[Snapshot]:
        """Each booking as one consistent snapshot (version and contents agree)."""

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        """Apply each commit atomically for its booking, if the booking is still at the
        version and revision it expects (then its entries on `ack_stream` are acked), and
        return each new version, or None for a conflict (nothing of it applied).

        Raises only when storage could not be reached; which commits applied then is
        unknown, and a retry tells (an applied one comes back as a conflict)."""


@dataclass(frozen=True, slots=True)
class Enqueue:
    """What one batch of alerts adds: findings seen, jobs, escalations, entries to ack."""

    findings: Sequence[tuple[str, str]]  # finding id, finding JSON
    jobs: Sequence[tuple[str, str]]  # job id, job JSON
    escalations: Sequence[tuple[str, int, str]]  # escalation id, due ms, JSON
    acks: Sequence[str]
    stream: str = ""  # the alerts stream (partition) the acked entries are on


class Deliveries(Protocol):
    """The notifier's durable state: jobs and escalations due by time, leased when claimed."""

    async def enqueue(self, e: Enqueue, now_ms: int) -> None:
        """Store the batch (a job once per id, ever) and ack its entries, all or nothing."""

    async def claim_jobs(self, lease_ms: int, limit: int) -> list[tuple[str, dict[str, Any]]]:
        """Up to `limit` due jobs, each pushed a lease ahead so no one else claims it."""

    async def claim_escalations(
        self, lease_ms: int, limit: int
    ) -> list[tuple[str, dict[str, Any]]]: ...

    async def delivered(
        self, job_id: str, record: Mapping[str, Any], log: Mapping[str, str]
    ) -> None: ...

    async def failed(self, job_id: str, log: Mapping[str, str]) -> None: ...

    async def retry(
        self, job_id: str, job: Mapping[str, Any], due_ms: int, log: Mapping[str, str]
    ) -> None: ...

    async def escalation_done(self, escalation_id: str) -> None: ...

    async def finding(self, finding_id: str) -> dict[str, Any] | None: ...

    async def acknowledgement(self, finding_id: str) -> dict[str, Any] | None: ...

    async def acknowledge(self, finding_id: str, record: Mapping[str, Any]) -> bool:
        """Record the first acknowledgement of a finding; False when it already had one."""
