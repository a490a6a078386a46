"""The report as an oversight document: its charts draw the numbers it counts, its words
come from the jurisdiction's own law, its legend explains every code and category it
shows, and the analysts' appendix reproduces each hold measure row by row."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pytest

from holdwatch.app.readable import days, duration, instant
from holdwatch.app.report import Period, Report, booking_ref
from holdwatch.app.report_charts import Series, bar_gid, charts, months, render, series_of
from holdwatch.app.report_detail import COLUMNS, holds_csv, holds_json, records
from holdwatch.app.report_law import ALL_CODES, KINDS, MEANINGS, VOCABULARIES, Labels
from holdwatch.app.report_render import RENDERERS, measures
from holdwatch.app.report_sources import from_lines
from holdwatch.domain.findings import Kind
from holdwatch.policy.registry import BASES, resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story

T0 = datetime(2025, 3, 3, 12, tzinfo=UTC)
SPRING = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
AS_OF = datetime(2025, 8, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
PIERCE = ROOT / "tests" / "fixtures" / "pierce" / "pierce_hold_bookings.jsonl"
#: Words only California's law gives a report: its statutes and the names of its Acts.
CALIFORNIA = ("TRUTH Act", "Values Act", "Cal. Gov. Code", "§7284", "§7283", "§7282", "SB 54")


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def history(agency: str = "lasd", facility: str = "Men's Central Jail") -> bytes:
    """Holds of every kind over three months, in two facilities: a copy given, a transfer,
    a release-date notice, a claim, custody past eligibility with no detainer."""
    stories = []
    for n, (day, hours, form) in enumerate(
        [(0, 6.5, "I-247A"), (3, 0.5, "I-247A"), (31, 30, "I-247D"), (64, 50, "I-247A")]
    ):
        s = (
            Story(agency=agency, booking=f"H{n}")
            .booked(at(24 * day), facility=facility if n % 2 == 0 else "Annex")
            .detainer(at(24 * day + 1), form=form, pc=("biometric_database",), warrant="none")
            .copy(at(24 * day + 1.5))
            .eligible(at(24 * day + 10))
        )
        if n == 0:
            s = s.notified(at(24 * day + 11)).claim(at(24 * day + 12))
        stories.append(s.released(at(24 * day + 10 + hours), to="ice", basis="court order"))
    free = Story(agency=agency, booking="F1").booked(at(5), facility=facility).eligible(at(20))
    stories.append(free.released(at(23)))
    return "".join(s.jsonl() for s in stories).encode()


def report(profile: str = "ca-sb54", agency: str = "lasd") -> Report:
    return from_lines(history(agency).splitlines(), resolve(profile), AS_OF, SPRING)


# --- the charts draw the report's numbers ----------------------------------------------


def test_each_charts_series_sums_to_the_reports_counts() -> None:
    r = report()
    by_key = {s.key: s for s in series_of(r)}
    rows = list(r.rows.values())
    forms = dict(by_key["detainers-by-month"].series)
    for form in {f for t in rows for f in t.detainers_by_form}:
        assert sum(forms[form]) == sum(t.detainers_by_form[form] for t in rows), form
    hours = dict(by_key["hours-past-eligibility"].series)
    assert sum(hours["with a detainer"]) == sum(len(t.hold_hours) for t in rows)
    assert sum(hours["no detainer"]) == sum(len(t.no_detainer_hours) for t in rows) == 1
    codes = dict(by_key["findings-by-month"].series)
    for code in {c for t in rows for c in t.findings_by_code}:
        assert sum(codes[code]) == sum(t.findings_by_code[code] for t in rows), code
    facility = by_key["findings-by-facility"]
    for (agency, place), t in r.rows.items():
        i = facility.categories.index(f"{agency} — {place}")
        assert {n: v[i] for n, v in facility.series if v[i]} == dict(t.findings_by_code)
    # the months run without a gap, in order, and the 50-hour hold is in the last bin
    assert by_key["detainers-by-month"].categories == ("2025-03", "2025-04", "2025-05")
    assert hours["with a detainer"][-1] == 1


class _Bars(HTMLParser):
    """Each bar's height (or width, lying down) in the SVG, by its gid."""

    def __init__(self) -> None:
        super().__init__()
        self.group: str | None = None
        self.size: dict[str, float] = {}
        self.titles: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "g" and a.get("id"):
            self.group = a["id"]
        elif tag == "path" and self.group and re.search(r"-s\d+-c\d+$", self.group):
            numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", a.get("d") or "")]
            xs, ys = numbers[0::2], numbers[1::2]
            self.size[self.group] = (max(xs) - min(xs), max(ys) - min(ys))  # type: ignore[assignment]
            self.group = None
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles.append(data)
            self._in_title = False


