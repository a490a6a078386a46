"""The report's pictures, drawn on the server as SVG (matplotlib's SVG backend; no script,
no inline style, nothing fetched): detainers by month and form, hours held past release
eligibility with and without a detainer, findings by code and month and by facility.

Each chart is built from one `Series` computed from the report's own tallies, and the same
series gives the chart's `<title>`, its `<desc>` (the numbers, in words, for a screen
reader) and the data table printed beside it; every bar is drawn with a `gid` naming its
series and category, so a test can read each bar's height back from the SVG. Text is
producers' (facility names): it reaches the SVG as `<text>` that matplotlib escapes, with
math parsing off, so `$` or `<` in a name stays a character.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from holdwatch.app.report import Report

#: Hours past release eligibility, in bins a reader can compare (the last has no end).
HOUR_BINS: tuple[tuple[float, float | None, str], ...] = (
    (0, 1, "under 1 h"),
    (1, 4, "1–4 h"),
    (4, 12, "4–12 h"),
    (12, 24, "12–24 h"),
    (24, 48, "24–48 h"),
    (48, None, "48 h or more"),
)
#: Okabe and Ito's palette: told apart with every common colour-vision deficiency.
HATCHES = ("", "//", "..", "xx")
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True, slots=True)
class Series:
    """What one chart plots: a value for each (series name, category)."""

    key: str
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]
    unit: str  # what a value counts, in words: "detainers", "holds", "findings"
    horizontal: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The categories as the chart and its table show them (months as `Mar 2025`)."""
        if self.key in ("detainers-by-month", "findings-by-month"):
            return tuple(month_label(c) for c in self.categories)
        return self.categories

    @property
    def total(self) -> int:
        return sum(sum(values) for _name, values in self.series)

    def description(self) -> str:
        """The numbers in words, category by category: the chart for a screen reader."""
        parts = []
        for i, category in enumerate(self.labels):
            counts = [f"{name} {values[i]}" for name, values in self.series if values[i]]
            parts.append(f"{category}: " + (", ".join(counts) if counts else "none"))
        return f"{self.title}. {self.total} {self.unit} in all. " + "; ".join(parts) + "."


@dataclass(frozen=True, slots=True)
class Chart:
    data: Series
    svg: str  # an inline <svg> element with role, <title> and <desc>


def _stacked(
    key: str,
    title: str,
    counts: Counter[tuple[str, str]],
    unit: str,
    horizontal: bool = False,
    categories: Sequence[str] | None = None,
) -> Series:
    """One series per name, largest first; categories in order (or as given)."""
    cats = tuple(sorted({c for c, _ in counts}) if categories is None else categories)
    totals: Counter[str] = Counter()
    for (_c, name), n in counts.items():
        totals[name] += n
    names = sorted(totals, key=lambda n: (-totals[n], n))
    series = tuple((n, tuple(counts[c, n] for c in cats)) for n in names)
    return Series(key, title, cats, series, unit, horizontal)


def months(keys: Iterable[str]) -> tuple[str, ...]:
    """Every month from the first key's to the last's (`2025-03`), gaps included: a time
    axis that skipped quiet months would hide them."""
    present = sorted(set(keys))
    if not present:
        return ()
    year, mon = map(int, present[0].split("-"))
    out = []
    while (key := f"{year:04d}-{mon:02d}") <= present[-1]:
        out.append(key)
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return tuple(out)


def month_label(key: str) -> str:
    """`2025-03` as a reader says it: `Mar 2025`."""
    year, mon = map(int, key.split("-"))
    return f"{_MONTHS[mon - 1][:3]} {year}"


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def series_of(report: Report) -> tuple[Series, ...]:
    """The charts' data, from the report's rows: the same numbers its tables count."""
    by_month: Counter[tuple[str, str]] = Counter()
    findings: Counter[tuple[str, str]] = Counter()
    facilities: Counter[tuple[str, str]] = Counter()
    hours: dict[str, list[float]] = {"with a detainer": [], "no detainer": []}
    for (agency, facility), t in sorted(report.rows.items()):
        by_month.update(t.detainers_by_month)
        findings.update(t.findings_by_month)
        for code, n in t.findings_by_code.items():
            facilities[f"{agency} — {facility}", code] += n
        for p in t.past_eligibility:
            hours["with a detainer" if p.detainer else "no detainer"].append(p.hours)
    binned = tuple(
        (name, tuple(sum(1 for h in values if _in_bin(h, lo, hi)) for lo, hi, _ in HOUR_BINS))
        for name, values in hours.items()
    )
    detainer_months = months(m for m, _ in by_month)
    finding_months = months(m for m, _ in findings)
    return (
        _stacked(
            "detainers-by-month",
            "Detainers received, by month and form",
            by_month,
            "detainers",
            categories=detainer_months,
        ),
        Series(
            "hours-past-eligibility",
            "Custody past release eligibility, by hours held",
            tuple(label for _lo, _hi, label in HOUR_BINS),
            binned,
            "custodies past release eligibility",
        ),
        _stacked(
            "findings-by-month",
            "Findings, by month and code",
            findings,
            "findings",
            categories=finding_months,
        ),
        _stacked(
            "findings-by-facility", "Findings, by facility and code", facilities, "findings", True
        ),
    )


