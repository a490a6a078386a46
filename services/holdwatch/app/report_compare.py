"""What-if for the compliance report: each measure under profile A, under B, and B − A.

Both reports count the same history over the same period, so the facts (bookings,
detainers, hours held) agree and the differences are in what the law makes of them: the
unlawful holds and the findings by code. Every measure either report has is listed, with
0 where the other has none; a median only one side has gives no difference ("—").
Rendered like the report itself (report_render.py), cells inert in every format.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from holdwatch.app.readable import days
from holdwatch.app.report import Period, Report, Scope, Tally
from holdwatch.app.report_render import SECTIONS, csv_cell, md, measures, scope_lines

NONE = "—"
_COUNTED_ORDER = [title for _, title in SECTIONS]
_COUNTED = frozenset(title for _, title in SECTIONS)
#: The report's sections in its order: the fixed measures (all an empty row has), then counts.
_RANK = {
    s: n
    for n, s in enumerate(dict.fromkeys([*(m.section for m in measures(Tally())), *_COUNTED_ORDER]))
}


@dataclass(frozen=True, slots=True)
class MeasureDiff:
    section: str
    item: str
    a: str
    b: str
    key: str = ""  # the measure's stable name, as the plain report's JSON gives it

    @property
    def delta(self) -> str:
        """B − A with its sign (`+2`, `-1.5`, `0`); `—` when either side has no number."""
        if NONE in (self.a, self.b):
            return NONE
        if "." in self.a or "." in self.b:
            d = round(float(self.b) - float(self.a), 1)
            return "0" if d == 0 else f"{d:+}"
        n = int(self.b) - int(self.a)
        return "0" if n == 0 else f"{n:+d}"


@dataclass(frozen=True, slots=True)
class ReportComparison:
    period: Period
    profile_a: str
    profile_b: str
    rows: dict[tuple[str, str], tuple[MeasureDiff, ...]]
    scope: Scope


def _merged(a: Tally, b: Tally) -> tuple[MeasureDiff, ...]:
    """Every measure of either side, in the report's order; 0 where one side lacks it."""
    values_a = {(m.section, m.item): m.value for m in measures(a)}  # neutral words: two laws
    values_b = {(m.section, m.item): m.value for m in measures(b)}
    names = {(m.section, m.item): m.key for side in (a, b) for m in measures(side)}
    keys = list(dict.fromkeys([*values_a, *values_b]))
    # fixed measures keep their order (a stable sort); counted items sort by name, as there
    keys.sort(key=lambda k: (_RANK[k[0]], k[1] if k[0] in _COUNTED else ""))
    return tuple(
        MeasureDiff(s, i, values_a.get((s, i), "0"), values_b.get((s, i), "0"), names[s, i])
        for s, i in keys
    )


def compare_reports(a: Report, b: Report) -> ReportComparison:
    """The same history's report under two profiles, measure by measure."""
    keys = sorted({*a.rows, *b.rows})
    rows = {k: _merged(a.rows.get(k, Tally()), b.rows.get(k, Tally())) for k in keys}
    return ReportComparison(a.period, a.profile, b.profile, rows, a.scope)


def _header(c: ReportComparison) -> list[str]:
    return [
        f"Period: {days(c.period.start, c.period.end)} (UTC days)",
        f"Policy A: {c.profile_a}",
        f"Policy B: {c.profile_b}",
    ]


def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(md(c) for c in cells) + " |"


def _cells(m: MeasureDiff) -> tuple[str, str, str, str, str]:
    return (m.section, m.item, m.a, m.b, m.delta)


def markdown(c: ReportComparison) -> str:
    out = ["# holdwatch compliance report: what-if", "", *(f"- {md(h)}" for h in _header(c)), ""]
    for (agency, facility), diffs in c.rows.items():
        out += [f"## {md(agency)} — {md(facility)}", ""]
        out += ["| measure | item | A | B | B − A |", "|---|---|---|---|---|"]
        out += [_md_row(_cells(m)) for m in diffs]
        out.append("")
    out += ["## Scope and data fidelity", "", "| | |", "|---|---|"]
    out += [_md_row(line) for line in _scope(c)]
    return "\n".join(out) + "\n"


def _scope(c: ReportComparison) -> list[tuple[str, str]]:
    return scope_lines(Report(c.period, c.profile_a, {}, c.scope))


def _csv_number(delta: str) -> str:
    """The difference as a spreadsheet number (`-1`, not `'-1`): holdwatch's own arithmetic,
    never producers' text, so it needs no formula guard, and `+` is dropped."""
    return delta.removeprefix("+")


def csv_text(c: ReportComparison) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(["agency", "facility", "measure", "item", "a", "b", "b_minus_a"])
    for (agency, facility), diffs in c.rows.items():
        for m in diffs:
            cells = [csv_cell(x) for x in (agency, facility, m.section, m.item, m.a, m.b)]
            w.writerow([*cells, _csv_number(m.delta)])
    for k, v in _scope(c):
        w.writerow([csv_cell(x) for x in ("", "", "Scope and data fidelity", k, v, v, "")])
    return buf.getvalue()


def html_page(c: ReportComparison) -> str:
    e = html.escape
    title = "holdwatch compliance report: what-if"
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"]
    parts.append(f"<h1>{title}</h1>")
    parts += [f"<p>{e(h)}</p>" for h in _header(c)]
    for (agency, facility), diffs in c.rows.items():
        rows = "".join(
            "<tr>" + "".join(f"<td>{e(x)}</td>" for x in _cells(m)) + "</tr>" for m in diffs
        )
        parts.append(
            f"<h2>{e(agency)} — {e(facility)}</h2><table><tr><th>measure</th><th>item</th>"
            f"<th>A</th><th>B</th><th>B − A</th></tr>{rows}</table>"
        )
    scope = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _scope(c))
    parts.append(f"<h2>Scope and data fidelity</h2><table>{scope}</table>")
    return "".join(parts)


_INSTANT: TypeAdapter[datetime] = TypeAdapter(datetime)


def json_text(c: ReportComparison) -> str:
    """As the API's JSON report, with `a`, `b` and `b_minus_a` for each measure's value."""
    doc: dict[str, Any] = {
        "start": _INSTANT.dump_python(c.period.start, mode="json"),
        "end": _INSTANT.dump_python(c.period.end, mode="json"),
        "policy_a": c.profile_a,
        "policy_b": c.profile_b,
        "rows": [
            {
                "agency": agency,
                "facility": facility,
                "measures": [
                    {
                        "key": m.key,
                        "section": m.section,
                        "item": m.item,
                        "a": m.a,
                        "b": m.b,
                        "b_minus_a": m.delta,
                    }
                    for m in diffs
                ],
            }
            for (agency, facility), diffs in c.rows.items()
        ],
        "scope": [{"section": "scope", "item": k, "value": v} for k, v in _scope(c)],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": markdown, "csv": csv_text, "html": html_page, "json": json_text}
