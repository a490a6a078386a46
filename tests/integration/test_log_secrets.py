"""No secret in any log line of `holdwatch api` and `holdwatch notify`, run as processes.

A token sent in a query string is refused, and must not be written to the access log; a
webhook whose URL carries a secret (in its path and its query) is delivered, and the URL
must not be logged (httpx logs each request's URL at INFO). Every line is clean JSON:
no uvicorn `color_message`, no ANSI escape.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, World, api_process, free_port, world
from integration.conftest import env_for, until
from integration.test_notify import (
    SECRET,
    Receiver,
    alert,
    finding,
    mailbox,
    notify_settings,
    receivers,
)

__all__ = ["mailbox", "notify_settings", "receivers", "world"]

QUERY_TOKEN = "tok-in-the-query-4d1f0c"
HOOK_PATH_SECRET = "T0SECRET/B0SECRET/xoxb-path-secret-93ab"
HOOK_QUERY_SECRET = "sig-query-secret-7e21"


def assert_clean(lines: list[str], *secrets: str) -> None:
    assert lines
    for line in lines:
        for secret in secrets:
            assert secret not in line, line
        assert "color_message" not in line and "\x1b" not in line, line
        json.loads(line)


def test_a_token_in_the_query_string_is_refused_and_not_logged(
    world: World, tmp_path: Path
) -> None:
    with api_process(world.settings, tmp_path / "api.log") as api:
        for path in ("/api/v1/findings", "/api/v1/holds", "/findings", "/"):
            r = httpx.get(f"{api.url}{path}?token={QUERY_TOKEN}&access_token={QUERY_TOKEN}")
            assert r.status_code in (200, 303, 401) and QUERY_TOKEN not in r.text
        bearer = {"Authorization": f"Bearer {TOKENS['admin']}"}
        assert httpx.get(api.url + "/api/v1/holds", headers=bearer).status_code == 200
    lines = api.log.read_text().splitlines()
    assert_clean(lines, QUERY_TOKEN, TOKENS["admin"])
    access = [json.loads(line)["event"] for line in lines if '"uvicorn.access"' in line]
    assert any('"GET /api/v1/findings HTTP/1.1" 401' in a for a in access), access


@pytest.mark.asyncio
async def test_a_webhook_url_with_secrets_is_never_logged(
    notify_settings: Settings, receivers: dict[str, Receiver], tmp_path: Path
) -> None:
    pd = receivers["pd"]
    routing = tmp_path / "secret-routing.toml"
    routing.write_text(
        f"""
[webhooks.pd]
url = "{pd.url}/{HOOK_PATH_SECRET}?token={HOOK_QUERY_SECRET}"
secret_env = "HW_TEST_SECRET"

[[routes]]
name = "pierce-defenders"
agencies = ["pierce"]
severities = ["critical", "high", "warning"]
webhooks = ["pd"]
""",
        encoding="utf-8",
    )
    s = notify_settings.model_copy(
        update={"routing_file": routing, "notify_http_port": free_port(), "smtp_host": None}
    )
    env = env_for(s)
    env["HW_TEST_SECRET"] = SECRET
    r = Redis.from_url(s.redis_url or "")
    pd.failing = True  # a retry first: the failure is logged too
    await alert(r, s, finding(31, severity="warning"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", "notify"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        async def refused() -> bool:
            return pd.refused >= 1

        async def delivered() -> bool:
            return len(pd.requests) == 1

        await until(refused, timeout=30)
        pd.failing = False
        await until(delivered, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        await r.aclose()
    lines = out.decode().splitlines()
    assert_clean(lines, HOOK_PATH_SECRET, HOOK_QUERY_SECRET, SECRET)
    assert any('"delivery_retry"' in line for line in lines)
