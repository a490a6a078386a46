"""`holdwatch audit --compare` as a user runs it, on the project's scenario fixtures and the
real Pierce County bookings: what changes when the same history is judged under another law.

Besides named outcomes (the Values Act bars holds the federal rules allow), every comparison
is checked against the two plain audits it comes from: each profile's findings are exactly
its side of the differences plus the findings both profiles share.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from holdwatch.entrypoints import cli
from holdwatch.policy.registry import BASES

ROOT = Path(__file__).resolve().parents[2]
PIERCE = ROOT / "tests" / "fixtures" / "pierce" / "pierce_hold_bookings.jsonl"
SCENARIOS = ROOT / "tests" / "fixtures" / "scenarios"
PIERCE_AS_OF = "2018-08-01T00:00:00-07:00"
S17B_AS_OF = "2025-03-12T00:00:00-07:00"
SCHEMA = json.loads((ROOT / "schemas" / "comparison.json").read_text(encoding="utf-8"))


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


def compared(path: Path, a: str, b: str, as_of: str) -> dict[str, Any]:
    run = holdwatch("audit", str(path), "--profile", a, "--compare", b, "--as-of", as_of)
    assert run.returncode == 0, run.stderr
    out: dict[str, Any] = json.loads(run.stdout)
    return out


def plain(path: Path, profile: str, as_of: str) -> list[dict[str, Any]]:
    run = holdwatch("audit", str(path), "--profile", profile, "--as-of", as_of)
    assert run.returncode == 0, run.stderr
    out: list[dict[str, Any]] = json.loads(run.stdout)
    return out


def key(f: dict[str, Any]) -> tuple[Any, ...]:
    return (f["agency"], f["booking_id"], f["detainer_id"], f["code"])


def when(f: dict[str, Any]) -> tuple[Any, ...]:
    return (key(f), f["violation_at"], f["ended_at"], f["duration_seconds"], f["kind"])


PAIRS = [
    (PIERCE, "us-federal", "ca-sb54", PIERCE_AS_OF),
    (PIERCE, "ca-sb54", "tx-sb4", PIERCE_AS_OF),
    (SCENARIOS / "S17b.jsonl", "ca-cdcr", "tx-sb4", S17B_AS_OF),
    (SCENARIOS / "S01.jsonl", "ca-sb54", "ca-sb54+lasd-2020", "2025-04-10T00:00:00-07:00"),
]


@pytest.mark.parametrize(("path", "a", "b", "as_of"), PAIRS, ids=lambda v: str(v)[-20:])
def test_differences_and_shared_findings_make_up_each_side(
    path: Path, a: str, b: str, as_of: str
) -> None:
    c = compared(path, a, b, as_of)
    Draft202012Validator(SCHEMA).validate(c)
    assert (c["profile_a"], c["profile_b"], c["as_of"]) == (a, b, as_of)
    under_a, under_b = plain(path, a, as_of), plain(path, b, as_of)
    side_a = [e["a"] for e in (*c["only_a"], *c["moved"])]
    side_b = [e["b"] for e in (*c["only_b"], *c["moved"])]
    assert all(e["b"] is None for e in c["only_a"])
    assert all(e["a"] is None for e in c["only_b"])
    # what is not a difference is shared: the same facts on both sides, the same number of times
    shared_a = Counter(map(when, under_a)) - Counter(map(when, side_a))
    shared_b = Counter(map(when, under_b)) - Counter(map(when, side_b))
    assert shared_a == shared_b
    assert sum(shared_a.values()) + len(side_a) == len(under_a)
    assert sum(shared_b.values()) + len(side_b) == len(under_b)
    # each side's findings are the plain audit's, byte for byte
    assert {json.dumps(f) for f in side_a} <= {json.dumps(f) for f in under_a}
    assert {json.dumps(f) for f in side_b} <= {json.dumps(f) for f in under_b}
    for entry in (*c["only_a"], *c["only_b"], *c["moved"]):
        for side in (entry["a"], entry["b"]):
            assert side is None or key(side) == key(entry)
    for entry in c["moved"]:
        assert when(entry["a"]) != when(entry["b"])


def test_pierce_under_the_values_act_bars_holds_the_federal_rules_allow() -> None:
    c = compared(PIERCE, "us-federal", "ca-sb54", PIERCE_AS_OF)
    only_b = Counter(e["code"] for e in c["only_b"])
    only_a = Counter(e["code"] for e in c["only_a"])
    assert only_b["HOLD_BARRED"] >= 10
    assert only_b["HOLD_BARRED"] == sum(
        f["code"] == "HOLD_BARRED" for f in plain(PIERCE, "ca-sb54", PIERCE_AS_OF)
    )
    assert "HOLD_BARRED" not in only_a
    assert "HOLD_BARRED" not in {e["code"] for e in c["moved"]}
    # the federal 48-hour window is no rule in California: each overrun is only under A
    assert only_a["HOLD_OVER_WINDOW"] >= 4
    assert all(e["a"]["policy"].startswith("us-federal@") for e in c["only_a"])
    assert all(e["b"]["policy"].startswith("ca-sb54@") for e in c["only_b"])


def test_s17b_the_same_code_at_another_instant_shows_both_sides() -> None:
    """California's prison rule (§7284.10) and Texas's each require the person be told of
    the detainer, at different moments: one code, one booking and detainer, two instants."""
    c = compared(SCENARIOS / "S17b.jsonl", "ca-cdcr", "tx-sb4", S17B_AS_OF)
    moved = [e for e in c["moved"] if e["code"] == "TRUTH_COPY_MISSING"]
    assert len(moved) == 1
    (entry,) = moved
    assert (entry["booking_id"], entry["detainer_id"]) == ("S17", "D1")
    assert entry["a"]["policy"].startswith("ca-cdcr@")
    assert entry["b"]["policy"].startswith("tx-sb4@")
    assert entry["a"]["violation_at"] != entry["b"]["violation_at"]
    assert entry["a"]["finding_id"] != entry["b"]["finding_id"]  # matched without the id


def test_table_groups_the_sections_in_local_time() -> None:
    run = holdwatch(
        "audit", str(PIERCE), "--profile", "us-federal", "--compare", "ca-sb54",
        "--as-of", PIERCE_AS_OF, "--format", "table",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    c = compared(PIERCE, "us-federal", "ca-sb54", PIERCE_AS_OF)
    n_a, n_b, n_moved = len(c["only_a"]), len(c["only_b"]), len(c["moved"])
    heads = [
        lines.index(f"ONLY UNDER A (us-federal): {n_a}"),
        lines.index(f"ONLY UNDER B (ca-sb54): {n_b}"),
        lines.index(f"SAME CODE, ANOTHER INSTANT: {n_moved}"),
    ]
    assert heads == sorted(heads)
    only_b = lines[heads[1] + 2 : heads[1] + 2 + n_b]
    assert all(" PST " in line or " PDT " in line for line in only_b)
    assert sum("HOLD_BARRED" in line for line in only_b) == sum(
        e["code"] == "HOLD_BARRED" for e in c["only_b"]
    )
    assert lines[-1] == f"{n_a} only under A, {n_b} only under B, {n_moved} at another instant"


@pytest.mark.parametrize("profile", sorted(BASES))
@pytest.mark.parametrize(
    ("path", "as_of"), [(PIERCE, PIERCE_AS_OF), (SCENARIOS / "S17b.jsonl", S17B_AS_OF)]
)
def test_a_profile_compared_with_itself_shows_nothing(
    profile: str, path: Path, as_of: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["audit", str(path), "--profile", profile, "--compare", profile, "--as-of", as_of]
    assert cli.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["only_a"], out["only_b"], out["moved"]) == ([], [], [])
    assert cli.main([*args, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert table.count("(none)") == 3
    assert table.endswith("0 only under A, 0 only under B, 0 at another instant\n")


@pytest.mark.parametrize(
    ("spec", "named"), [("ca-sb45", "'ca-sb45'"), ("ca-sb54+lasd-2002", "'lasd-2002'")]
)
def test_an_unknown_compare_profile_is_one_line_naming_it_exit_2(spec: str, named: str) -> None:
    run = holdwatch(
        "audit", str(PIERCE), "--profile", "ca-sb54", "--compare", spec, "--as-of", PIERCE_AS_OF
    )
    assert run.returncode == 2
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("holdwatch audit: --compare: ")
    assert named in line


def test_the_readme_excerpt_is_real_output() -> None:
    """README's what-if example is this command's output, character for character."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### What-if: `--compare`") :]
    block = section[section.index("```console\n") + len("```console\n") :]
    block = block[: block.index("```\n")]
    command, _, shown = block.partition("--format table\n")
    assert "--profile ca-sb54 --compare tx-sb4" in command
    run = holdwatch(
        "audit", str(SCENARIOS / "S17b.jsonl"), "--profile", "ca-sb54", "--compare", "tx-sb4",
        "--as-of", S17B_AS_OF, "--format", "table",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert shown == run.stdout
