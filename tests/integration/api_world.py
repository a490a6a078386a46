"""A running API on a real Redis, fed by the real monitor: two bookings held past their
window, in Pierce County and in another agency; tokens for each role."""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import uvicorn

from holdwatch.bootstrap import build
from holdwatch.entrypoints.api import build_api
from holdwatch.entrypoints.security import server_config
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import env_for, make_settings
from keyspace import delete_prefix
from story import Story

TOKENS = {"defender": "tok-defender-pierce", "oversight": "tok-oversight", "admin": "tok-admin"}


@dataclass
class World:
    url: str
    settings: Settings
    hold_finding: str

    def get(self, path: str, role: str | None = "defender", **params: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}
        return httpx.get(self.url + path, headers=headers, params=params, timeout=10)

    def post(self, path: str, role: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {TOKENS[role]}"}
        return httpx.post(self.url + path, headers=headers, json=body, timeout=10)


def _tokens_file(path: Path) -> Path:
    lines = []
    for role, token in TOKENS.items():
        agencies = '["pierce"]' if role == "defender" else "[]"
        digest = hashlib.sha256(token.encode()).hexdigest()
        lines.append(
            f'[[tokens]]\nname = "{role}-1"\nrole = "{role}"\nagencies = {agencies}\n'
            f'sha256 = "{digest}"\n'
        )
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def _feed(settings: Settings) -> None:
    """Two bookings judged by the real monitor: a hold past its window in Pierce County,
    and one in another agency that a Pierce defender must not see."""
    service = build(settings)
    s, r = service.settings, service.redis
    eligible = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=50)
    events = []
    for agency, booking in (("pierce", "AP1"), ("kcso", "AK1")):
        story = (
            Story(agency=agency, booking=booking)
            .booked((eligible - timedelta(hours=5)).isoformat())
            .detainer((eligible - timedelta(hours=2)).isoformat())
            .eligible(eligible.isoformat())
        )
        events += story.events
    await service.ensure_groups()
    for event in events:
        await r.xadd(s.events_stream, {"event": json.dumps(event)})
    reply: Any = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=100)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    await r.aclose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(settings: Settings, clock: Callable[[], datetime]) -> Iterator[str]:
    """`build_api`'s app under uvicorn in a thread, on a loopback port: its base URL."""
    app, close = build_api(settings, clock)
    app.router.add_event_handler("shutdown", close)  # in the server's own event loop
    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class ApiProcess:
    url: str
    pid: int
    log: Path

    def rss_kib(self) -> int:
        """VmRSS of the process, from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")


@contextmanager
def api_process(settings: Settings, log: Path) -> Iterator[ApiProcess]:
    """`holdwatch api` as ops run it, settings from the environment, stdout to `log`."""
    port = free_port()
    env = env_for(settings.model_copy(update={"api_http_port": port}))
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "holdwatch.entrypoints.cli", "api"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("holdwatch api did not start: " + log.read_text()[-2000:])
            time.sleep(0.1)
        yield ApiProcess(url, proc.pid, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def world(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("api")
    prefix = f"hwt-{uuid.uuid4().hex[:10]}"
    settings = make_settings(
        redis_url, prefix, tmp, api_tokens_file=_tokens_file(tmp / "tokens.toml")
    )
    asyncio.run(_feed(settings))
    client = redis.Redis.from_url(redis_url)
    hold = next(
        k.decode()
        for k, v in client.hgetall(f"{prefix}:findings:open").items()
        if b'"HOLD_OVER_WINDOW"' in v and b'"pierce"' in v
    )
    client.close()
    with serving(settings, lambda: datetime.now(UTC)) as url:
        yield World(url, settings, hold)
    delete_prefix(redis_url, prefix)
