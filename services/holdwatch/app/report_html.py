"""The compliance report as an HTML document for oversight: styled for screen and print,
charts drawn on the server (report_charts.py), every code and category explained in words
from the law data (report_law.py), dates and durations as a reader says them.

One Jinja2 template (package data, autoescape on) renders a view built here from the
report: everything producers wrote (facility names, recorded legal bases) reaches it as
text and is escaped; the only markup passed through is the charts' SVG, which matplotlib
wrote with its text escaped. Counts only, as every format of the report: the analysts'
appendix is a separate document (`--detail holds`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from holdwatch.app.readable import days, duration, instant
from holdwatch.app.report import Report, Tally
from holdwatch.app.report_charts import Chart, charts
from holdwatch.app.report_law import (
    KINDS,
    VOCABULARIES,
    CodeEntry,
    code_entries,
    form_words,
    item_words,
)
from holdwatch.app.report_render import labels_for, measures, scope_lines
from holdwatch.policy.core.rulebook import Rulebook

_HOURS = ("holds.total_hours", "holds.median_hours", "no_detainer.total_hours",
          "no_detainer.median_hours")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Line:
    item: str  # in words
    code: str  # the raw value, when the words differ from it
    value: str
    note: str = ""  # the value in words (hours as `2 h 30 min`)


@dataclass(frozen=True, slots=True)
class Group:
    section: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Place:
    agency: str
    facility: str
    law: str
    groups: tuple[Group, ...]


@dataclass(frozen=True, slots=True)
class LawLegend:
    law: str
    codes: tuple[CodeEntry, ...]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    title: str
    terms: tuple[tuple[str, str], ...]  # (value, words)


@dataclass(frozen=True, slots=True)
class View:
    title: str
    period: str
    as_of: str
    laws: tuple[str, ...]
    summary: tuple[tuple[str, str], ...]
    charts: tuple[Chart, ...]
    places: tuple[Place, ...]
    legends: tuple[LawLegend, ...]
    kinds: tuple[tuple[str, str], ...]
    vocabularies: tuple[Vocabulary, ...]
    scope: tuple[tuple[str, str], ...]
    appendix_rows: int
    appendix_command: str
    appendix_url: str


def _command(r: Report, start: str, end: str) -> str:
    """The command that lists this report's holds (a history file's report: on that file)."""
    source = (
        " --events FILE --profile " + r.profile.split("@")[0]
        if r.scope.source == "history file"
        else ""
    )
    return f"holdwatch report --from {start} --to {end}{source} --format csv --detail holds"


def _line(key: str, item: str, value: str) -> Line:
    words = item_words(key, item)
    note = duration(float(value)) if key in _HOURS and value != "—" else ""
    return Line(words, item if words != item else "", value, note)


def _place(r: Report, agency: str, facility: str, t: Tally) -> Place:
    groups: dict[str, list[Line]] = {}
    for m in measures(t, labels_for(r, agency)):
        groups.setdefault(m.section, []).append(_line(m.key, m.item, m.value))
    law = _law_name(r, r.rulebook(agency))
    return Place(
        agency, facility, law, tuple(Group(s, tuple(lines)) for s, lines in groups.items())
    )


def _summary(r: Report) -> tuple[tuple[str, str], ...]:
    rows = list(r.rows.values())
    hours = [h for t in rows for h in t.hold_hours]
    findings: Counter[str] = Counter()
    for t in rows:
        findings.update(t.findings_by_code)
    return (
        ("Bookings in the period", str(sum(t.bookings for t in rows))),
        ("Detainers received", str(sum(t.detainers for t in rows))),
        ("Holds past release eligibility on a detainer", str(len(hours))),
        ("Time held past release eligibility on a detainer", duration(sum(hours))),
        (
            "Holds an unlawful-hold finding names",
            str(sum(t.holds_with_unlawful_finding for t in rows)),
        ),
        ("Findings", str(sum(findings.values()))),
    )


def _law_name(r: Report, rulebook: Rulebook | None) -> str:
    return f"{rulebook.profile.title} ({rulebook.label})" if rulebook else r.profile


def _legends(r: Report) -> tuple[LawLegend, ...]:
    """For each law that judged a row, the codes its rows show, explained by its duties."""
    groups: dict[str, tuple[Rulebook | None, set[str]]] = {}
    for (agency, _facility), t in r.rows.items():
        rulebook = r.rulebook(agency)
        groups.setdefault(_law_name(r, rulebook), (rulebook, set()))[1].update(t.findings_by_code)
    start, end = r.period.start.date(), r.period.end.date()
    return tuple(
        LawLegend(name, code_entries(codes, rulebook, start, end))
        for name, (rulebook, codes) in groups.items()
        if codes
    )


def _vocabularies(r: Report) -> tuple[Vocabulary, ...]:
    out = []
    for key, title, _words, _literal in VOCABULARIES:
        seen: set[str] = set()
        for t in r.rows.values():
            seen.update(getattr(t, key))
        if seen:
            terms = tuple(
                (v, form_words(v) if key == "detainers_by_form" else item_words(key, v))
                for v in sorted(seen)
            )
            out.append(Vocabulary(title, terms))
    return tuple(out)


def view(r: Report) -> View:
    laws = tuple(dict.fromkeys(p.law for p in _places(r))) or (r.profile,)
    appendix = sum(len(t.past_eligibility) for t in r.rows.values())
    start, end = r.period.start.date().isoformat(), r.period.end.date().isoformat()
    return View(
        title="Immigration detainers and holds: compliance report",
        period=days(r.period.start, r.period.end),
        as_of=instant(r.as_of) if r.as_of else "",
        laws=laws,
        summary=_summary(r),
        charts=charts(r),
        places=_places(r),
        legends=_legends(r),
        kinds=tuple(KINDS.items()),
        vocabularies=_vocabularies(r),
        scope=tuple(scope_lines(r)),
        appendix_rows=appendix,
        appendix_command=_command(r, start, end),
        appendix_url=f"/api/v1/report?from={start}&to={end}&format=csv&detail=holds",
    )


def _places(r: Report) -> tuple[Place, ...]:
    return tuple(_place(r, a, f, t) for (a, f), t in sorted(r.rows.items()))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("holdwatch.app", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def stylesheet() -> str:
    """The report's CSS (package data), inlined in a standalone document."""
    return (resources.files("holdwatch.app") / "templates" / "report.css").read_text("utf-8")


def document(r: Report, css_href: str | None = None) -> str:
    """The whole report as one HTML document: standalone, its CSS inline and nothing
    fetched; or, served under a Content-Security-Policy without inline style, linking
    its CSS at `css_href`."""
    v = view(r)
    svgs = {c.data.key: Markup(c.svg) for c in v.charts}  # noqa: S704 (matplotlib's, escaped)
    css = Markup(stylesheet())  # noqa: S704 (our own file, raw text inside <style>)
    template = _environment().get_template("report.html.j2")
    return template.render(v=v, svgs=svgs, css=css, css_href=css_href)
