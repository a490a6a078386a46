"""Real `holdwatch monitor` processes: replicas, kill -9, SIGTERM, metrics.

The workload is the Pierce County fixture (42 real hold bookings) copied N times under new
booking ids. Whatever happens to the processes, the alerts stream must carry each finding
state exactly once and the ledger must hold what `holdwatch audit` finds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis

from holdwatch.app.audit import audit
from holdwatch.policy.registry import resolve
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import env_for, make_settings
from ports import free_port
from stored_bookings import bookings_sync

PIERCE = Path(__file__).resolve().parents[1] / "fixtures" / "pierce" / "pierce_hold_bookings.jsonl"


def workload(copies: int) -> list[str]:
    """The fixture's events under `copies` distinct sets of booking and event ids."""
    base = [json.loads(line) for line in PIERCE.read_text().splitlines() if line.strip()]
    lines = []
    for k in range(copies):
        for event in base:
            copy = {**event, "id": f"{event['id']}~{k}", "subject": f"{event['subject']}~{k}"}
            lines.append(json.dumps(copy))
    return lines


class Replica:
    """One `holdwatch monitor` process."""

    def __init__(self, settings: Settings, consumer: str) -> None:
        self.port = free_port()
        env = env_for(settings)
        env.update(HOLDWATCH_CONSUMER=consumer, HOLDWATCH_HTTP_PORT=str(self.port))
        # A file, not a pipe: a pipe nobody reads fills at 64 KiB of log lines and then
        # blocks the monitor's next write, so a SIGTERM would never be acted on.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the replica)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "holdwatch.entrypoints.cli", "monitor"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def wait_ready(self, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(self.output())
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("monitor never became ready")

    def output(self) -> str:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.seek(0)
        return self.log.read().decode()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def publish(c: redis.Redis, stream: str, lines: list[str]) -> None:
    pipe = c.pipeline(transaction=False)
    for line in lines:
        pipe.xadd(stream, {"event": line})
    pipe.execute()


def group(c: redis.Redis, stream: str) -> dict[Any, Any]:
    (info,) = c.xinfo_groups(stream)
    return info


def drained(c: redis.Redis, s: Settings) -> bool:
    info = group(c, s.events_stream)
    last = c.xinfo_stream(s.events_stream)["last-generated-id"]
    return bool(info["pending"] == 0 and info["last-delivered-id"] == last)


def settled(c: redis.Redis, s: Settings) -> bool:
    """Every event applied and every timer due by now fired and judged (judging in event
    time leaves what a batch's frontier excludes to timers)."""
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    due = c.zcount(f"{s.key_prefix}:timers:due", "-inf", now_ms)
    if not c.exists(s.timers_stream):
        return drained(c, s) and due == 0
    (timers,) = c.xinfo_groups(s.timers_stream)
    last = c.xinfo_stream(s.timers_stream)["last-generated-id"]
    idle = timers["pending"] == 0 and timers["last-delivered-id"] == last
    return drained(c, s) and due == 0 and idle


def wait(predicate: Any, timeout: float = 120, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.1)


def alert_states(c: redis.Redis, s: Settings) -> list[tuple[str, str, str]]:
    return [
        (json.loads(f[b"finding"])["finding_id"], f[b"change"].decode(), f[b"finding"].decode())
        for _i, f in c.xrange(s.alerts_stream)
    ]


def ledger(c: redis.Redis, s: Settings) -> dict[str, dict[str, Any]]:
    out = {}
    for _tag, snap in bookings_sync(c, s.key_prefix):
        for fid, record in snap.ledger.items():
            out[fid] = json.loads(record)
    return out


def facts(f: dict[str, Any]) -> tuple[Any, ...]:
    return (f["finding_id"], f["code"], f["violation_at"], f["ended_at"], f["status"])


def assert_exactly_once_and_equal_to_audit(c: redis.Redis, s: Settings, lines: list[str]) -> None:
    states = alert_states(c, s)
    repeated = [k for k, n in Counter((fid, rec) for fid, _ch, rec in states).items() if n > 1]
    assert repeated == [], "a finding state was emitted twice"
    news = Counter(fid for fid, change, _rec in states if change == "new")
    assert set(news.values()) == {1}, "a finding was announced as new twice"
    assert len(assert_ledger_equals_audit(c, s, lines, "us-federal")) > 40


def assert_ledger_equals_audit(
    c: redis.Redis, s: Settings, lines: list[str], profile: str
) -> set[tuple[Any, ...]]:
    """The findings in force in the live ledger are the audit's, as of now; returns them."""
    live = {
        facts(f)
        for f in ledger(c, s).values()
        if f["status"] != "superseded" and f["code"] != "HOLD_DEADLINE_APPROACHING"
    }
    offline = {
        facts(f.model_dump(mode="json")) for f in audit(lines, resolve(profile), datetime.now(UTC))
    }
    assert live == offline
    return live