@pytest.mark.parametrize("profile", ["ca-sb54", "wa-kww"])
def test_every_bar_in_the_svg_is_as_long_as_its_number(profile: str) -> None:
    """Read back from the drawing: one bar per (series, category), its length in pixels
    proportional to the number it stands for, the same scale for every bar of a chart."""
    drawn = charts(report(profile))
    assert {c.data.key for c in drawn} == {s.key for s in series_of(report(profile))}
    for chart in drawn:
        bars = _Bars()
        bars.feed(chart.svg)
        assert bars.titles[0] == chart.data.title
        scale = set()
        for si, (_name, values) in enumerate(chart.data.series):
            for ci, value in enumerate(values):
                width, height = bars.size[bar_gid(chart.data.key, si, ci)]  # type: ignore[misc]
                length = width if chart.data.horizontal else height
                if value == 0:
                    assert length == pytest.approx(0, abs=1e-6)
                else:
                    scale.add(round(length / value, 3))
        assert len(scale) == 1, (chart.data.key, scale)


def test_a_chart_says_its_numbers_in_words_and_carries_no_style_or_script() -> None:
    for chart in charts(report()):
        svg = chart.svg
        assert svg.startswith('<svg role="img" aria-labelledby=')
        desc = re.search(r"<desc id=\"[^\"]+\">(.*?)</desc>", svg, re.S)
        assert desc is not None
        assert f"{chart.data.total} {chart.data.unit} in all" in desc.group(1)
        assert "<script" not in svg and "style=" not in svg and "<style" not in svg
        assert "<?xml" not in svg and "<!DOCTYPE" not in svg


def test_months_fill_the_gaps_across_a_year() -> None:
    assert months(["2024-11", "2025-02", "2024-11"]) == ("2024-11", "2024-12", "2025-01", "2025-02")
    assert months([]) == ()


# --- the jurisdiction's own words -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "json"])
def test_a_washington_report_names_no_california_law(fmt: str) -> None:
    text = RENDERERS[fmt](report("wa-kww", agency="pierce"))
    assert not [w for w in CALIFORNIA if w in text]
    assert "Keep Washington Working" in text or fmt in ("csv", "json", "md")


def test_californias_report_cites_its_own_statutes_for_its_own_duties() -> None:
    r = report("ca-sb54")
    (t, *_) = r.rows.values()
    words = {
        (m.key, m.section, m.item)
        for m in measures(t, Labels.of(r.rulebook("lasd"), SPRING.start.date(), SPRING.end.date()))
    }
    assert (
        "detainers.copy_given",
        "Detainers",
        "copy of the request given to the person (Cal. Gov. Code §7283.1(b))",
    ) in words
    assert any(
        k == "transfers_by_basis" and "(reported under Cal. Gov. Code §7284.6(c)(2))" in s
        for k, s, _ in words
    )
    assert "TRUTH" not in " ".join(s for _k, s, _i in words)  # a statute, not a nickname


@pytest.mark.parametrize("profile", sorted(BASES))
def test_no_profile_but_californias_borrows_a_california_citation(profile: str) -> None:
    text = RENDERERS["md"](report(profile, agency="x"))
    if not profile.startswith("ca-"):
        assert not [w for w in CALIFORNIA if w in text], profile


# --- the legend -----------------------------------------------------------------------


def test_every_code_kind_and_vocabulary_value_has_words() -> None:
    assert set(MEANINGS) == set(ALL_CODES)
    assert set(KINDS) == set(get_args(Kind))
    for key, _title, words, literal in VOCABULARIES:
        assert set(get_args(literal)) <= set(words), key


