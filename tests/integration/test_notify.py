"""`holdwatch notify` on a real Redis, delivering to a real HTTP receiver and SMTP server.

The receiver is a threaded `http.server` on a loopback port that can be switched to fail;
signatures are checked with `standardwebhooks`, the reference verifier. E-mail goes to an
aiosmtpd server over real SMTP.
"""

from __future__ import annotations

import base64
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from redis.asyncio import Redis
from standardwebhooks import Webhook

from holdwatch.adapters.delivery_store import NotifyKeys
from holdwatch.app.publish import acknowledge
from holdwatch.bootstrap import build_notifier, stores, system_clock
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.notify import create_notify_app
from holdwatch.roles import NotifyService
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import env_for, make_settings, until
from ports import free_port

pytestmark = pytest.mark.asyncio

SECRET = "whsec_" + base64.b64encode(b"holdwatch-test-secret-0123456789").decode()


class Receiver:
    """A webhook endpoint: records each request; `failing` makes it answer `refusal` (503)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.failing = False
        self.refusal = 503
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if receiver.failing:
                    receiver.refused += 1
                    self.send_response(receiver.refusal)
                else:
                    receiver.requests.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def payloads(self, path: str = "") -> list[dict[str, Any]]:
        return [json.loads(body) for _headers, body in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """Keeps every message it is given; the first `lose_replies` it keeps yet answers 451,
    as when the server took a message but the sender never saw it accepted."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lose_replies = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        if self.lose_replies:
            self.lose_replies -= 1
            return "451 4.3.0 try again later"
        return "250 OK"


