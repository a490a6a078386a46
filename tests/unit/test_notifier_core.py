"""The notifier's use cases on in-memory ports and a fake clock (tests/fakes.py): backoff
while a receiver is down, giving up, a receiver that says Gone, escalation when due and
only then, and never twice. Time moves only when a test moves it, so "not before" and
"nothing more" are checked exactly, not by sleeping."""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from holdwatch.app.notifier import Notifier, Retry
from holdwatch.app.ports import Outcome
from holdwatch.app.publish import acknowledge
from holdwatch.app.routing import RoutingTable
from holdwatch.domain.findings import Finding

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import itertools

from fakes import (
    FakeClock,
    FakeDeadLetters,
    FakeDeliveries,
    FakeDeliveryCounter,
    FakeMail,
    FakeWebhooks,
)

SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
ROUTES = """
[webhooks.pd]
url = "https://pd.example.org/hook"
secret_env = "S"

[webhooks.sup]
url = "https://pd.example.org/supervisor"
secret_env = "S"

[[routes]]
name = "pierce"
agencies = ["pierce"]
severities = ["critical", "high", "warning"]
webhooks = ["pd"]
emails = ["intake@pd.example.org"]

[routes.escalation]
after_minutes = 90
webhooks = ["sup"]
"""
T0 = datetime(2025, 4, 9, 20, 0, tzinfo=UTC)
RETRY = Retry(
    base=timedelta(seconds=1), cap=timedelta(seconds=60), give_up_after=timedelta(hours=1)
)
PD, SUP = "https://pd.example.org/hook", "https://pd.example.org/supervisor"


class World:
    def __init__(self, tmp_path: Path, webhook_script: list[Outcome] | None = None) -> None:
        path = tmp_path / "routing.toml"
        path.write_text(ROUTES, encoding="utf-8")
        self.clock = FakeClock(T0)
        self.store = FakeDeliveries(self.clock)
        self.hooks = FakeWebhooks(self.clock, webhook_script or [])
        self.mail = FakeMail(self.clock)
        self.letters = FakeDeadLetters()
        self.counter = FakeDeliveryCounter()
        self.notifier = self.replica(RoutingTable.load(path, {"S": SECRET}))

    def replica(self, routing: RoutingTable | None = None) -> Notifier:
        return Notifier(
            self.store,
            routing or self.notifier.routing,
            self.hooks,
            self.mail,
            self.letters,
            self.clock,
            self.counter,
            alerts_stream="alerts",
            retry=RETRY,
            rng=random.Random(7),
        )

    async def alert(self, f: Finding, change: str = "new", entry: str = "1-0") -> None:
        fields = {b"finding": f.model_dump_json().encode(), b"change": change.encode()}
        await self.notifier.on_alerts([(entry, fields)])

    async def run_for(self, span: timedelta, step: timedelta = timedelta(seconds=1)) -> None:
        """Both loops, every `step` of fake time, as `holdwatch notify` runs them."""
        end = self.clock.now + span
        while self.clock.now < end:
            await self.notifier.escalate_due()
            while await self.notifier.deliver_due():
                pass
            self.clock.advance(step)

    def webhook_to(self, url: str) -> list[datetime]:
        return [s.at for s in self.hooks.accepted if s.to == url]


def finding(n: int = 1, severity: str = "high", status: str = "open") -> Finding:
    return Finding(
        finding_id=f"f{n:04d}",
        code="HOLD_BARRED",
        kind="violation",
        severity=severity,
        agency="pierce",
        booking_id=f"B{n}",
        detainer_id="D1",
        violation_at=T0,
        ended_at=None if status == "open" else T0 + timedelta(hours=6),
        duration_seconds=None if status == "open" else 6 * 3600,
        policy="ca-sb54@2018-01-01",
        citation="Cal. Gov. Code §7284.6(a)(1)(B)",
        explanation="Held past release eligibility on an ICE request.",
        evidence=("e1",),
        status=status,
        rule="values_act.hold",
        facility="Pierce County Jail",
        timezone="America/Los_Angeles",
    )


async def test_one_delivery_per_recipient_however_often_the_alert_is_read(
    tmp_path: Path,
) -> None:
    w = World(tmp_path)
    for entry in ("1-0", "2-0", "3-0"):
        await w.alert(finding(), entry=entry)
    await w.run_for(timedelta(seconds=5))
    assert [s.to for s in w.hooks.accepted] == [PD]
    assert [s.to for s in w.mail.accepted] == ["intake@pd.example.org"]
    assert w.store.acked == ["1-0", "2-0", "3-0"]
    assert w.store.queue == {}  # nothing left to come


DOWN = Outcome(ok=False, status=503, error="503")


@pytest.mark.parametrize("failures", [1, 3, 6])
async def test_backoff_while_a_receiver_is_down_then_exactly_one_delivery(
    tmp_path: Path, failures: int
) -> None:
    """Each retry waits between half and all of the doubling step (capped), never less."""
    w = World(tmp_path, [DOWN] * failures)
    await w.alert(finding())
    await w.run_for(timedelta(minutes=10), step=timedelta(milliseconds=250))
    tries = [s.at for s in w.hooks.attempts]
    assert len(tries) == failures + 1
    for n, (a, b) in enumerate(itertools.pairwise(tries), start=1):
        step = RETRY.ceiling(n)
        assert step / 2 <= b - a <= step + timedelta(milliseconds=250), (n, b - a)
    assert len(w.hooks.accepted) == 1
    assert [e["outcome"] for e in w.store.log if e["channel"] == "webhook"] == [
        *(["retry"] * failures),
        "delivered",
    ]
    ids = {s.message_id for s in w.hooks.attempts}
    assert len(ids) == 1  # every attempt is the same message: receivers can deduplicate


