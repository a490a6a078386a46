"""The notifier's use cases: turn alerts into delivery jobs, deliver due jobs, escalate.

Alerts become jobs — one per (finding, recipient, notice) — in the same script that acks
them, so an alert is never lost between the stream and the queue. Delivery is at least
once: a replica that dies mid-send leaves the job to be sent again after its lease, with
the same id. It retries with jittered exponential backoff while a receiver is down, so an
outage delays but loses nothing; a job older than the give-up age, or one its receiver
answered 410 Gone, is logged as failed. A high or critical finding nobody
acknowledged when its route's escalation falls due goes to the escalation recipients.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import structlog
from pydantic import ValidationError

from holdwatch.app import messages
from holdwatch.app.ports import Clock, DeadLetter, DeadLetters, Deliveries, Enqueue, Outcome
from holdwatch.app.routing import Notice, Recipient, RoutingTable, notice_for
from holdwatch.domain.findings import Finding

log = structlog.get_logger("holdwatch.notify")

Entry = tuple[str, Mapping[bytes, bytes]]


class Webhooks(Protocol):
    async def send(
        self, url: str, secret: bytes, message_id: str, timestamp: int, body: bytes
    ) -> Outcome: ...


class Mail(Protocol):
    async def send(
        self, to: str, subject: str, text: str, html: str, message_id: str
    ) -> Outcome: ...


class DeliveryObserver(Protocol):
    def delivery(self, channel: str, notice: str, outcome: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Retry:
    base: timedelta = timedelta(seconds=1)
    cap: timedelta = timedelta(minutes=5)
    give_up_after: timedelta = timedelta(days=7)
    lease: timedelta = timedelta(seconds=60)  # longer than any one attempt may take

    def ceiling(self, attempts: int) -> timedelta:
        """The exponential step after `attempts` failures: base doubling, at most cap."""
        factor: int = 1 << min(attempts - 1, 30)
        return min(self.cap, self.base * factor)

    def delay(self, attempts: int, draw: float) -> timedelta:
        """Equal jitter: half the step fixed, half uniform (`draw` in [0, 1)), so replicas
        retrying one outage spread out yet never come back sooner than half the step."""
        step = self.ceiling(attempts)
        return step / 2 + step * (min(max(draw, 0.0), 1.0) / 2)


def job_id(finding_id: str, recipient: Recipient, notice: Notice) -> str:
    """Stable: the same delivery has the same id on every replica and retry."""
    text = "\x1f".join((finding_id, recipient.key, notice))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


class Notifier:
    def __init__(
        self,
        store: Deliveries,
        routing: RoutingTable,
        webhooks: Webhooks,
        mail: Mail | None,
        dead_letters: DeadLetters,
        clock: Clock,
        observer: DeliveryObserver,
        *,
        alerts_stream: str,
        retry: Retry = Retry(),
        batch: int = 50,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.routing = routing
        self.webhooks = webhooks
        self.mail = mail
        self.dead_letters = dead_letters
        self.clock = clock
        self.observer = observer
        self.alerts_stream = alerts_stream
        self.retry = retry
        self.batch = batch
        self.rng = rng or random.Random()  # noqa: S311  (jitter, not a secret; tests seed it)

    async def on_alerts(self, entries: Sequence[Entry], stream: str | None = None) -> None:
        """Queue the deliveries a batch of alerts calls for, and ack the batch on `stream`
        (one alerts partition; by default the alerts stream)."""
        stream = stream or self.alerts_stream
        now = self.clock()
        findings: list[tuple[str, str]] = []
        jobs: list[tuple[str, str]] = []
        escalations: list[tuple[str, int, str]] = []
        acks: list[str] = []
        letters: list[DeadLetter] = []
        for entry_id, fields in entries:
            try:
                finding = Finding.model_validate_json(fields[b"finding"])
                change = fields[b"change"].decode()
            except (KeyError, UnicodeDecodeError, ValidationError) as exc:
                detail = f"alert entry: unreadable ({type(exc).__name__})"
                letters.append(DeadLetter(entry_id, b"", "invalid_alert", detail))
                continue
            acks.append(entry_id)
            findings.append((finding.finding_id, finding.model_dump_json()))
            notice = notice_for(change, finding)
            if notice is None:
                continue
            jobs += [self._job(finding, r, notice, now) for r in self.routing.recipients(finding)]
            if notice == "opened":
                escalations += [
                    (
                        hashlib.sha256(f"{finding.finding_id}\x1f{e.route}".encode()).hexdigest(),
                        _ms(now + e.after),
                        json.dumps(
                            {
                                "finding_id": finding.finding_id,
                                "route": e.route,
                                "recipients": [[r.channel, r.address] for r in e.recipients],
                            }
                        ),
                    )
                    for e in self.routing.escalations(finding)
                ]
        if letters:
            await self.dead_letters.send(stream, letters)
        if acks:
            await self.store.enqueue(Enqueue(findings, jobs, escalations, acks, stream), _ms(now))

    def _job(
        self, finding: Finding, recipient: Recipient, notice: Notice, now: datetime
    ) -> tuple[str, str]:
        job = {
            "finding": json.loads(finding.model_dump_json()),
            "notice": notice,
            "channel": recipient.channel,
            "address": recipient.address,
            "attempts": 0,
            "created_ms": _ms(now),
        }
        return job_id(finding.finding_id, recipient, notice), json.dumps(job)

    async def deliver_due(self) -> int:
        """Claim and attempt every due job (a batch at a time); returns how many."""
        lease = int(self.retry.lease.total_seconds() * 1000)
        claimed = await self.store.claim_jobs(lease, self.batch)
        await asyncio.gather(*(self._deliver(i, job) for i, job in claimed))
        return len(claimed)

    async def _deliver(self, job_id: str, job: dict[str, Any]) -> None:
        finding = Finding.model_validate(job["finding"])
        notice: Notice = job["notice"]
        now = self.clock()
        outcome = await self._send(job_id, job, finding, notice, now)
        attempts = int(job["attempts"]) + 1
        entry = {
            "job": job_id,
            "finding_id": finding.finding_id,
            "channel": job["channel"],
            "notice": notice,
            "attempt": str(attempts),
            "status": "" if outcome.status is None else str(outcome.status),
            "error": outcome.error or "",
        }
        if outcome.ok:
            record = {"recipient": f"{job['channel']}:{job['address']}", "at": now.isoformat()}
            await self.store.delivered(
                job_id, {**record, "attempts": attempts}, entry | {"outcome": "delivered"}
            )
            self.observer.delivery(job["channel"], notice, "delivered")
            return
        age = now - datetime.fromtimestamp(job["created_ms"] / 1000, UTC)
        if outcome.permanent or age >= self.retry.give_up_after:
            await self.store.failed(job_id, entry | {"outcome": "failed"})
            self.observer.delivery(job["channel"], notice, "failed")
            log.error(
                "delivery_failed",
                job=job_id,
                channel=job["channel"],
                error=outcome.error,
                reason="gone" if outcome.permanent else "gave_up",
            )
            return
        due = now + self.retry.delay(attempts, self.rng.random())
        await self.store.retry(
            job_id, {**job, "attempts": attempts}, _ms(due), entry | {"outcome": "retry"}
        )
        self.observer.delivery(job["channel"], notice, "retry")
        log.warning("delivery_retry", job=job_id, attempt=attempts, error=outcome.error)

    async def _send(
        self, job_id: str, job: dict[str, Any], finding: Finding, notice: Notice, now: datetime
    ) -> Outcome:
        if job["channel"] == "webhook":
            name = job["address"]
            url, secret = self.routing.webhooks.get(name), self.routing.secrets.get(name)
            if url is None or secret is None:
                return Outcome(ok=False, error="webhook no longer configured")
            body = messages.webhook_body(finding, notice, now)
            return await self.webhooks.send(url, secret, job_id, int(now.timestamp()), body)
        if self.mail is None:
            return Outcome(ok=False, error="no SMTP server configured")
        return await self.mail.send(
            job["address"],
            messages.subject(finding, notice),
            messages.text_body(finding, notice),
            messages.html_body(finding, notice),
            job_id,
        )

    async def escalate_due(self) -> int:
        """Escalate each due, unacknowledged, still-standing high or critical finding."""
        lease = int(self.retry.lease.total_seconds() * 1000)
        claimed = await self.store.claim_escalations(lease, self.batch)
        now = self.clock()
        for escalation_id, esc in claimed:
            fid = esc["finding_id"]
            latest = await self.store.finding(fid)
            acked = await self.store.acknowledgement(fid)
            if latest is not None and acked is None and latest["status"] != "superseded":
                finding = Finding.model_validate(latest)
                recipients = [Recipient(c, a) for c, a in esc["recipients"]]
                jobs = [self._job(finding, r, "escalated", now) for r in recipients]
                await self.store.enqueue(Enqueue([], jobs, [], []), _ms(now))
                log.info("escalated", finding_id=fid, route=esc["route"], recipients=len(jobs))
            await self.store.escalation_done(escalation_id)
        return len(claimed)