@pytest.fixture
def receivers() -> Iterator[dict[str, Receiver]]:
    made = {"pd": Receiver(), "supervisor": Receiver()}
    yield made
    for r in made.values():
        r.close()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it can connect to its own
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def notify_settings(
    redis_url: str,
    prefix: str,
    tmp_path: Path,
    receivers: dict[str, Receiver],
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    monkeypatch.setenv("HW_TEST_SECRET", SECRET)
    routing = tmp_path / "routing.toml"
    routing.write_text(
        f"""
[webhooks.pd]
url = "{receivers["pd"].url}"
secret_env = "HW_TEST_SECRET"

[webhooks.supervisor]
url = "{receivers["supervisor"].url}"
secret_env = "HW_TEST_SECRET"

[[routes]]
name = "pierce-defenders"
agencies = ["pierce"]
severities = ["critical", "high", "warning"]
webhooks = ["pd"]
emails = ["intake@defender.example.org"]

[routes.escalation]
after_minutes = 0.025
webhooks = ["supervisor"]
""",
        encoding="utf-8",
    )
    return make_settings(
        redis_url,
        prefix,
        tmp_path,
        routing_file=routing,
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        notify_backoff_base=timedelta(milliseconds=200),
        notify_backoff_cap=timedelta(seconds=1),
    )


def finding(n: int, *, severity: str = "high", status: str = "open") -> Finding:
    at = datetime(2025, 4, 9, 20, 0, tzinfo=UTC)
    return Finding(
        finding_id=f"f{n:04d}",
        code="HOLD_BARRED",
        kind="violation",
        severity=severity,  # type: ignore[arg-type]
        agency="pierce",
        booking_id=f"B{n}",
        detainer_id="D1",
        violation_at=at,
        ended_at=None if status == "open" else at + timedelta(hours=6),
        duration_seconds=None if status == "open" else 6 * 3600,
        policy="ca-sb54@2018-01-01",
        citation="Cal. Gov. Code §7284.6(a)(1)(B)",
        explanation="The jail kept custody after release eligibility on an ICE request.",
        evidence=("e1", "e2"),
        status=status,  # type: ignore[arg-type]
        rule="values_act.hold",
        facility="Pierce County Jail",
        timezone="America/Los_Angeles",
    )


async def alert(r: Redis, s: Settings, f: Finding, change: str = "new") -> None:
    fields = {"finding": f.model_dump_json(), "change": change, "trigger": "event", "late_ms": ""}
    await r.xadd(s.alerts_stream, fields)  # type: ignore[arg-type]


@asynccontextmanager
async def notifying(settings: Settings, consumer: str = "notify-1") -> AsyncIterator[NotifyService]:
    service = build_notifier(settings.model_copy(update={"consumer": consumer}))
    app = create_notify_app(service)
    await app.start()
    try:
        yield service
    finally:
        await app.stop()


async def settled(r: Redis, s: Settings) -> bool:
    """Nothing more can be sent: every alert read and acked, no job or escalation waiting
    (what a fixed sleep used to wait for, and could miss under load)."""
    k = NotifyKeys(s.key_prefix)
    groups = await r.xinfo_groups(s.alerts_stream)
    lag = next(g["lag"] for g in groups if g["name"].decode() == s.notify_group)
    pending = (await r.xpending(s.alerts_stream, s.notify_group))["pending"]
    return lag == 0 and pending == 0 and await r.zcard(k.queue) + await r.zcard(k.escalations) == 0


async def ack(s: Settings, finding_id: str, by: str, note: str) -> bool:
    async with stores(s) as parts:
        return await acknowledge(parts.deliveries, system_clock, finding_id, by, note)


async def log_entries(r: Redis, s: Settings) -> list[dict[str, str]]:
    rows = await r.xrange(NotifyKeys(s.key_prefix).log)
    return [{k.decode(): v.decode() for k, v in fields.items()} for _id, fields in rows]


async def test_signed_webhook_and_email_once_then_resolved(
    notify_settings: Settings, receivers: dict[str, Receiver], mailbox: tuple[Mailbox, int]
) -> None:
    s, pd, box = notify_settings, receivers["pd"], mailbox[0]
    r = Redis.from_url(s.redis_url or "")
    async with notifying(s):
        await alert(r, s, finding(1))
        await alert(r, s, finding(1))  # the same alert read twice: one delivery
        await alert(r, s, finding(2, severity="info"))  # the route takes no info findings
        await until(lambda: _count(pd, box, 1, 1))
        headers, body = pd.requests[0]
        assert Webhook(SECRET).verify(body, headers)["type"] == "finding.opened"
        assert headers["webhook-id"] and headers["webhook-signature"].startswith("v1,")
        message = box.messages[0]
        assert message["To"] == "intake@defender.example.org"
        assert "HOLD_BARRED" in message["Subject"] and "B1" in message["Subject"]
        kinds = {part.get_content_type() for part in message.walk()}
        assert {"text/plain", "text/html"} <= kinds
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        assert "Cal. Gov. Code §7284.6(a)(1)(B)" in text.get_payload(decode=True).decode()
        assert "Wed 09 Apr 2025 13:00 PDT" in text.get_payload(decode=True).decode()

        await alert(r, s, finding(1, status="resolved"), change="changed")
        await until(lambda: _count(pd, box, 2, 2))
        assert Webhook(SECRET).verify(*reversed(pd.requests[1]))["type"] == "finding.resolved"
        await until(lambda: settled(r, s))
        assert len(pd.requests) == 2 and len(box.messages) == 2
    log = await log_entries(r, s)
    assert {e["outcome"] for e in log} == {"delivered"}
    # f0001 was high and nobody acknowledged it: its escalation came too, to the supervisor
    notices = sorted(e["notice"] for e in log)
    assert notices == ["escalated", "opened", "opened", "resolved", "resolved"]
    assert (await r.xpending(s.alerts_stream, s.notify_group))["pending"] == 0
    await r.aclose()


async def _count(pd: Receiver, box: Mailbox, hooks: int, mails: int) -> bool:
    return len(pd.requests) >= hooks and len(box.messages) >= mails


async def test_receiver_outage_delays_but_loses_nothing(
    notify_settings: Settings, receivers: dict[str, Receiver]
) -> None:
    s, pd = notify_settings, receivers["pd"]
    r = Redis.from_url(s.redis_url or "")
    pd.failing = True
    async with notifying(s):
        for n in range(5):
            await alert(r, s, finding(n, severity="warning"))

        async def refused_some() -> bool:
            return pd.refused >= 10

        await until(refused_some, timeout=20)
        pd.failing = False

        async def all_in() -> bool:
            return len(pd.requests) == 5

        await until(all_in, timeout=20)
    ids = {h["webhook-id"] for h, _ in pd.requests}
    assert len(ids) == 5
    log = await log_entries(r, s)
    webhook_log = [e for e in log if e["channel"] == "webhook"]
    assert {e["outcome"] for e in webhook_log} == {"retry", "delivered"}
    assert all(e["status"] == "503" for e in webhook_log if e["outcome"] == "retry")
    assert max(int(e["attempt"]) for e in webhook_log) >= 3  # backed off, then delivered
    await r.aclose()


async def test_two_replicas_never_deliver_twice(
    notify_settings: Settings, receivers: dict[str, Receiver], mailbox: tuple[Mailbox, int]
) -> None:
    s, pd, box = notify_settings, receivers["pd"], mailbox[0]
    r = Redis.from_url(s.redis_url or "")
    async with notifying(s, "notify-a"), notifying(s, "notify-b"):
        for n in range(30):
            await alert(r, s, finding(n, severity="warning"))
            await alert(r, s, finding(n, severity="warning"))  # repeated alert
        await until(lambda: _count(pd, box, 30, 30), timeout=30)
        await until(lambda: settled(r, s))
    assert len(pd.requests) == 30 and len(box.messages) == 30
    assert len({h["webhook-id"] for h, _ in pd.requests}) == 30
    consumers = await r.xinfo_consumers(s.alerts_stream, s.notify_group)
    assert {c["name"] for c in consumers} == {b"notify-a", b"notify-b"}
    await r.aclose()


async def test_unacknowledged_high_finding_escalates_once(
    notify_settings: Settings, receivers: dict[str, Receiver]
) -> None:
    s, supervisor = notify_settings, receivers["supervisor"]
    r = Redis.from_url(s.redis_url or "")
    async with notifying(s):
        await alert(r, s, finding(7, severity="critical"))

        async def escalated() -> bool:
            return len(supervisor.requests) == 1

        await until(escalated, timeout=10)
        headers, body = supervisor.requests[0]
        payload = Webhook(SECRET).verify(body, headers)
        assert payload["type"] == "finding.escalated"
        assert payload["data"]["finding"]["finding_id"] == "f0007"
        await until(lambda: settled(r, s))
        assert len(supervisor.requests) == 1  # once (when: tests/unit/test_notifier_core.py)
    await r.aclose()


async def test_acknowledged_finding_is_not_escalated(
    notify_settings: Settings, receivers: dict[str, Receiver]
) -> None:
    s, pd, supervisor = notify_settings, receivers["pd"], receivers["supervisor"]
    r = Redis.from_url(s.redis_url or "")
    async with notifying(s):
        await alert(r, s, finding(8, severity="high"))
        await alert(r, s, finding(9, severity="high"))

        async def delivered() -> bool:
            return len(pd.requests) == 2

        await until(delivered)
        assert await ack(s, "f0008", "A. Defender", "visited the jail")
        assert not await ack(s, "f0008", "someone else", "")  # the first one stands
        await until(lambda: settled(r, s))
    escalated_ids = [
        json.loads(body)["data"]["finding"]["finding_id"] for _h, body in supervisor.requests
    ]
    assert escalated_ids == ["f0009"]
    await r.aclose()


async def test_unreadable_alert_is_dead_lettered_and_the_rest_goes_on(
    notify_settings: Settings, receivers: dict[str, Receiver]
) -> None:
    s, pd = notify_settings, receivers["pd"]
    r = Redis.from_url(s.redis_url or "")
    async with notifying(s):
        await r.xadd(s.alerts_stream, {"finding": b"{not json", "change": b"new"})
        await alert(r, s, finding(3, severity="warning"))

        async def delivered() -> bool:
            return len(pd.requests) == 1

        await until(delivered)
    letters = await r.xrange(s.alerts_dlq_stream)
    assert len(letters) == 1
    assert letters[0][1][b"reason"] == b"invalid_alert"
    assert (await r.xpending(s.alerts_stream, s.notify_group))["pending"] == 0
    await r.aclose()


async def test_the_notify_command_delivers_and_stops_cleanly(
    notify_settings: Settings, receivers: dict[str, Receiver], tmp_path: Path
) -> None:
    """`holdwatch notify` as ops run it: settings from the environment, SIGTERM exits 0."""
    s, pd = notify_settings, receivers["pd"]
    env = env_for(s.model_copy(update={"notify_http_port": free_port()}))
    env["HW_TEST_SECRET"] = SECRET
    r = Redis.from_url(s.redis_url or "")
    await alert(r, s, finding(11, severity="warning"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", "notify"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        async def delivered() -> bool:
            return len(pd.requests) == 1

        await until(delivered, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode()
    for line in out.decode().splitlines():
        json.loads(line)  # JSON logs only
    await r.aclose()


async def test_a_restarted_notifier_delivers_nothing_twice(
    notify_settings: Settings, receivers: dict[str, Receiver], mailbox: tuple[Mailbox, int]
) -> None:
    s, pd, box = notify_settings, receivers["pd"], mailbox[0]
    r = Redis.from_url(s.redis_url or "")
    async with notifying(s):
        await alert(r, s, finding(21, severity="warning"))
        await until(lambda: _count(pd, box, 1, 1))
    async with notifying(s):  # a restart, and the same alert replayed into the stream
        await alert(r, s, finding(21, severity="warning"))
        await alert(r, s, finding(22, severity="warning"))
        await until(lambda: _count(pd, box, 2, 2))
        await until(lambda: settled(r, s))
    assert len(pd.requests) == 2 and len(box.messages) == 2
    await r.aclose()


async def test_a_gone_webhook_gets_one_attempt_and_is_given_up(
    notify_settings: Settings, receivers: dict[str, Receiver]
) -> None:
    s, pd = notify_settings, receivers["pd"]
    r = Redis.from_url(s.redis_url or "")
    pd.failing, pd.refusal = True, 410
    async with notifying(s):
        await alert(r, s, finding(31, severity="warning"))

        async def given_up() -> bool:
            return any(e["channel"] == "webhook" for e in await log_entries(r, s))

        await until(given_up)
        await until(lambda: settled(r, s))  # a retry would still be queued
    assert pd.refused == 1 and pd.requests == []
    webhook_log = [e for e in await log_entries(r, s) if e["channel"] == "webhook"]
    assert [(e["outcome"], e["status"], e["attempt"]) for e in webhook_log] == [
        ("failed", "410", "1")
    ]
    await r.aclose()


async def test_a_resent_mail_carries_the_same_message_id(
    notify_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    s, box = notify_settings, mailbox[0]
    r = Redis.from_url(s.redis_url or "")
    box.lose_replies = 1
    async with notifying(s):
        await alert(r, s, finding(32, severity="warning"))

        async def resent() -> bool:
            return len(box.messages) >= 2

        await until(resent, timeout=10)
    first, again = box.messages
    assert first["Message-ID"] is not None and first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].startswith("<") and first["Message-ID"].endswith(">")
    mail_log = [e for e in await log_entries(r, s) if e["channel"] == "email"]
    assert [e["outcome"] for e in mail_log] == ["retry", "delivered"]
    await r.aclose()