def _in_bin(h: float, lo: float, hi: float | None) -> bool:
    return lo <= h and (hi is None or h < hi)


def bar_gid(key: str, series: int, category: int) -> str:
    """The id of one bar in a chart's SVG: chart, series index, category index."""
    return f"{key}-s{series}-c{category}"


def render(s: Series) -> Chart:
    """The chart as an inline SVG element; an empty series draws nothing (None-like '')."""
    from matplotlib import rc_context  # noqa: PLC0415 (a second to import: only when drawn)
    from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    with rc_context(
        {
            "svg.fonttype": "none",  # text as <text>, escaped, not as paths
            "svg.hashsalt": "holdwatch-report",  # the same ids in every run
            "text.parse_math": False,
            "font.family": "sans-serif",
            "font.size": 9,
        }
    ):
        rows = max(len(s.categories), 1)
        size = (7.5, 0.4 * rows + 1.4) if s.horizontal else (7.5, 3.2)
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        _draw(ax, s)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return Chart(s, _accessible(buf.getvalue(), s))


def _draw(ax: object, s: Series) -> None:
    from matplotlib.axes import Axes  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    assert isinstance(ax, Axes)
    positions = list(range(len(s.categories)))
    grouped = s.key == "hours-past-eligibility"
    width = 0.8 / max(len(s.series), 1) if grouped else 0.7
    base = [0] * len(positions)
    for si, (name, values) in enumerate(s.series):
        # past the palette's eight colours, hatched: no two series look alike
        color = PALETTE[si % len(PALETTE)]
        hatch = HATCHES[(si // len(PALETTE)) % len(HATCHES)] or None
        if grouped:
            at = [p - 0.4 + width * (si + 0.5) for p in positions]
            bars = ax.bar(at, values, width, label=name, color=color, hatch=hatch)
        elif s.horizontal:
            bars = ax.barh(positions, values, 0.7, left=base, label=name, color=color, hatch=hatch)
        else:
            bars = ax.bar(
                positions, values, width, bottom=base, label=name, color=color, hatch=hatch
            )
        for ci, bar in enumerate(bars):
            bar.set_gid(bar_gid(s.key, si, ci))
        if not grouped:
            base = [b + v for b, v in zip(base, values, strict=True)]
    labels = list(s.labels)
    if not s.horizontal and len(positions) < 6:  # a month or two: bars of a usual width
        pad = (6 - len(positions)) / 2
        ax.set_xlim(-0.5 - pad, len(positions) - 0.5 + pad)
    if s.horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlabel(s.unit)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        crowded = len(labels) > 6
        ax.set_xticks(positions, labels, rotation=45 if crowded else 0)
        if crowded:
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
        ax.set_ylabel("custodies" if s.key == "hours-past-eligibility" else s.unit)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    if s.series:  # below the plot: never over a bar
        longest = max(len(name) for name, _values in s.series)
        columns = max(1, min(len(s.series), 4, 96 // (longest + 6)))  # within the width
        ax.figure.legend(loc="outside lower center", ncols=columns, frameon=False, fontsize=8)


_HEAD = re.compile(r"\A.*?(?=<svg)", re.S)
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
#: The CSS properties matplotlib writes that are also SVG presentation attributes.
PRESENTATION = frozenset(
    {
        "fill", "fill-opacity", "opacity", "stroke", "stroke-width", "stroke-opacity",
        "stroke-linejoin", "stroke-linecap", "stroke-dasharray", "stroke-dashoffset",
        "stroke-miterlimit", "font-size", "font-family", "font-style", "font-weight",
        "text-anchor", "clip-path",
    }
)  # fmt: skip


def _attributes(match: re.Match[str]) -> str:
    """`style="fill: #fff; stroke: none"` as `fill="#fff" stroke="none"`: presentation
    attributes, which a Content-Security-Policy without 'unsafe-inline' still applies."""
    out = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name in PRESENTATION and value:
            out.append(f' {name}="{escape(value, quote=True)}"')
    return "".join(out)


def _accessible(svg: str, s: Series) -> str:
    """matplotlib's document as an element to inline: no XML prolog or DOCTYPE, sized by
    CSS, a role, and the chart's title and numbers as its first children."""
    body = _STYLE_ATTRIBUTE.sub(_attributes, _STYLE_ELEMENT.sub("", _HEAD.sub("", svg, count=1)))
    title_id, desc_id = f"{s.key}-title", f"{s.key}-desc"
    opening = body[: body.index(">") + 1]
    tag = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    tag = tag.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{title_id} {desc_id}" class="chart" '
        f'data-chart="{escape(s.key)}" stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
    head = (
        f'<title id="{title_id}">{escape(s.title)}</title>'
        f'<desc id="{desc_id}">{escape(s.description())}</desc>'
    )
    return tag + head + body[len(opening) :]


def charts(report: Report, wanted: Sequence[str] | None = None) -> tuple[Chart, ...]:
    """Every chart that has something to show (a chart of nothing is left out)."""
    return tuple(
        render(s) for s in series_of(report) if s.total and (wanted is None or s.key in wanted)
    )
