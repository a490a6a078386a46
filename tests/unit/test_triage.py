"""The desk's order (app/triage.py): who needs action first, table-driven on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from holdwatch.app.triage import Held, triage
from holdwatch.domain.findings import Finding

NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # the US spring-forward day: elapsed hours count


def finding(
    booking: str | None,
    code: str = "HOLD_OVER_WINDOW",
    kind: str = "violation",
    severity: str = "high",
    hours_ago: float = 1,
    agency: str = "pierce",
) -> Finding:
    return Finding.model_validate(
        {
            "finding_id": f"{agency}-{booking}-{code}",
            "code": code,
            "kind": kind,
            "severity": severity,
            "agency": agency,
            "booking_id": booking,
            "detainer_id": "D1",
            "violation_at": NOW - timedelta(hours=hours_ago),
            "ended_at": None,
            "duration_seconds": None,
            "policy": "wa-kww@2019-05-21",
            "citation": "RCW 10.93.160",
            "explanation": "x",
            "evidence": ("e1",),
            "status": "open",
            "rule": "hold",
            "timezone": "America/Los_Angeles",
        }
    )


def held(booking: str, hours: float | None, agency: str = "pierce") -> tuple[str, Held]:
    """A person held; `hours` until the hold deadline (negative: past it), None: no hold."""
    deadline = None if hours is None else NOW + timedelta(hours=hours)
    return "{" + f"{agency}/{booking}" + "}", Held(agency, booking, "Jail", deadline)


CASES = [
    pytest.param(
        [finding("A", hours_ago=2), finding("B", hours_ago=9)],
        [held("A", -2), held("B", -9)],
        ["{pierce/B}", "{pierce/A}"],
        id="held-unlawfully-longest-first",
    ),
    pytest.param(
        [finding("I", "NO_JUDICIAL_WARRANT", "advisory", "info", hours_ago=149)],
        [held("I", None), held("S", 3), held("L", 30), held("U", -1)],
        ["{pierce/U}", "{pierce/S}", "{pierce/L}", "{pierce/I}"],
        id="unlawful-then-soonest-deadline-then-the-rest",
    ),
    pytest.param(
        [
            finding("old-info", "REVIEW", "review", "info", hours_ago=500),
            finding("new-crit", "HOLD_BARRED", severity="critical", hours_ago=1),
            finding("released", hours_ago=50),
        ],
        [],
        ["{pierce/new-crit}", "{pierce/released}", "{pierce/old-info}"],
        id="rest-most-severe-then-oldest",
    ),
    pytest.param(
        [finding(None, "WSO_287G_BARRED", hours_ago=3)],
        [held("H", 1)],
        ["{pierce/H}", "{pierce/}"],
        id="agency-wide-and-a-person-with-no-finding",
    ),
]


@pytest.mark.parametrize(("findings", "custody", "order"), CASES)
def test_the_desk_order(
    findings: list[Finding], custody: list[tuple[str, Held]], order: list[str]
) -> None:
    cards = triage(findings, dict(custody), NOW)
    assert [c.tag for c in cards] == order
    # the text key the page's script sorts live cards by agrees with the order
    assert [c.order for c in cards] == sorted(c.order for c in cards)


@pytest.mark.parametrize(
    ("hours", "urgency", "countdown"),
    [
        (-0.001, "unlawful", True),
        (0.0, "unlawful", True),
        (0.5, "deadline", True),
        (None, "other", False),
    ],
)
def test_urgency_and_a_deadline_only_where_a_hold_runs(
    hours: float | None, urgency: str, countdown: bool
) -> None:
    (card,) = triage([finding("A")], dict([held("A", hours)]), NOW)
    assert card.urgency == urgency
    assert (card.deadline is not None) is countdown


def test_advisories_and_information_are_folded() -> None:
    found = [
        finding("A", "HOLD_BARRED"),
        finding("A", "NO_JUDICIAL_WARRANT", "advisory", "info"),
        finding("A", "GONZALEZ_DB_ONLY", "advisory", "warning"),
        finding("A", "DATA_QUALITY", "review", "info"),
        finding("A", "HOLD_DEADLINE_APPROACHING", "violation", "warning"),
    ]
    (card,) = triage(found, {}, NOW)
    assert [f.code for f in card.shown] == ["HOLD_BARRED", "HOLD_DEADLINE_APPROACHING"]
    assert {f.code for f in card.folded} == {
        "NO_JUDICIAL_WARRANT",
        "GONZALEZ_DB_ONLY",
        "DATA_QUALITY",
    }
    assert card.since == NOW - timedelta(hours=1)


def test_a_person_held_with_no_finding_has_a_card_and_no_since() -> None:
    (card,) = triage([], dict([held("Q", 5)]), NOW)
    assert card.in_custody and card.shown == card.folded == ()
    assert card.since is None and card.deadline == NOW + timedelta(hours=5)
