"""What-if comparison (app/compare.py): which findings are only under A, only under B, and
the same code at another instant — matched by what they are about, never by finding id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from holdwatch.app.compare import Comparison, compare
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.table import render_comparison

T0 = datetime(2025, 3, 8, 6, 0, tzinfo=UTC)
H = 3600


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def finding(label: str, code: str = "HOLD_BARRED", start: float = 0.0, **kw: Any) -> Finding:
    """A finding whose `finding_id` is its label; `hours` sets its duration (None: open)."""
    hours = kw.pop("hours", 2.0)
    fields: dict[str, Any] = {
        "finding_id": label,
        "code": code,
        "kind": "violation",
        "severity": "high",
        "agency": "lasd",
        "booking_id": "B1",
        "detainer_id": "D1",
        "violation_at": at(start),
        "ended_at": None if hours is None else at(start + hours),
        "duration_seconds": None if hours is None else int(hours * H),
        "policy": f"profile-{label[0]}@2018-01-01",
        "citation": f"citation under {label[0]}",
        "explanation": f"explanation under {label[0]}",
        "evidence": ("e1",),
        "status": "open" if hours is None else "resolved",
        "rule": "hold",
        "timezone": "America/Los_Angeles",
        **kw,
    }
    return Finding.model_validate(fields)


def labels(c: Comparison) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    only_a = [e.a.finding_id for e in c.only_a if e.a is not None]
    only_b = [e.b.finding_id for e in c.only_b if e.b is not None]
    moved = [(e.a.finding_id, e.b.finding_id) for e in c.moved if e.a and e.b]
    return only_a, only_b, moved


PDT = timezone(timedelta(hours=-7))

# (name, findings under A, findings under B, (only under A, only under B, moved pairs))
CASES: list[tuple[str, list[Finding], list[Finding], tuple[Any, ...]]] = [
    ("nothing", [], [], ([], [], [])),
    (
        "same facts, other policy, id, citation and text: the same finding",
        [finding("a1")],
        [finding("b1")],
        ([], [], []),
    ),
    (
        "the same instant written in another offset is the same instant",
        [finding("a1")],
        [finding("b1", violation_at=at(0).astimezone(PDT), ended_at=at(2).astimezone(PDT))],
        ([], [], []),
    ),
    ("only under A", [finding("a1")], [], (["a1"], [], [])),
    ("only under B", [], [finding("b1", "TRANSFER_UNAUTHORIZED")], ([], ["b1"], [])),
    (
        "another code is not the same finding",
        [finding("a1", "HOLD_OVER_WINDOW", 48)],
        [finding("b1", "HOLD_BARRED", 0)],
        (["a1"], ["b1"], []),
    ),
    (
        "same code at another instant",
        [finding("a1", "HOLD_OVER_WINDOW", 48, hours=3)],
        [finding("b1", "HOLD_OVER_WINDOW", 72, hours=3)],
        ([], [], [("a1", "b1")]),
    ),
    (
        "same start, another duration and end",
        [finding("a1", hours=2)],
        [finding("b1", hours=5)],
        ([], [], [("a1", "b1")]),
    ),
    (
        "ended under one, still open under the other",
        [finding("a1", hours=2)],
        [finding("b1", hours=None)],
        ([], [], [("a1", "b1")]),
    ),
    (
        "same instants, another kind",
        [finding("a1", "TRUTH_COPY_MISSING", kind="advisory", severity="warning")],
        [finding("b1", "TRUTH_COPY_MISSING")],
        ([], [], [("a1", "b1")]),
    ),
    (
        "another detainer of the same booking is not matched",
        [finding("a1", detainer_id="D1")],
        [finding("b1", detainer_id="D2")],
        (["a1"], ["b1"], []),
    ),
    (
        "another booking is not matched",
        [finding("a1", booking_id="B1")],
        [finding("b1", booking_id="B2")],
        (["a1"], ["b1"], []),
    ),
    (
        "another agency is not matched",
        [finding("a1", agency="lasd")],
        [finding("b1", agency="ocsd")],
        (["a1"], ["b1"], []),
    ),
    (
        "agency-scoped findings (no booking, no detainer) are matched too",
        [finding("a1", "WSO_287G_BARRED", booking_id=None, detainer_id=None, hours=0)],
        [finding("b1", "WSO_287G_BARRED", 1, booking_id=None, detainer_id=None, hours=0)],
        ([], [], [("a1", "b1")]),
    ),
    (
        "several under one key: the shared one drops out, the rest is left over",
        [finding("a1", "REVIEW", 0, rule="scope"), finding("a2", "REVIEW", 5, rule="offense")],
        [finding("b1", "REVIEW", 5, rule="offense")],
        (["a1"], [], []),
    ),
    (
        "several under one key: the rest pairs in order of instants",
        [finding("a1", "REVIEW", 0), finding("a2", "REVIEW", 10)],
        [finding("b2", "REVIEW", 11), finding("b1", "REVIEW", 1)],
        ([], [], [("a1", "b1"), ("a2", "b2")]),
    ),
    (
        "leftovers pair with the same rule before an earlier one",
        [finding("a1", "REVIEW", 0, rule="scope"), finding("a2", "REVIEW", 10, rule="window")],
        [finding("b1", "REVIEW", 12, rule="window")],
        (["a1"], [], [("a2", "b1")]),
    ),
    (
        "then with the same kind: a hard violation with the other's violation, not the advisory",
        [
            finding("a1", "TRUTH_COPY_MISSING", 2, kind="advisory", rule="truth.copy.soft"),
            finding("a2", "TRUTH_COPY_MISSING", 40, hours=0, rule="truth.copy.hard"),
        ],
        [finding("b1", "TRUTH_COPY_MISSING", 16, hours=0, rule="tx.inform")],
        (["a1"], [], [("a2", "b1")]),
    ),
]


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES, ids=[c[0] for c in CASES])
def test_compare(name: str, a: list[Finding], b: list[Finding], expected: tuple[Any]) -> None:
    c = compare(a, b, "A", "B", T0)
    assert labels(c) == expected
    assert c.empty == (expected == ([], [], []))
    # swapping the profiles swaps the sides and nothing else
    swapped = compare(b, a, "B", "A", T0)
    only_a, only_b, moved = expected
    assert labels(swapped) == (only_b, only_a, [(y, x) for x, y in moved])


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_profile_compared_with_itself_shows_nothing(
    name: str, a: list[Finding], b: list[Finding], expected: tuple[Any]
) -> None:
    assert compare(a, a, "A", "A", T0).empty
    assert compare(b, list(reversed(b)), "B", "B", T0).empty


def test_entries_name_their_key_and_come_in_order_of_instant() -> None:
    a = [finding("a2", "HOLD_OVER_WINDOW", 9, booking_id="B2"), finding("a1", "REVIEW", 1)]
    b = [finding("b1", "HOLD_BARRED", 3, detainer_id=None)]
    c = compare(a, b, "A", "B", T0)
    assert [(e.agency, e.booking_id, e.detainer_id, e.code) for e in c.only_a] == [
        ("lasd", "B1", "D1", "REVIEW"),
        ("lasd", "B2", "D1", "HOLD_OVER_WINDOW"),
    ]
    assert [(e.booking_id, e.detainer_id, e.code, e.a) for e in c.only_b] == [
        ("B1", None, "HOLD_BARRED", None)
    ]


def test_json_round_trips_with_both_sides() -> None:
    c = compare(
        [finding("a1", "HOLD_OVER_WINDOW", 48)],
        [finding("b1", "HOLD_OVER_WINDOW", 49)],
        "A",
        "B",
        T0,
    )
    again = Comparison.model_validate_json(c.model_dump_json())
    assert again == c
    dumped = c.model_dump(mode="json")
    assert set(dumped) == {"profile_a", "profile_b", "as_of", "only_a", "only_b", "moved"}
    (entry,) = dumped["moved"]
    assert entry["a"]["finding_id"] == "a1"
    assert entry["b"]["finding_id"] == "b1"


def test_table_groups_the_three_sections_in_the_jails_local_time() -> None:
    a = [finding("a1", "HOLD_OVER_WINDOW", 24), finding("a2", "REVIEW", 0)]
    b = [finding("b1", "HOLD_OVER_WINDOW", 60), finding("b2", "TRANSFER_UNAUTHORIZED", 1)]
    text = render_comparison(compare(a, b, "us-federal", "ca-sb54", T0))
    lines = text.splitlines()
    assert lines[0] == "A: us-federal   B: ca-sb54   as of 2025-03-08T06:00:00+00:00"
    only_a = lines.index("ONLY UNDER A (us-federal): 1")
    only_b = lines.index("ONLY UNDER B (ca-sb54): 1")
    moved = lines.index("SAME CODE, ANOTHER INSTANT: 1")
    assert only_a < only_b < moved
    # T0 is 06:00 UTC on 8 March 2025: 22:00 PST the day before
    assert lines[only_a + 2].startswith("2025-03-07 22:00 PST  REVIEW")
    assert lines[only_b + 2].startswith("2025-03-07 23:00 PST  TRANSFER_UNAUTHORIZED")
    row = lines[moved + 2].split()
    assert row[:2] == ["HOLD_OVER_WINDOW", "lasd/B1"]
    assert row[2:6] == ["2025-03-08", "22:00", "PST", "2h00m"]  # A: T0 + 24 h
    assert row[7:11] == ["2025-03-10", "11:00", "PDT", "2h00m"]  # B: T0 + 60 h, after DST
    assert lines[-1] == "1 only under A, 1 only under B, 1 at another instant"


def test_table_says_none_for_an_empty_section() -> None:
    text = render_comparison(compare([finding("a1")], [finding("b1")], "ca-sb54", "ca-sb54", T0))
    assert text.count("(none)") == 3
    assert text.splitlines()[-1] == "0 only under A, 0 only under B, 0 at another instant"