class _Legend(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.codes: set[str] = set()
        self.terms: set[str] = set()
        self._dt = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id") or ""
        if ident.startswith("code-"):
            self.codes.add(ident.removeprefix("code-"))
        self._dt = tag == "dt" or (self._dt and tag == "code")

    def handle_data(self, data: str) -> None:
        if self._dt and data.strip():
            self.terms.add(data.strip())
        self._dt = False


@pytest.mark.parametrize("profile", ["ca-sb54", "wa-kww", "us-federal", "tx-sb4"])
def test_the_legend_explains_every_code_and_category_the_report_shows(profile: str) -> None:
    r = report(profile)
    legend = _Legend()
    legend.feed(RENDERERS["html"](r))
    shown = {c for t in r.rows.values() for c in t.findings_by_code}
    assert shown and legend.codes == shown
    for key, _title, _words, _literal in VOCABULARIES:
        for t in r.rows.values():
            assert set(getattr(t, key)) <= legend.terms, key
    assert set(KINDS) <= legend.terms


def test_a_codes_legend_entry_quotes_the_duty_that_raises_it() -> None:
    html = RENDERERS["html"](report("ca-sb54"))
    entry = html[html.index('id="code-HOLD_BARRED"') :]
    entry = entry[: entry.index("</div>")]
    assert "Cal. Gov. Code §7284.6(a)(1)(B)" in entry
    assert "Raised from the first minute of custody past release" in entry


# --- readable dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [(2.5, "2 h 30 min"), (0.75, "45 min"), (0, "0 min"), (1, "1 h"), (50, "2 d 2 h"), (48, "2 d")],
)
def test_durations_read_as_people_say_them(value: float, words: str) -> None:
    assert duration(value) == words


def test_periods_and_instants_read_as_days() -> None:
    march = (datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))
    assert days(*march) == "1 March 2025 – 31 March 2025"
    assert days(march[0], march[0] + timedelta(days=1)) == "1 March 2025"
    summer = datetime(2025, 4, 9, 20, tzinfo=UTC)
    assert instant(summer, "America/Los_Angeles") == "9 April 2025, 13:00 PDT"
    html = RENDERERS["html"](report())
    assert "1 January 2025 – 30 June 2025" in html and "2025-01-01T" not in html


# --- the analysts' appendix -------------------------------------------------------------


@pytest.mark.parametrize("profile", ["ca-sb54", "us-federal", "wa-kww"])
def test_the_appendix_reproduces_every_hold_measure(profile: str) -> None:
    r = report(profile)
    rows = list(csv.DictReader(io.StringIO(holds_csv(r))))
    assert list(rows[0]) == list(COLUMNS)
    for (agency, facility), t in r.rows.items():
        mine = [x for x in rows if (x["agency"], x["facility"]) == (agency, facility)]
        held = [float(x["hours"]) for x in mine if x["detainer"] == "yes"]
        free = [float(x["hours"]) for x in mine if x["detainer"] == "no"]
        values = {m.key: m.value for m in measures(t)}
        assert str(len(held)) == values["holds.count"]
        assert f"{round(sum(held), 1)}" == values["holds.total_hours"]
        median = f"{round(statistics.median(held), 1)}" if held else "—"
        assert median == values["holds.median_hours"]
        assert str(len(free)) == values["no_detainer.count"]
        unlawful = [x for x in mine if x["lawful"] == "no"]
        assert str(len(unlawful)) == values["holds.with_unlawful_finding"]
        for x in mine:
            start, end = (datetime.fromisoformat(x[k]) for k in ("counted_from", "counted_to"))
            assert (end - start).total_seconds() / 3600 == pytest.approx(
                float(x["hours"]), abs=1e-4
            )
    verdicts = {x["lawful"] for x in rows}
    assert verdicts == (
        {"no", "not judged"} if profile != "us-federal" else {"no", "yes", "not judged"}
    )


def test_the_appendix_says_why_a_hold_was_unlawful_and_names_no_booking() -> None:
    r = report("ca-sb54")
    text = holds_csv(r) + holds_json(r)
    for secret in ("H0", "H1", "F1", "P-H0", "Test Person"):
        assert secret not in text
    (first,) = [x for x in records(r) if x["booking_ref"] == booking_ref("lasd", "H0")]
    assert first["lawful"] == "no" and first["why"].startswith(
        "HOLD_BARRED: Cal. Gov. Code §7284.6"
    )
    assert first["eligible_at"] == at(10) and first["released_at"] == at(16.5)
    assert first["ended_by"] == "release" and first["hours"] == "6.5000"
    federal = {x["booking_ref"]: x for x in records(report("us-federal"))}
    assert federal[first["booking_ref"]]["lawful"] == "yes"  # within the I-247A's 48 hours
    assert federal[first["booking_ref"]]["why"].startswith(
        "no unlawful-hold finding under us-federal@"
    )
    assert json.loads(holds_json(r))["holds"] == records(r)


