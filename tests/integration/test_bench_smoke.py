"""The benchmarks still run end to end (small, and nothing about their timings is
asserted: a benchmark is not a timed test)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "stream_bench.py"


def test_stream_bench_runs_and_cleans_up(redis_url: str) -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "stream", "--events", "1500", "--skip", "c,d"),
            *("--lengths", "5,50", "--length-timed", "3", "--redis-url", redis_url),
            *("--partitions", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout[done.stdout.index("\n{") :])
    b, f = summary["b_monitor"], summary["f_core"]
    assert b["drained"] and b["events"] == f["events"] == 1500
    assert b["dead_letters"] == 0 and b["alerts"] > 0
    assert b["ratio_b_over_a"] > 0 and f["bound_on_b_over_a"] > 0
    assert summary["e_memory"]["bookings"] > 0
    g = summary["g_booking_length"]["lengths"]
    assert set(g) == {"normal", "5", "50"} and g["normal"]["ratio_to_normal"] == 1.0
    assert all(row["timed_events"] == 3 and row["ratio_to_normal"] > 0 for row in g.values())
    core = summary["g_booking_length"]["core"]["lengths"]
    assert set(core) == set(g) and all(row["cpu_ms"]["mean"] > 0 for row in core.values())
    h = summary["h_replicas"]["standalone"]
    assert set(h) == {"1p x1", "1p x2"}
    assert all(r["drained"] and r["dead_letters"] == 0 for r in h.values())
    assert h["1p x1"]["alerts"] > 0 and h["1p x2"]["alerts"] > 0  # (how many: batching)
    assert summary["keys_left_deleted"] == 0  # every part deleted its own keys


@pytest.mark.cluster
def test_replicas_bench_runs_on_partitions_and_on_a_cluster(redis_url: str) -> None:
    done = subprocess.run(
        [
            *(sys.executable, str(BENCH), "--events", "800", "--skip", "a,b,c,d,e,f,g,p"),
            *("--replicas", "1", "--partitions", "1,3", "--cluster", "--redis-url", redis_url),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    h = json.loads(done.stdout[done.stdout.index("\n{") :])["h_replicas"]
    assert set(h["standalone"]) == set(h["cluster"]) == {"1p x1", "3p x1"}
    rows = [*h["standalone"].values(), *h["cluster"].values()]
    assert all(r["drained"] and r["dead_letters"] == 0 and r["alerts"] > 0 for r in rows)


def test_audit_bench_times_the_command_per_jobs_value() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "audit", "--events", "3000", "--jobs", "1,2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.splitlines()[-1])
    one, two = summary["cli"]
    assert (one["jobs"], two["jobs"]) == (1, 2) and two["same_output"]
    assert summary["findings"] > 0 and summary["audit_eps"] > 0


def test_stream_bench_compares_fsync_policies_on_servers_of_its_own() -> None:
    done = subprocess.run(
        [
            *(sys.executable, str(BENCH), "--appendfsync", "everysec,always"),
            *("--events", "300", "--producer-events", "100", "--skip", "c,d,e,f,g,h"),
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
