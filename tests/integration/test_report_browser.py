"""The HTML compliance report in a real browser (Debian's Chromium, headless, Playwright):
its charts render with their colours, the numbers under each chart are the ones drawn,
print media hides what paper has no use for and prints to several pages, and the API's
copy keeps its styles under the Content-Security-Policy.

Screenshots and the printed PDF are left in `.holdwatch/artifacts/report/` (git ignores
`.holdwatch/`), or in $HOLDWATCH_TEST_ARTIFACTS, for a person to look at.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from holdwatch.app.report import Period
from holdwatch.app.report_charts import series_of
from holdwatch.app.report_render import RENDERERS
from holdwatch.app.report_sources import from_lines
from holdwatch.policy.registry import resolve
from integration.api_world import TOKENS, World, world
from integration.test_page import FLAGS, _chromium

__all__ = ["world"]
ROOT = Path(__file__).resolve().parents[2]
PIERCE = ROOT / "tests" / "fixtures" / "pierce" / "pierce_hold_bookings.jsonl"
ARTIFACTS = Path(os.environ.get("HOLDWATCH_TEST_ARTIFACTS", ROOT / ".holdwatch" / "artifacts"))
#: Okabe and Ito's blue, the first series' colour, as the browser computes it
FIRST_SERIES = "rgb(0, 114, 178)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=_chromium(), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    out = ARTIFACTS / "report"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _pierce_report() -> tuple[str, dict[str, int]]:
    lines = PIERCE.read_bytes().splitlines()
    period = Period(datetime(2015, 1, 1, tzinfo=UTC), datetime(2019, 1, 1, tzinfo=UTC))
    r = from_lines(lines, resolve("wa-kww"), datetime(2018, 8, 1, tzinfo=UTC), period)
    return RENDERERS["html"](r), {s.key: s.total for s in series_of(r)}


def _charts_render(page: Page) -> list[str]:
    keys: list[str] = page.eval_on_selector_all("svg.chart", "els => els.map(e => e.dataset.chart)")
    for key in keys:
        box = page.locator(f'svg[data-chart="{key}"]').bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, (key, box)
    return keys


def test_the_apis_report_keeps_its_styles_under_the_csp(
    world: World, browser: Browser, artifacts: Path
) -> None:
    """First in the module: the world's feed runs its own event loop, before Playwright's."""
    context = browser.new_context(
        extra_http_headers={"Authorization": f"Bearer {TOKENS['oversight']}"},
        viewport={"width": 1100, "height": 900},
    )
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(world.url + "/api/v1/report?from=2000-01-01&to=2100-01-01&format=html")
    assert page.title().startswith("Immigration detainers and holds: compliance report")
    assert page.eval_on_selector("main", "e => getComputedStyle(e).maxWidth") == "960px"
    keys = _charts_render(page)
    assert "hours-past-eligibility" in keys
    fill = page.eval_on_selector(
        '[id="hours-past-eligibility-s0-c0"] path', "e => getComputedStyle(e).fill"
    )
    assert fill == FIRST_SERIES
    assert refused == []
    page.screenshot(path=str(artifacts / "report-api.png"), full_page=True)
    context.close()


def test_the_standalone_report_renders_its_charts_and_prints(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    html, totals = _pierce_report()
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert requests == [path.as_uri()]  # nothing fetched: no CDN, no font, no script
    assert _charts_render(page) == [
        "detainers-by-month",
        "hours-past-eligibility",
        "findings-by-month",
        "findings-by-facility",
    ]
    fill = page.eval_on_selector(
        '[id="detainers-by-month-s0-c0"] path', "e => getComputedStyle(e).fill"
    )
    assert fill == FIRST_SERIES
    for key, total in totals.items():  # the table under a chart adds up to what it drew
        figure = page.locator(f"#fig-{key}")
        figure.locator("summary").click()
        cells = figure.locator("table.data tbody tr td:last-child").all_inner_texts()
        assert sum(int(c) for c in cells) == total, key
    page.screenshot(path=str(artifacts / "report-screen.png"), full_page=True)
    assert (artifacts / "report-screen.png").stat().st_size > 50_000

    page.emulate_media(media="print")
    assert page.eval_on_selector("nav.toc", "e => getComputedStyle(e).display") == "none"
    assert page.eval_on_selector("details.numbers", "e => getComputedStyle(e).display") == "none"
    _charts_render(page)
    page.screenshot(path=str(artifacts / "report-print.png"), full_page=True)
    pdf = page.pdf(path=str(artifacts / "report.pdf"), format="A4", print_background=True)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type/Page") > 1
    page.close()
