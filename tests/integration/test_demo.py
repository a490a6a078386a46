"""`holdwatch demo` as a newcomer runs it: on the embedded Redis, with nothing else set up.

It must start, show findings on the page and alerts in the terminal within a bounded time,
keep showing alerts in its live phase (the trickle, its interval shortened here to 2 s from
30 s; tests/unit/test_live_trickle.py checks the rate at 30 s), and stop cleanly on Ctrl-C
(SIGINT), exit status 0.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ports import free_port_base

INTERVAL = 2.0
#: an alert from the live trickle: a booking it made (`-L<seed>-`), kept past eligibility
LIVE_ALERT = re.compile(r"ALERT opened .*HOLD_BARRED .*lasd/LASD-L2-")


def test_the_demo_shows_the_system_working_and_stops_cleanly(tmp_path: Path) -> None:
    base = free_port_base()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOLDWATCH_", "REDIS_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", "demo", "--backfill-days", "7",
         "--live-hours", "1", "--port-base", str(base), "--live-interval", str(INTERVAL)],
        cwd=tmp_path,
        env=env | {"COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while not any(re.search(r"ALERT opened .*HOLD_(BARRED|OVER_WINDOW)", x) for x in lines):
            assert proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "no hold alert within 120 s:\n" + "".join(lines)
            time.sleep(0.5)
        api = f"http://127.0.0.1:{base + 2}"
        # the backfill is judged as it is read: both jails' findings, once it has been
        deadline = time.monotonic() + 60
        while True:
            found = httpx.get(
                f"{api}/api/v1/findings", headers={"Authorization": "Bearer demo-defender"}
            ).json()
            agencies = {f["finding"]["agency"] for f in found}
            if agencies == {"pierce", "lasd"} or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert agencies == {"pierce", "lasd"}
        assert httpx.get(f"{api}/").status_code == 200
        metrics = httpx.get(f"http://127.0.0.1:{base}/metrics").text
        assert "holdwatch_findings_total" in metrics
        # the live phase: the trickle's holds keep coming, one an interval
        deadline = time.monotonic() + 60
        while not any(x.startswith("live:") for x in lines):
            assert time.monotonic() < deadline, "no live phase:\n" + "".join(lines)
            time.sleep(0.2)
        seen: list[float] = []
        count = 0
        window = time.monotonic() + 12 * INTERVAL
        while time.monotonic() < window:
            now_count = sum(bool(LIVE_ALERT.search(x)) for x in list(lines))
            if now_count > count:
                seen.append(time.monotonic())
                count = now_count
            time.sleep(0.1)
        assert count >= 6, f"{count} live alerts in {12 * INTERVAL} s:\n" + "".join(lines[-40:])
        steps = [b - a for a, b in pairwise(seen)]
        assert max(steps, default=0) < 4 * INTERVAL, steps
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        reader.join(timeout=10)
    out = "".join(lines)
    assert code == 0, out
    assert "defenders' page" in out and "stopped" in out
    assert (tmp_path / ".holdwatch" / "demo" / "holdwatch.log").stat().st_size > 0
