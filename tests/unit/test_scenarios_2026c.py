"""Colorado's release duties (S34, U20, U21) and North Carolina's judicial-official order (U44,
U45), with variants, table-driven over the fixtures `build_2026c.py` writes.

Each row: (code, violation instant, duration in seconds or None). Every expected finding
must be present and the violations must be exactly the expected ones; reviews may add to
them only where a row lists them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import audit
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import fold
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.registry import resolve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
H, M = 3600, 60
CO, NC = "co-hb19-1124", "nc-162-62"

Expect = tuple[str, str, int | None]

CASES: list[tuple[str, str, str, list[Expect]]] = [
    # S34: the hold from the bond, and the 6-hour rule's breach at 16:00
    (
        "S34", CO, "2025-10-15T00:00:00-06:00",
        [
            ("HOLD_BARRED", "2025-10-14T10:00:00-06:00", 7 * H + 30 * M),
            ("RELEASE_TIME_LIMIT_EXCEEDED", "2025-10-14T16:00:00-06:00", 90 * M),
        ],
    ),
    # U20: HOLD_BARRED from RE, 5 h 35 m elapsed (the wall clock shows 6 h 35 m); the 6 hours
    # after the 00:30 MST bond end at 07:30 MDT (the wall clock shows 7); the hand-over
    (
        "U20", CO, "2026-03-09T00:00:00-07:00",
        [
            ("HOLD_BARRED", "2026-03-08T01:40:00-07:00", 5 * H + 35 * M),
            ("RELEASE_TIME_LIMIT_EXCEEDED", "2026-03-08T07:30:00-06:00", 45 * M),
            ("TRANSFER_UNAUTHORIZED", "2026-03-08T08:15:00-06:00", None),
        ],
    ),
    # the bond's instant not given: 6 hours from RE (08:40 MDT) were not passed
    (
        "U20b", CO, "2026-03-09T00:00:00-07:00",
        [
            ("HOLD_BARRED", "2026-03-08T01:40:00-07:00", 5 * H + 35 * M),
            ("TRANSFER_UNAUTHORIZED", "2026-03-08T08:15:00-06:00", None),
        ],
    ),
    # fall back: 6 elapsed hours from 00:30 MDT end at 05:30 MST
    (
        "U20c", CO, "2025-11-03T00:00:00-07:00",
        [
            ("HOLD_BARRED", "2025-11-02T00:40:00-06:00", 6 * H + 20 * M),
            ("RELEASE_TIME_LIMIT_EXCEEDED", "2025-11-02T05:30:00-07:00", 30 * M),
        ],
    ),
    # U21: a delay for ICE inside the 6 hours; the call to ICE is for counsel
    (
        "U21", CO, "2026-06-17T00:00:00-06:00",
        [
            ("RELEASE_DELAYED_FOR_ICE", "2026-06-16T14:45:00-06:00", 45 * M),
            ("REVIEW", "2026-06-16T14:40:00-06:00", None),
        ],
    ),
    (
        "U21b", CO, "2026-06-17T00:00:00-06:00",
        [
            ("REVIEW", "2026-06-16T14:45:00-06:00", 45 * M),  # was the delay for ICE?
            ("REVIEW", "2026-06-16T14:40:00-06:00", None),
        ],
    ),
    ("U21c", CO, "2026-06-17T00:00:00-06:00", [("REVIEW", "2026-06-16T14:40:00-06:00", None)]),
    # SB25-276's first minute: RE the minute before is judged by HB19-1124, which has no
    # release duty; RE at 00:00 MDT by SB25-276
    ("U21d", CO, "2025-05-24T00:00:00-06:00", []),
    (
        "U21e", CO, "2025-05-24T00:00:00-06:00",
        [("RELEASE_DELAYED_FOR_ICE", "2025-05-23T00:00:00-06:00", 30 * M)],
    ),
    # U44: 20 hours without the order; the window (to 2025-11-06 14:00) was not passed
    (
        "U44", NC, "2025-11-07T00:00:00-05:00",
        [("HOLD_WITHOUT_JUDICIAL_ORDER", "2025-11-04T14:00:00-05:00", 20 * H)],
    ),
    # U45: the 90 minutes before the order, then 48 hours from RE (the earlier reading)
    (
        "U45", NC, "2025-11-07T00:00:00-05:00",
        [
            ("HOLD_WITHOUT_JUDICIAL_ORDER", "2025-11-04T14:00:00-05:00", 90 * M),
            ("HOLD_OVER_WINDOW", "2025-11-06T14:00:00-05:00", 2 * H),
        ],
    ),
    # the order before RE: its 48 hours end first
    (
        "U45b", NC, "2025-11-07T00:00:00-05:00",
        [("HOLD_OVER_WINDOW", "2025-11-06T12:00:00-05:00", H)],
    ),
    # fall back: 48 elapsed hours from 14:00 EDT end at 13:00 EST (the wall clock shows 47)
    (
        "U45c", NC, "2025-11-04T00:00:00-05:00",
        [("HOLD_OVER_WINDOW", "2025-11-03T13:00:00-05:00", 90 * M)],
    ),
    ("U45d", NC, "2025-11-07T00:00:00-05:00", []),  # the order at RE, ICE within 48 hours
]  # fmt: skip


def run(name: str, profile: str, as_of: str) -> list[Finding]:
    with (FIXTURES / f"{name}.jsonl").open("rb") as handle:
        return audit(handle, resolve(profile), datetime.fromisoformat(as_of))


@pytest.mark.parametrize(("name", "profile", "as_of", "expected"), CASES, ids=lambda v: str(v)[:20])
def test_scenario(name: str, profile: str, as_of: str, expected: list[Expect]) -> None:
    findings = run(name, profile, as_of)
    got = {(f.code, f.violation_at): f for f in findings}
    for code, instant, duration in expected:
        key = (code, datetime.fromisoformat(instant))
        assert key in got, f"{name}: missing {code} at {instant}; got {sorted(got)}"
        if duration is not None:
            assert got[key].duration_seconds == duration, f"{name}: {code} duration"
    wanted = {(c, datetime.fromisoformat(i)) for c, i, _ in expected}
    judged = {(f.code, f.violation_at) for f in findings if f.kind in ("violation", "review")}
    assert judged <= wanted, f"{name}: unexpected {judged - wanted}"


@pytest.mark.parametrize(("name", "profile", "as_of", "expected"), CASES, ids=lambda v: str(v)[:20])
def test_every_finding_names_its_version_and_each_violation_its_evidence(
    name: str, profile: str, as_of: str, expected: list[Expect]
) -> None:
    for f in run(name, profile, as_of):
        assert f.policy.startswith(f"{profile}@"), (name, f.policy)
        if f.kind == "violation":
            assert f.evidence_level == "secondary" or f.code in (
                "HOLD_BARRED",
                "TRANSFER_UNAUTHORIZED",
            ), (name, f.code, f.evidence_level)


def test_u20_the_bond_and_not_re_starts_the_six_hours() -> None:
    (late,) = [
        f
        for f in run("U20", CO, "2026-03-09T00:00:00-07:00")
        if f.code == "RELEASE_TIME_LIMIT_EXCEEDED"
    ]
    assert late.policy == "co-hb19-1124@2025-05-23"
    assert "Sun 08 Mar 2026 00:30 MST" in late.explanation
    assert late.ended_at == datetime.fromisoformat("2026-03-08T08:15:00-06:00")


def test_u20_a_delay_on_a_detainer_is_the_hold_alone() -> None:
    """One act, one finding: custody past RE on a detainer is HOLD_BARRED, not also a delay."""
    codes = [f.code for f in run("U20", CO, "2026-03-09T00:00:00-07:00")]
    assert "RELEASE_DELAYED_FOR_ICE" not in codes
    assert codes.count("HOLD_BARRED") == 1


def test_the_six_hour_limit_is_a_live_deadline_while_the_person_is_held() -> None:
    lines = (FIXTURES / "U20.jsonl").read_text().splitlines()[:-1]  # not yet released
    state = fold([parse_event(line) for line in lines])
    deadlines = evaluate(state, resolve(CO), datetime.fromisoformat("2026-03-08T03:00:00-06:00"))
    assert datetime.fromisoformat("2026-03-08T07:30:00-06:00") in {
        d.at for d in deadlines.deadlines if d.code == "RELEASE_TIME_LIMIT_EXCEEDED"
    }


def test_u45_reports_the_earlier_reading_and_the_other_as_an_alternative() -> None:
    (over,) = [
        f for f in run("U45", NC, "2025-11-07T00:00:00-05:00") if f.code == "HOLD_OVER_WINDOW"
    ]
    (alt,) = over.alternatives
    assert alt.deadline == datetime.fromisoformat("2025-11-06T15:30:00-05:00")
    assert alt.violation is True
    assert "not verified" in over.explanation
    (early,) = [
        f for f in run("U45b", NC, "2025-11-07T00:00:00-05:00") if f.code == "HOLD_OVER_WINDOW"
    ]
    assert [(a.deadline, a.violation) for a in early.alternatives] == [
        (datetime.fromisoformat("2025-11-06T14:00:00-05:00"), False)
    ]


def test_a_magistrate_s_order_is_not_a_warrant_for_a_crime() -> None:
    """The state order does not end the detainer hold as a judge's criminal warrant would:
    the 48 hours still bind it (U45)."""
    codes = {f.code for f in run("U45", NC, "2025-11-07T00:00:00-05:00")}
    assert "HOLD_OVER_WINDOW" in codes


def test_the_order_s_earlier_48_hours_are_a_live_deadline_then_one_finding() -> None:
    """U45b while the person is held: the order's deadline is scheduled; passed, it is an
    ongoing finding whose id the final one keeps (the live monitor supersedes by id)."""
    lines = (FIXTURES / "U45b.jsonl").read_text().splitlines()
    held = fold([parse_event(line) for line in lines[:-1]])
    early = evaluate(held, resolve(NC), datetime.fromisoformat("2025-11-05T00:00:00-05:00"))
    due = [d.at for d in early.deadlines if d.code == "HOLD_OVER_WINDOW"]
    assert datetime.fromisoformat("2025-11-06T12:00:00-05:00") in due
    late = evaluate(held, resolve(NC), datetime.fromisoformat("2025-11-06T12:30:00-05:00"))
    (ongoing,) = [f for f in late.findings if f.code == "HOLD_OVER_WINDOW"]
    assert ongoing.status == "open" and ongoing.ended_at is None
    (final,) = [
        f for f in run("U45b", NC, "2025-11-07T00:00:00-05:00") if f.code == "HOLD_OVER_WINDOW"
    ]
    assert final.finding_id == ongoing.finding_id
    assert final.violation_at == ongoing.violation_at
