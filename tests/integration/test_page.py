"""The defenders' page in a real browser: Debian's Chromium, headless, driven by Playwright.

Signs in with a token, sees the Pierce County hold with its explanation and a running
countdown, acknowledges it, and leaves a screenshot. Chromium is installed by
deploy/tools/ensure-chromium.sh when it is missing (as root, as on CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, World, world

__all__ = ["world"]

ROOT = Path(__file__).resolve().parents[2]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None and (os.geteuid() == 0 or os.environ.get("CI")):
        subprocess.run(["bash", str(ROOT / "deploy/tools/ensure-chromium.sh")], check=True)
        found = shutil.which("chromium")
    if found is None:
        pytest.fail("Debian's chromium is needed: run deploy/tools/ensure-chromium.sh as root")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Playwright gives each launch a new empty profile of its own."""
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=_chromium(), args=FLAGS)
        yield launched
        launched.close()


def test_a_defender_signs_in_sees_the_hold_and_acknowledges_it(
    world: World, browser: Browser, tmp_path: Path
) -> None:
    page = browser.new_page()
    page.goto(world.url + "/")
    page.fill("#token", TOKENS["defender"])
    page.click("#login")
    page.wait_for_url("**/findings")
    finding = page.locator(f"#f-{world.hold_finding}")
    card = page.locator(".card", has=finding)
    assert "HOLD_OVER_WINDOW" in finding.locator("h4").inner_text()
    assert "pierce / AP1" in card.inner_text()
    assert "Test Person" in card.locator("h3").inner_text()  # a defender sees the name
    assert "kcso" not in page.content()  # another agency's booking is not shown
    countdown = card.locator(".countdown")
    first = countdown.inner_text()
    assert first.startswith("overdue by ")  # the hold passed its deadline two hours ago
    page.wait_for_function(
        "([el, t]) => el.textContent !== t", arg=[countdown.element_handle(), first]
    )  # it ticks
    page.screenshot(path=str(tmp_path / "findings.png"), full_page=True)

    finding.locator("input[name=note]").fill("called the jail's records unit")
    finding.locator("button.ack").click()
    acked = page.locator(f"#f-{world.hold_finding} .acked")
    acked.wait_for()  # put in place by the page's script, without a reload
    assert "called the jail's records unit" in acked.inner_text()
    assert "defender-1" in acked.inner_text()
    shot = tmp_path / "acknowledged.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    api: Any = world.get("/api/v1/findings", code="HOLD_OVER_WINDOW").json()
    assert api[0]["acknowledgement"]["by"] == "defender-1"
    page.close()


def test_a_bad_token_is_refused_and_oversight_cannot_acknowledge(
    world: World, browser: Browser
) -> None:
    page = browser.new_page()
    page.goto(world.url + "/")
    page.fill("#token", "not-a-token")
    page.click("#login")
    assert "That token is not valid." in page.content()
    page.fill("#token", TOKENS["oversight"])
    page.click("#login")
    page.wait_for_url("**/findings")
    assert page.locator(".card").count() >= 2  # every agency
    assert page.locator("button.ack").count() == 0
    assert "Test Person" not in page.content()  # oversight sees the pseudonym
    assert "P-AP1" in page.content()
    page.close()
