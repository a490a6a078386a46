"""In-memory stand-ins for the live path's ports (app/ports.py), for unit tests without Redis.

Each keeps the semantics its Redis adapter promises, not just its signature:

- `FakeBookings` applies a commit only if the booking is still at the version and revision
  it expects, all of it or none (per booking), and acks its entries then; a batch can be
  made to fail part way (`fail_after`: the first n commits apply, then the call raises, as
  a dropped connection does), a booking can be moved on by "another replica"
  (`bump`) or lost (`lose`: what a failover to a lagging replica does);
- `FakeDeliveries` enqueues a job once per id, ever, leases what it claims on the fake
  clock, and keeps the delivery log;
- `FakeClock` moves only when told.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from holdwatch.app.horizon import Outstanding
from holdwatch.app.ports import Commit, DeadLetter, Enqueue, Outcome, Snapshot


class StorageDown(ConnectionError):
    """What a dropped connection looks like to the caller."""


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by

    @property
    def ms(self) -> int:
        return int(self.now.timestamp() * 1000)


@dataclass
class Booking:
    version: int = 0
    rev: str = ""
    as_of: datetime | None = None
    history: dict[str, bytes] = field(default_factory=dict)
    ledger: dict[str, str] = field(default_factory=dict)
    late: int = 0
    out_of_order: int = 0
    retain_ms: int | None = None
    compacted_before: datetime | None = None


@dataclass(frozen=True)
class Alert:
    finding: dict[str, Any]
    change: str
    trigger: str
    late_ms: int | None


class FakeBookings:
    """`BookingRepository` in memory, with the timers, custody and alerts one commit sets."""

    def __init__(self) -> None:
        self.bookings: dict[str, Booking] = {}
        self.alerts: list[Alert] = []
        self.timers: dict[str, int] = {}  # member → due ms
        self.custody: dict[str, str] = {}
        self.open_findings: dict[str, str] = {}
        self.acked: dict[str, list[str]] = {}  # stream → entry ids, in ack order
        self.loads = 0
        self.commit_calls = 0
        #: the next batch applies this many commits, then raises (None: no failure)
        self.fail_after: int | None = None

    async def load(self, tags: Sequence[str]) -> list[Snapshot]:
        self.loads += 1
        out = []
        for tag in tags:
            b = self.bookings.get(tag, Booking())
            out.append(
                Snapshot(
                    b.version,
                    b.as_of,
                    dict(b.history),
                    dict(b.ledger),
                    b.late,
                    b.out_of_order,
                    b.rev,
                    b.compacted_before,
                )
            )
        return out

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        self.commit_calls += 1
        results: list[int | None] = []
        for n, c in enumerate(commits):
            if self.fail_after is not None and n >= self.fail_after:
                self.fail_after = None
                raise StorageDown("connection lost mid-batch")
            results.append(self._apply(ack_stream, c))
        return results

    def _apply(self, ack_stream: str, c: Commit) -> int | None:
        b = self.bookings.get(c.tag, Booking())
        if b.version != c.expected_version or b.rev != c.expected_rev:
            return None
        if c.confirms_only:
            self.acked.setdefault(ack_stream, []).extend(c.acks)
            return b.version
        b = self.bookings.setdefault(c.tag, b)
        b.history.update(c.events)
        for fid, record, change, is_open in c.alerts:
            b.ledger[fid] = record
            late = c.late_ms
            self.alerts.append(Alert(json.loads(record), change, c.trigger, late))
            if is_open:
                self.open_findings[fid] = record
            else:
                self.open_findings.pop(fid, None)
        for name in c.forget_events:
            b.history.pop(name, None)
        for fid in c.forget_findings:
            b.ledger.pop(fid, None)
        if c.compacted_before is not None:
            b.compacted_before = c.compacted_before
        for kind, due in (("deadline", c.deadline_ms), ("warning", c.warning_ms)):
            member = f"{c.tag}|{kind}"
            if due is None:
                self.timers.pop(member, None)
            else:
                self.timers[member] = due
        if c.custody is None:
            self.custody.pop(c.tag, None)
        else:
            self.custody[c.tag] = c.custody
        b.version += 1
        b.as_of, b.rev, b.retain_ms = c.as_of, c.rev, c.retain_ms
        b.late += c.late
        b.out_of_order += c.out_of_order
        self.acked.setdefault(ack_stream, []).extend(c.acks)
        return b.version

    def bump(self, tag: str) -> None:
        """Another replica committed this booking (with nothing this test can see)."""
        b = self.bookings.setdefault(tag, Booking())
        b.version += 1
        b.rev = f"other-{b.version}"

    def lose(self, tag: str) -> None:
        """Storage lost the booking (a failover to a replica that never had it)."""
        self.bookings.pop(tag, None)

    def codes(self) -> list[tuple[str, str]]:
        return [(a.finding["code"], a.change) for a in self.alerts]


class FakeDeadLetters:
    def __init__(self) -> None:
        self.letters: dict[str, list[DeadLetter]] = {}

    async def send(self, stream: str, letters: Sequence[DeadLetter]) -> None:
        self.letters.setdefault(stream, []).extend(letters)


class FakeFrontier:
    """Nothing outstanding: the clock rules (a stream read to its head)."""

    def __init__(self, outstanding: Outstanding | None = None) -> None:
        self.outstanding = outstanding or Outstanding()

    async def around(self, first: str, last: str, latest: datetime) -> Outstanding:
        return self.outstanding

    async def settled(self) -> Outstanding:
        return self.outstanding


class FakeObserver:
    def __init__(self) -> None:
        self.events: Counter[tuple[str, str]] = Counter()
        self.findings: Counter[tuple[str, str, str]] = Counter()
        self.detainers: list[tuple[str, str, tuple[str, ...]]] = []
        self.releases: list[tuple[float, bool]] = []
        self.timers: list[float] = []

    def event(self, event_type: str, outcome: str) -> None:
        self.events[(event_type, outcome)] += 1

    def finding(self, code: str, severity: str, change: str) -> None:
        self.findings[(code, severity, change)] += 1

    def detainer(self, form: str, warrant: str, bases: tuple[str, ...]) -> None:
        self.detainers.append((form, warrant, bases))

    def release_latency(self, seconds: float, detainer_lodged: bool) -> None:
        self.releases.append((seconds, detainer_lodged))

    def timer_fired(self, late_seconds: float) -> None:
        self.timers.append(late_seconds)


class FakeDeliveries:
    """`Deliveries` in memory; claims lease on the fake clock (Redis uses its own)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.jobs: dict[str, str] = {}
        self.queue: dict[str, int] = {}
        self.delivered_jobs: dict[str, str] = {}
        self.escalations: dict[str, int] = {}
        self.escalation_data: dict[str, str] = {}
        self.findings: dict[str, str] = {}
        self.acks: dict[str, str] = {}
        self.log: list[dict[str, str]] = []
        self.acked: list[str] = []

    async def enqueue(self, e: Enqueue, now_ms: int) -> None:
        self.findings.update(e.findings)
        for job_id, job in e.jobs:
            if job_id not in self.jobs and job_id not in self.delivered_jobs:
                self.jobs[job_id] = job
                self.queue[job_id] = now_ms
        for esc_id, due_ms, data in e.escalations:
            if esc_id not in self.escalation_data:
                self.escalation_data[esc_id] = data
                self.escalations[esc_id] = due_ms
        self.acked.extend(e.acks)

    def _claim(
        self, zset: dict[str, int], data: dict[str, str], lease_ms: int, limit: int
    ) -> list[tuple[str, dict[str, Any]]]:
        now = self.clock.ms
        due = sorted((at, i) for i, at in zset.items() if at <= now)[:limit]
        out = []
        for _at, i in due:
            zset[i] = now + lease_ms
            if i in data:
                out.append((i, json.loads(data[i])))
        return out

    async def claim_jobs(self, lease_ms: int, limit: int) -> list[tuple[str, dict[str, Any]]]:
        return self._claim(self.queue, self.jobs, lease_ms, limit)

    async def claim_escalations(
        self, lease_ms: int, limit: int
    ) -> list[tuple[str, dict[str, Any]]]:
        return self._claim(self.escalations, self.escalation_data, lease_ms, limit)

    async def delivered(
        self, job_id: str, record: Mapping[str, Any], log: Mapping[str, str]
    ) -> None:
        self.queue.pop(job_id, None)
        self.jobs.pop(job_id, None)
        self.delivered_jobs[job_id] = json.dumps(record)
        self.log.append(dict(log))

    async def failed(self, job_id: str, log: Mapping[str, str]) -> None:
        self.queue.pop(job_id, None)
        self.jobs.pop(job_id, None)
        self.log.append(dict(log))

    async def retry(
        self, job_id: str, job: Mapping[str, Any], due_ms: int, log: Mapping[str, str]
    ) -> None:
        self.jobs[job_id] = json.dumps(job)
        self.queue[job_id] = due_ms
        self.log.append(dict(log))

    async def escalation_done(self, escalation_id: str) -> None:
        self.escalations.pop(escalation_id, None)
        self.escalation_data.pop(escalation_id, None)

    async def finding(self, finding_id: str) -> dict[str, Any] | None:
        raw = self.findings.get(finding_id)
        return None if raw is None else dict(json.loads(raw))

    async def acknowledgement(self, finding_id: str) -> dict[str, Any] | None:
        raw = self.acks.get(finding_id)
        return None if raw is None else dict(json.loads(raw))

    async def acknowledge(self, finding_id: str, record: Mapping[str, Any]) -> bool:
        if finding_id in self.acks:
            return False
        self.acks[finding_id] = json.dumps(record)
        return True


