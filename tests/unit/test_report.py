"""The compliance report's counting and rendering, table-driven over folded stories."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from holdwatch.app.report import Period, Tally, tally
from holdwatch.app.report_render import RENDERERS
from holdwatch.app.report_sources import from_lines
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import fold
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story

T0 = datetime(2025, 3, 3, 12, tzinfo=UTC)
YEAR = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
CA = resolve("ca-sb54")


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def state_of(story: Story) -> CustodyState:
    return fold(parse_event(json.dumps(e)) for e in story.events)


def one(story: Story, period: Period = YEAR) -> Tally:
    s = state_of(story)
    rows = tally([(s, evaluate(s, CA, AS_OF).findings)], period, AS_OF)
    assert len(rows) == 1
    return next(iter(rows.values()))


HELD = (
    Story(booking="H1")
    .booked(at(0))
    .detainer(at(1), pc=("biometric_database", "statements"), warrant="none")
    .eligible(at(10))
    .released(at(16.5), to="ice", basis="7282.5(a)(1)")
)


@pytest.mark.parametrize(
    ("story", "expected"),
    [
        (
            HELD,
            {
                "bookings": 1,
                "detainers": 1,
                "hold_hours": [6.5],
                "detainers_by_warrant": {"none": 1},
                "detainers_by_basis": {"biometric_database": 1, "statements": 1},
                "transfers_by_basis": {"7282.5(a)(1)": 1},
                "truth_copies_given": 0,
            },
        ),
        (  # released at eligibility: no hold; transferred without a recorded basis
            Story(booking="H2")
            .booked(at(0))
            .detainer(at(1))
            .eligible(at(5))
            .released(at(5), to="ice"),
            {"hold_hours": [], "transfers_by_basis": {"none recorded": 1}},
        ),
        (  # the detainer came after release: no hold, no transfer
            Story(booking="H3").booked(at(0)).eligible(at(2)).released(at(2)).detainer(at(3)),
            {"hold_hours": [], "transfers_by_basis": {}, "detainers": 1},
        ),
        (  # still held at as_of: the hold runs to as_of
            Story(booking="H4").booked(at(0)).detainer(at(1)).eligible(at(2)),
            {"hold_hours": [round((AS_OF - T0).total_seconds() / 3600 - 2, 6)]},
        ),
        (
            Story(booking="H5")
            .booked(at(0))
            .detainer(at(1))
            .notified(at(2))
            .claim(at(3), evidence="a passport")
            .add(
                "truth.notice_given", at(1.5), {"notice": "request_copy", "recipients": ["subject"]}
            ),
            {
                "notifications_by_information": {"release_date": 1},
                "notifications_by_request": {"in response to a detainer": 1},
                "truth_copies_given": 1,
                "citizenship_claims": {"us_citizen": 1},
                "truth_notices": {"request_copy": 1},
            },
        ),
    ],
)
def test_facts_are_counted_where_they_belong(story: Story, expected: dict[str, object]) -> None:
    t = one(story)
    for name, value in expected.items():
        got = getattr(t, name)
        if name == "hold_hours":
            assert [round(h, 6) for h in got] == value
        else:
            assert (dict(got) if isinstance(value, dict) else got) == value, name


def test_facts_outside_the_period_are_not_counted_and_empty_rows_are_dropped() -> None:
    march = Period(T0 - timedelta(days=1), T0 + timedelta(hours=5))
    t = one(HELD, march)  # booked and the detainer in March's window; the hold began after
    assert (t.bookings, t.detainers, t.hold_hours, dict(t.transfers_by_basis)) == (1, 1, [], {})
    later = Period(datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    s = state_of(HELD)
    assert tally([(s, [])], later, AS_OF) == {}


def test_medians_totals_and_unlawful_holds_per_facility() -> None:
    stories = [
        Story(booking=f"M{n}").booked(at(0)).detainer(at(1)).eligible(at(2)).released(at(2 + h))
        for n, h in enumerate((1.0, 3.0, 8.0))
    ]
    states = [state_of(s) for s in stories]
    rows = tally([(s, evaluate(s, CA, AS_OF).findings) for s in states], YEAR, AS_OF)
    t = rows[("lasd", "Men's Central Jail")]
    assert (len(t.hold_hours), t.hold_total_hours, t.hold_median_hours) == (3, 12.0, 3.0)
    assert t.unlawful_holds == 3  # the Values Act bars every one of them
    assert t.findings_by_code["HOLD_BARRED"] == 3


def test_every_format_names_no_one() -> None:
    story = HELD.jsonl() + Story(booking="X9").booked(at(3)).jsonl()
    report = from_lines(story.encode().splitlines(), CA, AS_OF, YEAR)
    for fmt, render in RENDERERS.items():
        text = render(report)
        for secret in ("Test Person", "P-H1", "H1", "X9", "H1-e"):
            assert secret not in text, (fmt, secret)
    rows = list(csv.reader(io.StringIO(RENDERERS["csv"](report))))
    assert rows[0] == ["agency", "facility", "measure", "item", "value"]
    assert ["lasd", "Men's Central Jail", "Bookings", "booked in the period", "2"] in rows
    assert "## Scope and data fidelity" in RENDERERS["md"](report)
    assert '<h2 id="scope-h">Scope and data fidelity</h2>' in RENDERERS["html"](report)


def test_out_of_order_arrivals_are_counted_from_file_order() -> None:
    s = Story(booking="O1").booked(at(0)).eligible(at(5)).released(at(6))
    lines = [json.dumps(e).encode() for e in (s.events[0], s.events[2], s.events[1])]
    assert from_lines(lines, CA, AS_OF, YEAR).scope.out_of_order_events == 1
