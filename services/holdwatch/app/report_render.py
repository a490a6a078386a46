"""The compliance report as Markdown (to read and publish), CSV (one row per agency,
facility and measure, for spreadsheets), HTML (the oversight document, report_html.py) and
JSON (the API's document). Each measure has a stable key and words from the law of the
profile that judged its agency (report_law.py), so no state's report borrows another's.

Facility names, agency ids and recorded legal bases are producers' text, so every cell is
made inert for where it goes: HTML-escaped (HTML, and Markdown, which passes HTML
through), Markdown's own syntax escaped, and CSV cells that a spreadsheet would run as a
formula prefixed with a quote, every field quoted (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from pydantic import TypeAdapter

from holdwatch.app.readable import days
from holdwatch.app.report import Report, Tally
from holdwatch.app.report_law import Labels

NEUTRAL = Labels()

#: (attribute, stable key, neutral title); the law-dependent titles come from `Labels`.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("detainers_by_form", "Detainers received, by form"),
    ("detainers_by_warrant", "Detainers received, by attached warrant"),
    ("detainers_by_basis", "Detainers received, by probable-cause basis"),
    ("transfers_by_basis", "Transfers to ICE or CBP, by recorded legal basis"),
    ("notifications_by_information", "Information given to ICE, by kind"),
    ("notifications_by_request", "Information given to ICE, asked for or not"),
    ("truth_notices", "Notices given to the person, by kind"),
    ("citizenship_claims", "Citizenship or lawful-status claims"),
    ("findings_by_code", "Findings, by code"),
)
HOLDS = "Holds past release eligibility on a detainer"
NO_DETAINER = "Custody past release eligibility without a detainer"


class Measure(NamedTuple):
    """One number of a row: a stable `key` for machines, words for people."""

    key: str
    section: str
    item: str
    value: str


def _hours(values: list[float]) -> tuple[str, str]:
    total = f"{round(sum(values), 1)}"
    median = "—" if not values else f"{round(statistics.median(values), 1)}"
    return total, median


def measures(t: Tally, labels: Labels = NEUTRAL) -> Iterator[Measure]:
    """Every number in a row, worded by the row's law (`labels`; neutral by default)."""
    yield Measure("bookings", "Bookings", "booked in the period", str(t.bookings))
    yield Measure("detainers.received", "Detainers", "received", str(t.detainers))
    yield Measure("detainers.copy_given", "Detainers", labels.copy_item, str(t.truth_copies_given))
    yield Measure("holds.count", HOLDS, "count", str(len(t.hold_hours)))
    yield Measure("holds.total_hours", HOLDS, "total hours", f"{t.hold_total_hours}")
    median = "—" if t.hold_median_hours is None else f"{t.hold_median_hours}"
    yield Measure("holds.median_hours", HOLDS, "median hours", median)
    yield Measure("holds.unlawful_findings", HOLDS, "unlawful (findings)", str(t.unlawful_holds))
    yield Measure(
        "holds.with_unlawful_finding",
        HOLDS,
        "holds an unlawful-hold finding names",
        str(t.holds_with_unlawful_finding),
    )
    free = t.no_detainer_hours
    total, median = _hours(free)
    yield Measure("no_detainer.count", NO_DETAINER, "count", str(len(free)))
    yield Measure("no_detainer.total_hours", NO_DETAINER, "total hours", total)
    yield Measure("no_detainer.median_hours", NO_DETAINER, "median hours", median)
    titles = {
        "transfers_by_basis": labels.transfers_section,
        "truth_notices": labels.notices_section,
    }
    for attr, title in SECTIONS:
        counts: Counter[str] = getattr(t, attr)
        for item, n in sorted(counts.items()):
            yield Measure(attr, titles.get(attr, title), item, str(n))


def labels_for(r: Report, agency: str) -> Labels:
    """The words of an agency's rows: from the law of the profile that judged it."""
    return Labels.of(r.rulebook(agency), r.period.start.date(), r.period.end.date())


