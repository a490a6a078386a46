"""`holdwatch simulate` piped into `holdwatch replay`, as a user would, on a real Redis."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import env_for, make_settings


def test_replay_publishes_everything_at_the_rate_asked(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    history = tmp_path / "week.jsonl"
    cli = [sys.executable, "-m", "holdwatch.entrypoints.cli"]
    with history.open("wb") as out:
        subprocess.run(
            [*cli, "simulate", "--start", "2025-03-01", "--days", "5"], stdout=out, check=True
        )
    lines = [line for line in history.read_bytes().splitlines() if line.strip()]
    assert len(lines) > 300
    env = env_for(make_settings(redis_url, prefix, tmp_path))
    started = time.monotonic()
    run = subprocess.run(
        [*cli, "replay", str(history), "--rate", "1000"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    took = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    assert f"published {len(lines)} events" in run.stderr
    client = redis.Redis.from_url(redis_url)
    stored = [f[b"event"] for _i, f in client.xrange(f"{prefix}:events")]
    client.close()
    assert stored == lines  # all of them, in order
    assert took >= len(lines) / 1000  # the rate held it back
