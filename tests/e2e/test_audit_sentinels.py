"""Sentinel instants ("unknown" written as the end or the start of the calendar) through
`holdwatch audit` as a user runs it: refused by the contract naming the line and the field,
and an evaluation instant at either end of the calendar judged without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
S01 = ROOT / "tests" / "fixtures" / "scenarios" / "S01.jsonl"


def holdwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _events(**changes: str) -> list[dict[str, object]]:
    events = [json.loads(line) for line in S01.read_text().splitlines() if line.strip()]
    for event in events:
        if event["type"] == "booking.created":
            event["data"].update(changes)  # type: ignore[union-attr]
    return events


@pytest.mark.parametrize(
    ("where", "value", "reason"),
    [
        ("time", "9999-12-31T23:59:59+00:00", "time: must fall in the years 1900 to 2199"),
        ("time", "0001-01-01T00:00:00+14:00", "time: must fall in the years 1900 to 2199"),
        ("expected_at", "9999-12-31T23:59:59+00:00",
         "data.expected_at: must fall in the years 1900 to 2199"),
    ],
)  # fmt: skip
def test_a_sentinel_instant_is_refused_naming_line_and_field(
    tmp_path: Path, where: str, value: str, reason: str
) -> None:
    events = _events()
    sentinel = [{**e, "id": f"x-{e['id']}", "subject": "X"} for e in events]
    if where == "time":
        for e in sentinel:
            e["time"] = value
    else:
        sentinel.append({**sentinel[0], "id": "x-rs", "type": "release.scheduled",
                         "data": {"expected_at": value}})  # fmt: skip
    path = tmp_path / "sentinel.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in (*events, *sentinel)))
    run = holdwatch("audit", str(path), "--profile", "ca-sb54", "--as-of", "2025-04-10T00:00:00Z")
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert f"line {len(events) + (len(sentinel) if where != 'time' else 1)}: {reason}" in run.stderr
    assert value not in run.stderr


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12"])
@pytest.mark.parametrize(
    "as_of", ["9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00"]
)
def test_an_evaluation_instant_at_either_end_of_the_calendar_is_judged(
    tmp_path: Path, zone: str, as_of: str
) -> None:
    """S01 without its release: the hold is still open, so the findings read `as_of` out."""
    held = [e for e in _events(timezone=zone) if e["type"] != "custody.released"]
    path = tmp_path / "held.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in held))
    run = holdwatch("audit", str(path), "--profile", "ca-sb54", "--as-of", as_of)
    assert run.returncode == 0, run.stderr
    findings = json.loads(run.stdout)
    if as_of.startswith("9999"):  # after everything: the hold has gone on ever since
        hold = next(f for f in findings if f["code"] == "HOLD_BARRED")
        assert hold["status"] == "open" and "still held as of" in hold["explanation"]
    else:  # before anything: nothing is known yet
        assert findings == []