@pytest.mark.parametrize(
    ("outcome", "attempts"),
    [
        pytest.param(Outcome(ok=False, status=410, error="410", permanent=True), 1, id="gone"),
        pytest.param(DOWN, None, id="down-past-the-give-up-age"),
    ],
)
async def test_giving_up(tmp_path: Path, outcome: Outcome, attempts: int | None) -> None:
    """A receiver that says Gone gets one attempt; one that stays down is retried until
    the give-up age, then the job is logged as failed and never tried again."""
    w = World(tmp_path, [outcome] * 10_000)
    await w.alert(finding())
    await w.run_for(RETRY.give_up_after + timedelta(minutes=30), step=timedelta(seconds=5))
    log = [e for e in w.store.log if e["channel"] == "webhook"]
    assert log[-1]["outcome"] == "failed"
    assert [e["outcome"] for e in log[:-1]] == ["retry"] * (len(log) - 1)
    if attempts is not None:
        assert len(log) == attempts
    else:
        last_try = w.hooks.attempts[-1].at
        assert last_try - T0 >= RETRY.give_up_after
        assert last_try - T0 < RETRY.give_up_after + RETRY.cap + timedelta(seconds=5)
    assert w.hooks.accepted == []
    assert w.counter.counts[("webhook", "opened", "failed")] == 1
    waiting = [json.loads(w.store.jobs[j])["channel"] for j in w.store.queue]
    assert "webhook" not in waiting  # out of the queue: never tried again


async def test_a_lease_runs_out_so_a_job_a_replica_died_holding_is_sent_again(
    tmp_path: Path,
) -> None:
    w = World(tmp_path)
    await w.alert(finding())
    claimed = await w.store.claim_jobs(int(RETRY.lease.total_seconds() * 1000), 10)
    assert len(claimed) == 2  # webhook and mail: claimed by a replica that then died
    await w.run_for(RETRY.lease - timedelta(seconds=1))
    assert w.hooks.attempts == []  # leased: no one else sends it
    await w.run_for(timedelta(seconds=3))
    assert len(w.hooks.accepted) == 1 and len(w.mail.accepted) == 1


async def test_two_replicas_share_the_queue_and_deliver_once(tmp_path: Path) -> None:
    w = World(tmp_path)
    other = w.replica()
    for n in range(20):
        await w.alert(finding(n, severity="warning"), entry=f"{n}-0")
    for _ in range(5):
        await w.notifier.deliver_due()
        await other.deliver_due()
    assert len(w.hooks.accepted) == 20 and len(w.mail.accepted) == 20
    assert len({s.message_id for s in w.hooks.attempts}) == 20


AFTER = timedelta(minutes=90)


@pytest.mark.parametrize(
    ("severity", "acknowledged", "superseded", "escalated"),
    [
        pytest.param("critical", False, False, True, id="critical-unacknowledged"),
        pytest.param("high", False, False, True, id="high-unacknowledged"),
        pytest.param("high", True, False, False, id="acknowledged"),
        pytest.param("high", False, True, False, id="superseded-meanwhile"),
        pytest.param("warning", False, False, False, id="warning-never"),
    ],
)
async def test_escalation_when_due_and_only_then(
    tmp_path: Path, severity: str, acknowledged: bool, superseded: bool, escalated: bool
) -> None:
    w = World(tmp_path)
    await w.alert(finding(severity=severity))
    if acknowledged:
        assert await acknowledge(w.store, w.clock, "f0001", "A. Defender", "visited")
        assert not await acknowledge(w.store, w.clock, "f0001", "someone else", "")
    if superseded:
        await w.alert(
            finding(severity=severity, status="open").model_copy(update={"status": "superseded"}),
            change="superseded",
            entry="2-0",
        )
    await w.run_for(AFTER - timedelta(seconds=1))
    assert w.webhook_to(SUP) == []  # not before it is due
    await w.run_for(timedelta(minutes=30))
    assert w.webhook_to(SUP) == ([T0 + AFTER] if escalated else [])
    assert w.store.escalations == {}  # done either way: never again
    if acknowledged:
        record = json.loads(w.store.acks["f0001"])
        assert record["by"] == "A. Defender" and record["at"] == T0.isoformat()


async def test_an_unreadable_alert_is_dead_lettered_and_the_rest_goes_on(
    tmp_path: Path,
) -> None:
    w = World(tmp_path)
    good = {b"finding": finding().model_dump_json().encode(), b"change": b"new"}
    await w.notifier.on_alerts(
        [("1-0", {b"finding": b"{not json", b"change": b"new"}), ("2-0", good)]
    )
    assert [letter.reason for letter in w.letters.letters["alerts"]] == ["invalid_alert"]
    assert w.store.acked == ["2-0"]
    await w.run_for(timedelta(seconds=2))
    assert len(w.hooks.accepted) == 1