def _header(r: Report) -> list[str]:
    return [f"Period: {days(r.period.start, r.period.end)} (UTC days)", f"Policy: {r.profile}"]


def scope_lines(r: Report) -> list[tuple[str, str]]:
    s = r.scope
    order = "not measured" if s.out_of_order_events is None else str(s.out_of_order_events)
    late = "not measured" if s.late_events is None else str(s.late_events)
    letters = ", ".join(f"{k}: {v}" for k, v in sorted(s.dead_letters.items())) or "none"
    return [
        ("Source", s.source),
        ("Bookings seen", str(s.bookings)),
        ("Events seen", str(s.events)),
        ("Events that arrived out of order", order),
        ("Events that arrived late", late),
        ("Dead-lettered events", letters),
        *(("Note", n) for n in s.notes),
    ]


#: Markdown's inline syntax (and the backslash that escapes it); `#` would close a heading.
#: HTML (`<`, `&`) is escaped as entities first, which contain none of these. An underscore
#: between two letters or digits cannot emphasise (CommonMark), so `HOLD_BARRED` stays.
_MARKDOWN = re.compile(r"([\\`*\[\]|~#!]|(?<![^\W_])_|_(?![^\W_]))")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md(text: str) -> str:
    """Text as one inert Markdown table cell or heading: no HTML, link, code or pipe."""
    flat = _LINE_BREAKS.sub(" ", text)
    return _MARKDOWN.sub(r"\\\1", html.escape(flat, quote=False))


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(md(c) for c in cells) + " |"


def markdown(r: Report) -> str:
    out = ["# holdwatch compliance report", "", *(f"- {md(h)}" for h in _header(r)), ""]
    for (agency, facility), t in sorted(r.rows.items()):
        out += [f"## {md(agency)} — {md(facility)}", ""]
        out += ["| measure | item | count |", "|---|---|---|"]
        out += [_md_row(m[1:]) for m in measures(t, labels_for(r, agency))]
        out.append("")
    out += ["## Scope and data fidelity", "", "| | |", "|---|---|"]
    out += [_md_row(line) for line in scope_lines(r)]
    return "\n".join(out) + "\n"


#: What makes a spreadsheet read a cell as a formula (OWASP): = + - @, tab, carriage
#: return, and their full-width forms, which some spreadsheets fold to the same.
_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a formula's first character behind a quote."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(r: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(["agency", "facility", "measure", "item", "value"])
    for (agency, facility), t in sorted(r.rows.items()):
        for m in measures(t, labels_for(r, agency)):
            w.writerow([csv_cell(c) for c in (agency, facility, m.section, m.item, m.value)])
    for k, v in scope_lines(r):
        w.writerow([csv_cell(c) for c in ("", "", "Scope and data fidelity", k, v)])
    return buf.getvalue()


def html_page(r: Report) -> str:
    """The report as a document for screen and print, with charts (report_html.py)."""
    from holdwatch.app.report_html import document  # noqa: PLC0415 (matplotlib: slow import)

    return document(r)


_INSTANT: TypeAdapter[datetime] = TypeAdapter(datetime)


def json_text(r: Report) -> str:
    """The shape of the API's JSON report (`/api/v1/report?format=json`)."""
    doc = {
        "start": _INSTANT.dump_python(r.period.start, mode="json"),
        "end": _INSTANT.dump_python(r.period.end, mode="json"),
        "policy": r.profile,
        "rows": [
            {
                "agency": agency,
                "facility": facility,
                "measures": [m._asdict() for m in measures(t, labels_for(r, agency))],
            }
            for (agency, facility), t in sorted(r.rows.items())
        ],
        "scope": [{"section": "scope", "item": k, "value": v} for k, v in scope_lines(r)],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": markdown, "csv": csv_text, "html": html_page, "json": json_text}
