"""The live benchmark still runs end to end (small, and nothing about its timings is
asserted: a benchmark is not a timed test)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "stream_bench.py"


def test_stream_bench_runs_and_cleans_up(redis_url: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--events", "1500", "--skip", "c,d", "--redis-url", redis_url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout[done.stdout.index("\n{") :])
    b, f = summary["b_monitor"], summary["f_core"]
    assert b["drained"] and b["events"] == f["events"] == 1500
    assert b["dead_letters"] == 0 and b["alerts"] > 0
    assert b["ratio_b_over_a"] > 0 and f["bound_on_b_over_a"] > 0
    assert summary["e_memory"]["bookings"] > 0
    assert summary["keys_left_deleted"] == 0  # every part deleted its own keys


def test_stream_bench_compares_fsync_policies_on_servers_of_its_own() -> None:
    done = subprocess.run(
        [
            *(sys.executable, str(BENCH), "--appendfsync", "everysec,always"),
            *("--events", "300", "--producer-events", "100", "--skip", "c,d,e,f"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout[done.stdout.index("\n{") :])
    runs = summary["appendfsync"]
    assert set(runs) == {"everysec", "always"}
    for mode, (run,) in runs.items():
        assert run["b_monitor"]["drained"] and run["p_producer"]["events"] == 100, mode
        host, port = run["redis_url"].removeprefix("redis://").split("/")[0].split(":")
        with socket.socket() as s, pytest.raises(OSError):  # the bench stopped its server
            s.connect((host, int(port)))
    for label in ("(b) monitor events/s", "(p) producer XADD/s"):
        assert summary["comparison"][label]["ratio_to_everysec"]["always"] > 0
