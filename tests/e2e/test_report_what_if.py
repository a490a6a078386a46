"""`holdwatch report --events … --profile A --compare B` as a user runs it, on the real
Pierce County bookings: each measure under both profiles and the difference."""

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
    "report", "--from", "2015-01-01", "--to", "2019-01-01", "--events", str(PIERCE),
    "--as-of", "2018-08-01T00:00:00-07:00",
)  # fmt: skip
UNLAWFUL = ("Holds past release eligibility on a detainer", "unlawful (findings)")


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


def _identity(m: dict[str, str]) -> tuple[str, str]:
    """A measure across reports: its stable key, and for a counted one its item. Its words
    differ: a plain report's come from its own law, a what-if's are law-neutral."""
    fixed = "." in m["key"] or m["key"] == "bookings"
    return (m["key"], "" if fixed else m["item"])


def json_of(*args: str) -> list[dict[str, str]]:
    run = holdwatch(*BASE, *args, "--format", "json")
    assert run.returncode == 0, run.stderr
    return [
        m for r in json.loads(run.stdout)["rows"] if r["agency"] == "pierce" for m in r["measures"]
    ]


def rows(a: str, b: str) -> dict[tuple[str, str], list[str]]:
    run = holdwatch(*BASE, "--profile", a, "--compare", b, "--format", "csv")
    assert run.returncode == 0, run.stderr
    table = list(csv.reader(io.StringIO(run.stdout)))
    assert table[0] == ["agency", "facility", "measure", "item", "a", "b", "b_minus_a"]
    return {(r[2], r[3]): r[4:] for r in table[1:] if r[0] == "pierce"}


def test_each_side_is_the_plain_report_and_the_difference_is_b_minus_a() -> None:
    measured = json_of("--profile", "us-federal", "--compare", "ca-sb54")
    diff_by_id = {_identity(m): (m["a"], m["b"], m["b_minus_a"]) for m in measured}
    a = {_identity(m): m["value"] for m in json_of("--profile", "us-federal")}
    b = {_identity(m): m["value"] for m in json_of("--profile", "ca-sb54")}
    assert set(diff_by_id) == set(a) | set(b)
    for key, (va, vb, delta) in diff_by_id.items():
        assert va == a.get(key, "0"), key
        assert vb == b.get(key, "0"), key
        if "—" not in (va, vb):
            assert float(delta) == pytest.approx(float(vb) - float(va)), key
    # California's report words its own duties; the what-if, across two laws, does not
    ca_words = {(m["section"], m["item"]) for m in json_of("--profile", "ca-sb54")}
    assert (
        "Detainers",
        "copy of the request given to the person (Cal. Gov. Code §7283.1(b))",
    ) in ca_words
    diff = rows("us-federal", "ca-sb54")
    assert ("Detainers", "copy of the request given to the person") in diff
    barred = diff[("Findings, by code", "HOLD_BARRED")]
    assert barred[0] == "0"
    assert int(barred[1]) >= 10
    assert int(diff[UNLAWFUL][2]) > 0  # the Values Act makes more holds unlawful
    over = diff[("Findings, by code", "HOLD_OVER_WINDOW")]
    assert (over[1], int(over[2])) == ("0", -int(over[0]))
    assert diff[("Bookings", "booked in the period")][2] == "0"  # the facts do not change


def test_every_format() -> None:
    args = (*BASE, "--profile", "us-federal", "--compare", "ca-sb54")
    md = holdwatch(*args)
    assert md.returncode == 0, md.stderr
    assert "| measure | item | A | B | B − A |" in md.stdout
    assert "- Policy B: ca-sb54@2018-01-01" in md.stdout
    html = holdwatch(*args, "--format", "html")
    assert html.stdout.startswith("<!doctype html>")
    assert "<th>B − A</th>" in html.stdout
    doc = json.loads(holdwatch(*args, "--format", "json").stdout)
    assert (doc["policy_a"], doc["policy_b"]) == ("us-federal@2017-04-02", "ca-sb54@2018-01-01")
    measures = {(m["section"], m["item"]): m for r in doc["rows"] for m in r["measures"]}
    assert measures[("Findings, by code", "HOLD_BARRED")]["a"] == "0"
    assert set(measures[UNLAWFUL]) == {"key", "section", "item", "a", "b", "b_minus_a"}


def test_a_profile_compared_with_itself_differs_in_nothing() -> None:
    diff = rows("ca-sb54", "ca-sb54")
    assert {d for _a, _b, d in diff.values()} <= {"0", "—"}


def test_the_plain_report_prints_json_too() -> None:
    run = holdwatch(*BASE, "--profile", "ca-sb54", "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["policy"] == "ca-sb54@2018-01-01"
    assert [r["agency"] for r in doc["rows"]] == ["pierce"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--profile", "ca-sb54", "--compare", "ca-sb45"), "--compare: "),
        (("--profile", "ca-sb54", "--compare", "ca-sb54+lasd-2002"), "--compare: "),
    ],
)
def test_an_unknown_compare_profile_is_one_line_exit_2(args: tuple[str, ...], message: str) -> None:
    run = holdwatch(*BASE, *args)
    assert run.returncode == 2
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"holdwatch report: {message}")
    assert args[-1].split("+")[-1] in line


def test_compare_needs_a_history_file() -> None:
    run = holdwatch("report", "--from", "2025-01-01", "--to", "2026-01-01", "--compare", "ca-sb54")
    assert run.returncode == 2
    assert run.stderr == "holdwatch report: --compare needs --events\n"