def test_the_appendix_makes_a_hostile_facility_name_inert() -> None:
    r = from_lines(
        history(facility='=HYPERLINK("x")').splitlines(), resolve("ca-sb54"), AS_OF, SPRING
    )
    cells = [c for row in csv.reader(io.StringIO(holds_csv(r))) for c in row]
    assert '\'=HYPERLINK("x")' in cells and '=HYPERLINK("x")' not in cells


def test_the_pierce_bookings_appendix_matches_its_report() -> None:
    lines = PIERCE.read_bytes().splitlines()
    period = Period(datetime(2015, 1, 1, tzinfo=UTC), datetime(2019, 1, 1, tzinfo=UTC))
    r = from_lines(lines, resolve("wa-kww"), datetime(2018, 8, 1, tzinfo=UTC), period)
    ((_, t),) = r.rows.items()
    rows = records(r)
    assert len(rows) == len(t.hold_hours) > 10
    assert f"{round(sum(float(x['hours']) for x in rows), 1)}" == f"{t.hold_total_hours}"


def test_a_report_over_two_states_words_each_agency_by_its_own_law() -> None:
    """As live, over the agency map: Los Angeles under California law, Pierce County under
    Washington's; each facility's table and each legend speaks its own law."""
    ca, wa = report("ca-sb54", "lasd"), report("wa-kww", "pierce")
    both = Report(
        SPRING,
        "per agency map",
        {**ca.rows, **wa.rows},
        ca.scope,
        {**ca.profiles, **wa.profiles},
        AS_OF,
    )
    html = RENDERERS["html"](both)
    places = html[html.index('id="places-h"') : html.index('id="legend-h"')]
    pierce = places[places.index("pierce — ") :]
    lasd = places[: places.index("pierce — ")]
    assert not [w for w in CALIFORNIA if w in pierce]
    assert "Cal. Gov. Code §7283.1(b)" in lasd
    legends = html[html.index('id="legend-h"') : html.index("<h3>Kinds of finding")]
    assert legends.count("<h3>Findings under ") == 2
    assert "Findings under Washington, Keep Washington Working" in legends
    assert len(re.findall(r'id="code-HOLD_BARRED"', legends)) == 1  # ids stay unique
    doc = json.loads(RENDERERS["json"](both))
    words = {
        r["agency"]: " ".join(m["item"] + m["section"] for m in r["measures"]) for r in doc["rows"]
    }
    assert "Cal. Gov. Code" in words["lasd"] and "Cal. Gov. Code" not in words["pierce"]


def test_past_eight_series_the_bars_are_hatched_and_still_as_long_as_their_numbers() -> None:
    codes = ALL_CODES[:10]
    s = Series(
        "findings-by-month",
        "Findings, by month and code",
        ("2025-03", "2025-04"),
        tuple((c, (i + 1, 10 - i)) for i, c in enumerate(codes)),
        "findings",
    )
    chart = render(s)
    bars = _Bars()
    bars.feed(chart.svg)
    scale = {
        round(bars.size[bar_gid(s.key, si, ci)][1] / v, 3)
        for si, (_n, vs) in enumerate(s.series)
        for ci, v in enumerate(vs)
    }  # type: ignore[index]
    assert len(scale) == 1
    groups = re.findall(r'<g id="(findings-by-month-s(\d+)-c0)">(.*?)</g>', chart.svg, re.S)
    hatched = {int(si) for _gid, si, body in groups if "url(#h" in body}
    assert hatched == {8, 9}


def test_each_codes_meaning_is_the_contracts_table() -> None:
    """The legend's one line per code says what schemas/README.md says (with RE spelt out)."""
    table = (ROOT / "schemas" / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z0-9_]+)` \| (.+?) \|$", table, re.M))
    for code in ALL_CODES:
        documented = rows[code].replace("past RE", "past release eligibility").replace("*", "")
        assert MEANINGS[code] == documented, code


def test_the_markdown_header_reads_the_period_as_days() -> None:
    assert "- Period: 1 January 2025 – 30 June 2025 (UTC days)" in RENDERERS["md"](report())