def test_two_replicas_emit_each_finding_once(
    redis_url: str, prefix: str, tmp_path: Path, client: redis.Redis
) -> None:
    s = make_settings(redis_url, prefix, tmp_path, batch_size=20)
    lines = workload(6)
    replicas = [Replica(s, "replica-a"), Replica(s, "replica-b")]
    try:
        publish(client, s.events_stream, lines)
        wait(lambda: settled(client, s), what="both replicas drained the stream")
        consumers = {
            c["name"].decode(): c for c in client.xinfo_consumers(s.events_stream, s.group)
        }
        assert set(consumers) == {"replica-a", "replica-b"}
        status, metrics = replicas[0].get("/metrics")
    finally:
        for r in replicas:
            r.stop()
    assert_exactly_once_and_equal_to_audit(client, s, lines)
    assert status == 200
    assert 'holdwatch_events_total{outcome="applied",type="booking.created"}' in metrics
    assert "holdwatch_stream_pending" in metrics
    assert "holdwatch_holds_active" in metrics
    # never a person or a booking as a label
    assert "~0" not in metrics and "pierce-" not in metrics


def test_kill_9_mid_batch_then_restart_loses_and_duplicates_nothing(
    redis_url: str, prefix: str, tmp_path: Path, client: redis.Redis
) -> None:
    s = make_settings(redis_url, prefix, tmp_path, batch_size=50)
    lines = workload(12)
    publish(client, s.events_stream, lines)
    first = Replica(s, "replica-a")
    wait(lambda: client.xlen(s.alerts_stream) > 20, timeout=60, what="first alerts")
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    assert not drained(client, s), "the crash came too late to test anything"
    second = Replica(s, "replica-a")  # same stable name: it finds its own pending entries
    try:
        wait(lambda: settled(client, s), what="restart finished the stream")
    finally:
        second.stop()
    assert_exactly_once_and_equal_to_audit(client, s, lines)


def test_sigterm_finishes_the_batch_acks_and_exits_cleanly(
    redis_url: str, prefix: str, tmp_path: Path, client: redis.Redis
) -> None:
    s = make_settings(redis_url, prefix, tmp_path, batch_size=100)
    lines = workload(12)
    publish(client, s.events_stream, lines)
    replica = Replica(s, "replica-a")
    wait(lambda: client.xlen(s.alerts_stream) > 20, timeout=60, what="first alerts")
    replica.proc.send_signal(signal.SIGTERM)
    assert replica.proc.wait(timeout=60) == 0, replica.output()
    pending = client.xpending(s.events_stream, s.group)
    assert pending["pending"] == 0, "SIGTERM left read entries unacknowledged"
    log = replica.output()
    assert "shut down gracefully" in log
    for line in log.splitlines():
        json.loads(line)  # every line, FastStream's and uvicorn's included, is JSON
    assert "Pierce" not in log  # no personal or booking data in the logs
    if not settled(client, s):  # finish the rest, then everything must add up
        rest = Replica(s, "replica-a")
        try:
            wait(lambda: settled(client, s), what="second run finished the stream")
        finally:
            rest.stop()
    assert_exactly_once_and_equal_to_audit(client, s, lines)


def test_embedded_redis_when_no_url_is_set(tmp_path: Path) -> None:
    """`holdwatch monitor` and `holdwatch publish` with nothing but a data directory."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        HOLDWATCH_DATA_DIR=str(tmp_path / "data"),
        HOLDWATCH_HTTP_PORT=str(port := free_port()),
        HOLDWATCH_DEFAULT_PROFILE="us-federal",
    )
    monitor = subprocess.Popen(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", "monitor"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ready = False
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    ready = r.status == 200
            except OSError:
                pass
            if ready:
                break
            time.sleep(0.1)
        assert ready
        out = subprocess.run(
            [sys.executable, "-m", "holdwatch.entrypoints.cli", "publish", str(PIERCE)],
            env=env,
            capture_output=True,
            check=True,
            text=True,
        )
        assert out.stdout.strip() == "published 179 events"

        def counted() -> bool:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                text = r.read().decode()
            return 'holdwatch_events_total{outcome="applied",type="custody.released"} 42.0' in text

        wait(counted, timeout=60, what="events applied on the embedded Redis")
    finally:
        monitor.send_signal(signal.SIGTERM)
        assert monitor.wait(timeout=60) == 0
    assert (tmp_path / "data" / "appendonly.aof").exists()
