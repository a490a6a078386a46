"""`holdwatch report` as a user runs it on the real Pierce County bookings: JSON as the
API's, the analysts' appendix, the HTML document, and a clear refusal of a bad period."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIERCE = ROOT / "tests" / "fixtures" / "pierce" / "pierce_hold_bookings.jsonl"
BASE = (
    "report", "--events", str(PIERCE), "--profile", "wa-kww",
    "--as-of", "2018-08-01T00:00:00-07:00",
)  # fmt: skip
YEARS = ("--from", "2015-01-01", "--to", "2019-01-01")


@cache
def holdwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )


def test_json_has_the_apis_shape_and_the_csv_appendix_its_numbers() -> None:
    run = holdwatch(*BASE, *YEARS, "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert set(doc) == {"start", "end", "policy", "rows", "scope"}
    ((row),) = doc["rows"]
    values = {m["key"]: m["value"] for m in row["measures"] if "." in m["key"]}
    detail = holdwatch(*BASE, *YEARS, "--format", "csv", "--detail", "holds")
    assert detail.returncode == 0, detail.stderr
    holds = [r for r in csv.DictReader(io.StringIO(detail.stdout)) if r["detainer"] == "yes"]
    assert str(len(holds)) == values["holds.count"]
    assert f"{round(sum(float(r['hours']) for r in holds), 1)}" == values["holds.total_hours"]
    unlawful = [r for r in holds if r["lawful"] == "no"]
    assert str(len(unlawful)) == values["holds.with_unlawful_finding"]
    assert all(r["why"].startswith("HOLD_BARRED: RCW 10.93.160") for r in unlawful)
    assert all(r["booking_ref"].startswith("b-") for r in holds)
    in_json = holdwatch(*BASE, *YEARS, "--format", "json", "--detail", "holds")
    assert [h["hours"] for h in json.loads(in_json.stdout)["holds"]] == [
        r["hours"] for r in csv.DictReader(io.StringIO(detail.stdout))
    ]


def test_the_html_document_has_charts_a_legend_and_washingtons_words() -> None:
    run = holdwatch(*BASE, *YEARS, "--format", "html")
    assert run.returncode == 0, run.stderr
    html = run.stdout
    assert html.startswith("<!doctype html>")
    assert html.count('<svg role="img"') == 4
    assert "1 January 2015 – 31 December 2018" in html
    assert "Keep Washington Working" in html and "RCW 10.93.160" in html
    assert "TRUTH Act" not in html and "Cal. Gov. Code" not in html
    assert 'id="code-HOLD_BARRED"' in html
    assert "--detail holds" in html


@pytest.mark.parametrize(
    ("start", "end", "which"),
    [("2025-03-01", "2025-03-01", "an empty"), ("2025-03-01", "2025-02-01", "a reversed")],
)
@pytest.mark.parametrize("source", [BASE, ("report",)])
def test_an_empty_or_reversed_period_is_one_line_on_stderr_exit_2(
    start: str, end: str, which: str, source: tuple[str, ...]
) -> None:
    run = holdwatch(*source, "--from", start, "--to", end, "--format", "json")
    assert (run.returncode, run.stdout) == (2, "")
    (line,) = run.stderr.splitlines()
    assert line.startswith("holdwatch report: --to: must be after --from (2025-03-01)")
    assert f"is {which} period" in line


def test_a_detail_has_no_markdown_or_html_form() -> None:
    run = holdwatch(*BASE, *YEARS, "--detail", "holds")
    assert run.returncode == 2
    assert run.stderr == "holdwatch report: --detail holds: only with --format csv or json\n"
