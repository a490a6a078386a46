"""The compliance report as Markdown (to read and publish), CSV (one row per agency,
facility and measure, for spreadsheets), HTML (a page the API serves) and JSON (as the API's).

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
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

from pydantic import TypeAdapter

from holdwatch.app.report import Report, Tally

SECTIONS: tuple[tuple[str, str], ...] = (
    ("detainers_by_form", "Detainers received, by form"),
    ("detainers_by_warrant", "Detainers received, by attached warrant"),
    ("detainers_by_basis", "Detainers received, by probable-cause basis"),
    ("transfers_by_basis", "Transfers to ICE or CBP, by recorded legal basis (§7284.6(c)(2))"),
    ("notifications_by_information", "Information given to ICE, by kind"),
    ("notifications_by_request", "Information given to ICE, asked for or not"),
    ("truth_notices", "TRUTH Act notices given, by kind"),
    ("citizenship_claims", "Citizenship or lawful-status claims"),
    ("findings_by_code", "Findings, by code"),
)


def measures(t: Tally) -> Iterator[tuple[str, str, str]]:
    """(section, item, value) for every number in a row."""
    yield "Bookings", "booked in the period", str(t.bookings)
    yield "Detainers", "received", str(t.detainers)
    yield "Detainers", "copy given to the person (TRUTH Act)", str(t.truth_copies_given)
    yield "Holds past release eligibility on a detainer", "count", str(len(t.hold_hours))
    yield "Holds past release eligibility on a detainer", "total hours", f"{t.hold_total_hours}"
    median = "—" if t.hold_median_hours is None else f"{t.hold_median_hours}"
    yield "Holds past release eligibility on a detainer", "median hours", median
    yield (
        "Holds past release eligibility on a detainer",
        "unlawful (findings)",
        str(t.unlawful_holds),
    )
    for attr, title in SECTIONS:
        counts: Counter[str] = getattr(t, attr)
        for item, n in sorted(counts.items()):
            yield title, item, str(n)


def _header(r: Report) -> list[str]:
    p = r.period
    return [
        f"Period: {p.start.isoformat()} to {p.end.isoformat()} (end excluded)",
        f"Policy: {r.profile}",
    ]


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
        out += [_md_row(m) for m in measures(t)]
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
        for section, item, value in measures(t):
            w.writerow([csv_cell(c) for c in (agency, facility, section, item, value)])
    for k, v in scope_lines(r):
        w.writerow([csv_cell(c) for c in ("", "", "Scope and data fidelity", k, v)])
    return buf.getvalue()


def html_page(r: Report) -> str:
    e = html.escape
    parts = ["<!doctype html><html lang=en><meta charset=utf-8>"]
    parts.append("<title>holdwatch compliance report</title><h1>holdwatch compliance report</h1>")
    parts += [f"<p>{e(h)}</p>" for h in _header(r)]
    for (agency, facility), t in sorted(r.rows.items()):
        rows = "".join(
            f"<tr><td>{e(s)}</td><td>{e(i)}</td><td>{e(v)}</td></tr>" for s, i, v in measures(t)
        )
        parts.append(
            f"<h2>{e(agency)} — {e(facility)}</h2><table><tr><th>measure</th><th>item</th>"
            f"<th>count</th></tr>{rows}</table>"
        )
    scope = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in scope_lines(r))
    parts.append(f"<h2>Scope and data fidelity</h2><table>{scope}</table>")
    return "".join(parts)


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
                "measures": [{"section": s, "item": i, "value": v} for s, i, v in measures(t)],
            }
            for (agency, facility), t in sorted(r.rows.items())
        ],
        "scope": [{"section": "scope", "item": k, "value": v} for k, v in scope_lines(r)],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": markdown, "csv": csv_text, "html": html_page, "json": json_text}
