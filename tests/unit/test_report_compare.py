"""The what-if compliance report (app/report_compare.py): each measure under A, under B,
and B − A, in every format the report has, cells as inert as the report's own."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from holdwatch.app.report import Period, Report
from holdwatch.app.report_compare import RENDERERS, MeasureDiff, compare_reports
from holdwatch.app.report_render import RENDERERS as PLAIN
from holdwatch.app.report_render import measures
from holdwatch.app.report_sources import from_lines
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story

T0 = datetime(2025, 3, 3, 12, tzinfo=UTC)
YEAR = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
AS_OF = datetime(2026, 6, 1, tzinfo=UTC)


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def held(booking: str = "H1", facility: str = "Men's Central Jail") -> Story:
    """Held 6 hours past release eligibility on a detainer, then handed to ICE."""
    return (
        Story(booking=booking)
        .booked(at(0), facility=facility)
        .detainer(at(1))
        .eligible(at(2))
        .released(at(8), to="ice")
    )


def report(lines: list[bytes], profile: str) -> Report:
    return from_lines(lines, resolve(profile), AS_OF, YEAR)


def both(stories: list[Story], a: str, b: str) -> dict[tuple[str, str], MeasureDiff]:
    lines = "".join(s.jsonl() for s in stories).encode().splitlines()
    c = compare_reports(report(lines, a), report(lines, b))
    ((_row, diffs),) = c.rows.items()
    return {(m.section, m.item): m for m in diffs}


@pytest.mark.parametrize(
    ("a", "b", "delta"),
    [
        ("1", "3", "+2"),
        ("3", "1", "-2"),
        ("0", "0", "0"),
        ("6.5", "6.5", "0"),
        ("1.0", "2.5", "+1.5"),
        ("12.5", "2.5", "-10.0"),
        ("—", "3.0", "—"),
        ("3.0", "—", "—"),
    ],
)
def test_b_minus_a(a: str, b: str, delta: str) -> None:
    assert MeasureDiff("s", "i", a, b).delta == delta


def test_the_law_changes_the_findings_not_the_facts() -> None:
    m = both([held("H1"), held("H2")], "us-federal", "ca-sb54")
    unlawful = ("Holds past release eligibility on a detainer", "unlawful (findings)")
    assert (m[unlawful].a, m[unlawful].b, m[unlawful].delta) == ("0", "2", "+2")
    barred = m[("Findings, by code", "HOLD_BARRED")]
    assert (barred.a, barred.b, barred.delta) == ("0", "2", "+2")  # 0: none under A
    for key in [
        ("Bookings", "booked in the period"),
        ("Detainers", "received"),
        ("Holds past release eligibility on a detainer", "count"),
        ("Holds past release eligibility on a detainer", "total hours"),
        ("Detainers received, by form", "I-247A"),
    ]:
        assert m[key].a == m[key].b, key
        assert m[key].delta == "0", key
    assert m[("Holds past release eligibility on a detainer", "total hours")].a == "12.0"


def test_measures_keep_the_reports_order_with_both_sides_items() -> None:
    lines = held().jsonl().encode().splitlines()
    a, b = report(lines, "us-federal"), report(lines, "ca-sb54")
    c = compare_reports(a, b)
    ((row, diffs),) = c.rows.items()
    keys = [(m.section, m.item) for m in diffs]
    from_a = [(m.section, m.item) for m in measures(a.rows[row])]
    assert set(keys) >= set(from_a)
    sections = list(dict.fromkeys(s for s, _ in keys))
    assert sections[0] == "Bookings"
    assert sections[-1] == "Findings, by code"
    codes = [i for s, i in keys if s == "Findings, by code"]
    assert codes == sorted(codes)
    assert "HOLD_BARRED" in codes  # only under B, listed all the same


@pytest.mark.parametrize("profile", ["us-federal", "ca-sb54", "ca-sb54+lasd-2020", "tx-sb4"])
def test_a_profile_compared_with_itself_differs_in_nothing(profile: str) -> None:
    lines = held().jsonl().encode().splitlines()
    c = compare_reports(report(lines, profile), report(lines, profile))
    deltas = {m.delta for diffs in c.rows.values() for m in diffs}
    assert deltas <= {"0", "—"}


def _what_if() -> str:
    lines = held().jsonl().encode().splitlines()
    c = compare_reports(report(lines, "us-federal"), report(lines, "ca-sb54"))
    return "\n".join(render(c) for render in RENDERERS.values())


def test_every_format_shows_a_b_and_the_difference() -> None:
    lines = held().jsonl().encode().splitlines()
    c = compare_reports(report(lines, "us-federal"), report(lines, "ca-sb54"))
    md = RENDERERS["md"](c)
    assert "- Policy A: us-federal@2017-04-02" in md
    assert "- Policy B: ca-sb54@2018-01-01" in md
    assert "| measure | item | A | B | B − A |" in md
    assert "| Findings, by code | HOLD_BARRED | 0 | 1 | +1 |" in md
    assert "## Scope and data fidelity" in md
    rows = list(csv.reader(io.StringIO(RENDERERS["csv"](c))))
    assert rows[0] == ["agency", "facility", "measure", "item", "a", "b", "b_minus_a"]
    fac = "Men's Central Jail"
    assert ["lasd", fac, "Findings, by code", "HOLD_BARRED", "0", "1", "1"] in rows
    assert ["lasd", fac, "Bookings", "booked in the period", "1", "1", "0"] in rows
    html = RENDERERS["html"](c)
    assert html.startswith("<!doctype html>")
    assert "<td>HOLD_BARRED</td><td>0</td><td>1</td><td>+1</td>" in html
    doc = json.loads(RENDERERS["json"](c))
    assert set(doc) == {"start", "end", "policy_a", "policy_b", "rows", "scope"}
    (row,) = doc["rows"]
    assert {"key": "findings_by_code", "section": "Findings, by code", "item": "HOLD_BARRED",
            "a": "0", "b": "1", "b_minus_a": "+1"} in row["measures"]  # fmt: skip
    assert {m["section"] for m in doc["scope"]} == {"scope"}


def test_no_format_names_anyone() -> None:
    text = _what_if()
    for secret in ("Test Person", "P-H1", "H1-e", "H1"):
        assert secret not in text, secret


def test_the_plain_report_in_json_has_the_apis_shape() -> None:
    lines = held().jsonl().encode().splitlines()
    doc = json.loads(PLAIN["json"](report(lines, "ca-sb54")))
    assert set(doc) == {"start", "end", "policy", "rows", "scope"}
    assert doc["start"] == "2025-01-01T00:00:00Z"
    (row,) = doc["rows"]
    assert set(row) == {"agency", "facility", "measures"}
    finding = {"section": "Findings, by code", "item": "HOLD_BARRED", "value": "1"}
    assert {"key": "findings_by_code", **finding} in row["measures"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


HOSTILE = ['=HYPERLINK("http://evil.example/","x")', "-2+3+cmd|' /C calc'!A0", "<script>x</script>"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_facility_name_is_inert_in_every_format(name: str) -> None:
    lines = held(facility=name).jsonl().encode().splitlines()
    c = compare_reports(report(lines, "us-federal"), report(lines, "ca-sb54"))
    rows = list(csv.reader(io.StringIO(RENDERERS["csv"](c))))
    risky = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
    # only the difference column, holdwatch's own number, may start with a minus
    assert not [cell for row in rows for cell in row[:-1] if cell.startswith(risky)]
    assert rows[1][1] == ("'" + name if name.startswith(risky) else name)
    parser = _Tags()
    parser.feed(RENDERERS["html"](c))
    assert parser.tags <= {"html", "meta", "title", "h1", "p", "h2", "table", "tr", "th", "td"}
    assert "<script>" not in RENDERERS["md"](c)
    assert json.loads(RENDERERS["json"](c))["rows"][0]["facility"] == name
