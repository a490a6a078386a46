"""The live benchmark still runs end to end (small, and nothing about its timings is
asserted: a benchmark is not a timed test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