@dataclass
class Sent:
    to: str
    message_id: str
    at: datetime


class FakeReceiver:
    """A webhook receiver or a mailbox: answers each attempt from `script` (then ok), and
    records every attempt and what it accepted."""

    def __init__(self, clock: FakeClock, script: Sequence[Outcome] = ()) -> None:
        self.clock = clock
        self.script = list(script)
        self.accepted: list[Sent] = []
        self.attempts: list[Sent] = []

    def answer(self, to: str, message_id: str) -> Outcome:
        sent = Sent(to, message_id, self.clock())
        self.attempts.append(sent)
        outcome = self.script.pop(0) if self.script else Outcome(ok=True, status=200)
        if outcome.ok:
            self.accepted.append(sent)
        return outcome


class FakeWebhooks(FakeReceiver):
    async def send(
        self, url: str, secret: bytes, message_id: str, timestamp: int, body: bytes
    ) -> Outcome:
        return self.answer(url, message_id)


class FakeMail(FakeReceiver):
    async def send(self, to: str, subject: str, text: str, html: str, message_id: str) -> Outcome:
        return self.answer(to, message_id)


class FakeDeliveryCounter:
    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def delivery(self, channel: str, notice: str, outcome: str) -> None:
        self.counts[(channel, notice, outcome)] += 1
