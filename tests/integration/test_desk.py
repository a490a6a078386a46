"""The triage desk and the case file in a real browser (Debian's Chromium, headless, driven
by Playwright) on a seeded history judged by the real monitor, with the real API on Redis.

Screenshots and the case file's PDF are left in test-artifacts/desk/ (not committed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from holdwatch.entrypoints.security import SHUTDOWN_GRACE_S
from integration.api_world import api_process
from integration.desk_world import TOKENS, DeskWorld, desk_world
from integration.test_page import browser

__all__ = ["browser", "desk_world"]

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def artifacts() -> Path:
    out = ROOT / "test-artifacts" / "desk"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def signed_in(browser: Browser, desk_world: DeskWorld) -> Iterator[Any]:
    pages: list[Page] = []

    def sign_in(role: str = "defender", **context: Any) -> Page:
        page = browser.new_context(**context).new_page()
        page.goto(desk_world.url + "/")
        page.fill("#token", TOKENS[role])
        page.click("#login")
        page.wait_for_url("**/findings")
        pages.append(page)
        return page

    yield sign_in
    for page in pages:
        page.context.close()


#: the seeded bookings; tests that add one while a page is open add others, which every
#: other test leaves out of what it counts, so the tests do not depend on their order
SEEDED = {
    "{pierce/P-LONG}",
    "{pierce/P-SHORT}",
    "{pierce/P-WAIT}",
    "{king/K-SOON}",
    "{king/K-LATER}",
    "{yakima/Y-1}",
}


def all_tags(page: Page) -> list[str]:
    return page.locator(".card").evaluate_all("cs => cs.map(c => c.dataset.tag)")


def tags(page: Page) -> list[str]:
    """The seeded bookings' cards, in the page's order."""
    return [t for t in all_tags(page) if t in SEEDED]


def card(page: Page, tag: str) -> Any:
    return page.locator(f'.card[data-tag="{tag}"]')


def serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands."""
    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_the_person_held_unlawfully_longest_is_the_first_card(
    signed_in: Any, artifacts: Path
) -> None:
    page = signed_in()
    assert tags(page) == [
        "{pierce/P-LONG}",  # held unlawfully for 30 h
        "{pierce/P-SHORT}",  # for 5 h
        "{king/K-SOON}",  # a running hold, 8 h left
        "{king/K-LATER}",  # 38 h left
        "{pierce/P-WAIT}",  # a detainer, no hold running: an advisory only
    ]  # and no card of Yakima's, which this token does not reach
    first = card(page, "{pierce/P-LONG}")
    assert "Held unlawfully now" in first.inner_text()
    assert "Name Of P-LONG" in first.locator("h3").inner_text()  # the defender's client
    assert "HOLD_BARRED" in first.locator(".findings").first.inner_text()
    assert first.locator("a.case").get_attribute("href") == "/bookings/pierce/P-LONG"
    page.screenshot(path=str(artifacts / "desk-defender.png"), full_page=True)


def test_countdowns_appear_only_where_there_is_a_deadline(signed_in: Any) -> None:
    page = signed_in()
    page.wait_for_function("document.querySelector('.countdown').textContent !== ''")
    overdue = card(page, "{pierce/P-LONG}").locator(".countdown").inner_text()
    assert overdue.startswith(("overdue by 30 h", "overdue by 29 h")), overdue
    ahead = card(page, "{king/K-SOON}").locator(".countdown")
    first = ahead.inner_text()
    assert first.startswith(("7 h", "8 h")) and first.endswith(" left"), first
    page.wait_for_function(
        "([el, t]) => el.textContent !== t", arg=[ahead.element_handle(), first]
    )  # it ticks
    waiting = card(page, "{pierce/P-WAIT}")
    assert waiting.locator(".countdown").count() == 0
    assert "overdue" not in waiting.inner_text()
    assert "Since" in waiting.locator(".state").inner_text()
    counting = [t for t in tags(page) if card(page, t).locator(".countdown").count()]
    assert len(counting) == 4  # two overdue holds, two running
    # advisories and information are folded under their booking
    folded = waiting.locator("details.folded")
    assert "NO_JUDICIAL_WARRANT" in folded.locator("summary").inner_text()
    assert not folded.locator(".finding").first.is_visible()


def test_a_new_alert_appears_without_a_reload(signed_in: Any, desk_world: DeskWorld) -> None:
    page = signed_in()
    page.evaluate("window.sameDocument = 1")
    # no wait for the stream to connect: it begins where the rendered page ended
    desk_world.add_booking("pierce", "P-NEW", 3)  # held unlawfully for 3 h
    arrived = card(page, "{pierce/P-NEW}")
    arrived.wait_for(timeout=15_000)
    assert page.evaluate("window.sameDocument") == 1  # no reload
    order = all_tags(page)
    assert order.index("{pierce/P-NEW}") == order.index("{pierce/P-SHORT}") + 1
    assert "Held unlawfully now" in arrived.inner_text()
    assert "Name Of P-NEW" in arrived.inner_text()
    page.wait_for_function("document.getElementById('live').textContent.includes('P-NEW')")
    assert arrived.locator(".countdown").inner_text().startswith("overdue by ")
    desk_world.release("pierce", "P-NEW")  # the hold ends: the card leaves the desk
    arrived.wait_for(state="detached", timeout=15_000)
    assert page.evaluate("window.sameDocument") == 1


def test_the_live_stream_needs_a_session_and_names_only_the_roles_bookings(
    desk_world: DeskWorld,
) -> None:
    assert httpx.get(desk_world.url + "/findings/stream", timeout=5).status_code == 401
    assert httpx.get(desk_world.url + "/findings/card?tag=x", timeout=5).status_code == 401
    client = httpx.Client(base_url=desk_world.url, timeout=20)
    login = client.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert csrf
    signed = client.post(
        "/login",
        data={"token": TOKENS["defender"], "csrf": csrf.group(1)},
        headers={"Origin": desk_world.url},
    )
    assert signed.status_code == 303
    seen: list[str] = []
    with client.stream("GET", "/findings/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-store"
        desk_world.add_booking("yakima", "Y-LIVE", 60)  # not this defender's agency
        desk_world.add_booking("king", "K-LIVE", 60)  # this one's: after the other
        for line in stream.iter_lines():
            if line.startswith("data: ") and line != "data: {}":
                seen.append(line)
                if "K-LIVE" in line:
                    break
    assert seen and not any("yakima" in s or "Y-LIVE" in s for s in seen)
    message = json.loads(seen[-1][len("data: ") :])
    assert set(message) == {"tag", "finding_id", "code", "severity", "change"}
    assert "Name Of" not in "".join(seen)  # which booking changed, never who is in it
    # the card it points to is the desk's, through the same checks: another agency's is empty
    assert client.get("/findings/card", params={"tag": "{yakima/Y-LIVE}"}).status_code == 204
    card = client.get("/findings/card", params={"tag": "{king/K-LIVE}"})
    assert card.status_code == 200 and "Name Of K-LIVE" in card.text


def test_each_name_the_desk_shows_is_audited_first(signed_in: Any, desk_world: DeskWorld) -> None:
    client = redis.Redis.from_url(desk_world.settings.redis_url or "")
    stream = f"{desk_world.settings.key_prefix}:api:audit"
    before = client.xlen(stream)
    signed_in("defender")
    rows = client.xrange(stream)[before:]
    client.close()
    read = {(r[b"who"], r[b"action"], r[b"target"]) for _id, r in rows}
    for booking in ("P-LONG", "P-SHORT", "P-WAIT", "K-SOON", "K-LATER"):
        agency = "pierce" if booking.startswith("P") else "king"
        assert (b"defender-desk", b"desk", f"{agency}/{booking}".encode()) in read
    assert not any(b"Name Of" in v for _id, r in rows for v in r.values())  # never the data


def test_oversight_sees_pseudonyms_and_every_agency(signed_in: Any, artifacts: Path) -> None:
    page = signed_in("oversight")
    assert "{yakima/Y-1}" in tags(page)
    html = page.content()
    assert "Name Of" not in html
    assert "P-P-LONG" in card(page, "{pierce/P-LONG}").locator("h3").inner_text()
    assert page.locator("button.ack").count() == 0
    page.screenshot(path=str(artifacts / "desk-oversight.png"), full_page=True)


def test_filters_and_search(signed_in: Any, desk_world: DeskWorld) -> None:
    page = signed_in()
    page.select_option("#q-agency", "king")
    page.click("#filter")
    page.wait_for_url("**/findings?*agency=king*")
    assert tags(page) == ["{king/K-SOON}", "{king/K-LATER}"]
    page.click("#clear")
    page.wait_for_url("**/findings")
    page.select_option("#q-code", "HOLD_BARRED")
    page.click("#filter")
    page.wait_for_url("**code=HOLD_BARRED*")
    assert set(tags(page)) >= {"{pierce/P-LONG}", "{pierce/P-SHORT}"}
    assert all(t.startswith("{pierce/P-") and t != "{pierce/P-WAIT}" for t in tags(page))
    page.goto(desk_world.url + "/findings?severity=info")
    assert "{pierce/P-WAIT}" in tags(page) and "{king/K-SOON}" not in tags(page)
    page.goto(desk_world.url + "/findings")
    page.fill("#q-booking", "long")
    page.press("#q-booking", "Enter")
    page.wait_for_url("**booking=long*")
    assert tags(page) == ["{pierce/P-LONG}"]
    page.goto(desk_world.url + "/findings?booking=nobody")
    assert tags(page) == [] and "No open findings match" in page.locator("#none").inner_text()


def test_the_desk_works_by_keyboard(signed_in: Any) -> None:
    page = signed_in()
    first = page.locator(".card a.case").first.get_attribute("href")
    assert first == "/bookings/pierce/P-LONG"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(40):  # the filters, then the first card's case-file link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('case')"):
            break
    else:
        pytest.fail("no case-file link reached by Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    assert page.evaluate("document.activeElement.getAttribute('href')") == first
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{first}")


def test_acknowledging_in_place(signed_in: Any, desk_world: DeskWorld) -> None:
    page = signed_in()
    page.evaluate("window.sameDocument = 1")
    first = card(page, "{pierce/P-SHORT}").locator(".findings .finding").first
    finding_id = (first.get_attribute("id") or "")[2:]
    first.locator("input[name=note]").fill("filed the habeas petition")
    first.locator("button.ack").click()
    acked = page.locator(f"#f-{finding_id} .acked")
    acked.wait_for()
    assert "filed the habeas petition" in acked.inner_text()
    assert page.evaluate("window.sameDocument") == 1
    found = desk_world.api("/api/v1/findings?code=HOLD_BARRED")
    by_id = {v["finding"]["finding_id"]: v for v in found}
    assert by_id[finding_id]["acknowledgement"]["by"] == "defender-desk"


def test_the_case_file_and_its_print_layout(signed_in: Any, artifacts: Path) -> None:
    page = signed_in()
    page.click('.card[data-tag="{king/K-SOON}"] a.case')
    page.wait_for_url("**/bookings/king/K-SOON")
    assert "Name Of K-SOON" in page.locator("h1").inner_text()
    events = page.locator(".timeline .event")
    assert events.count() == 3
    assert "PST" in events.first.locator(".event-when").inner_text()  # the jail's clock
    eligible = events.nth(2)
    assert "Eligible for release" in eligible.inner_text()
    required = eligible.locator(".required").inner_text()
    assert "Hold deadline" in required  # the 48-hour window the law set from here
    assert "America/Los_Angeles" in page.locator(".case-facts").inner_text()
    assert "us-federal" in page.locator(".case-facts").inner_text()
    page.screenshot(path=str(artifacts / "case-file-screen.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator("header.top").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("#print").evaluate("e => getComputedStyle(e).display") == "none"
    page.screenshot(path=str(artifacts / "case-file-print.png"), full_page=True)
    pdf = artifacts / "case-file.pdf"
    page.pdf(path=str(pdf), format="Letter", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_the_case_file_names_the_law_version_and_evidence(signed_in: Any) -> None:
    page = signed_in()
    page.goto(page.url.replace("/findings", "/bookings/pierce/P-LONG"))
    barred = page.locator(".case-finding", has_text="HOLD_BARRED")
    text = barred.inner_text()
    assert "wa-kww, as in force from 2019-05-21" in text
    assert "RCW" in text  # the statute
    evidence = barred.locator("a[href^='#ev-']")
    assert evidence.count() >= 1
    evidence.first.click()
    assert page.evaluate("location.hash").startswith("#ev-")
    assert (
        "law in force: wa-kww, as in force from 2019-05-21"
        in page.locator(".timeline").inner_text()
    )


def test_the_case_file_json_is_the_same_document(desk_world: DeskWorld) -> None:
    body = desk_world.api("/api/v1/bookings/king/K-SOON")
    assert body["timezone"] == "America/Los_Angeles" and body["in_custody"] is True
    assert [e["type"] for e in body["events"]] == [
        "booking.created",
        "detainer.received",
        "release.eligible",
    ]
    eligible = body["events"][2]
    assert eligible["law_in_force"] == "us-federal@2017-04-02"
    (hold,) = [r for r in eligible["required"] if r["hold"]]
    assert hold["code"] == "HOLD_OVER_WINDOW"
    assert datetime.fromisoformat(hold["at"]) == datetime.fromisoformat(body["hold_deadline"])
    assert "PST" in eligible["local_time"]
    barred = desk_world.api("/api/v1/bookings/pierce/P-LONG")
    (finding,) = [v for v in barred["findings"] if v["finding"]["code"] == "HOLD_BARRED"]
    assert finding["law_version"] == "wa-kww, as in force from 2019-05-21"
    cited = {e["id"] for e in barred["events"] if finding["finding"]["finding_id"] in e["cited_by"]}
    assert cited == set(finding["finding"]["evidence"])


def test_oversight_gets_the_case_file_redacted(
    signed_in: Any, desk_world: DeskWorld, artifacts: Path
) -> None:
    page = signed_in("oversight")
    page.goto(desk_world.url + "/bookings/pierce/P-LONG")
    assert "P-P-LONG" in page.locator("h1").inner_text()
    assert "Name Of" not in page.content()
    assert "Redacted" in page.locator(".case-facts").inner_text()
    page.screenshot(path=str(artifacts / "case-file-oversight.png"), full_page=True)
    body = desk_world.api("/api/v1/bookings/pierce/P-LONG", role="oversight")
    assert body["person"] == "P-P-LONG" and body["person_named"] is False
    assert body["personal_data"] is False and "Name Of" not in str(body)
    mine = desk_world.api("/api/v1/bookings/pierce/P-LONG")
    assert mine["person"] == "Name Of P-LONG" and mine["personal_data"] is True
    assert [e["id"] for e in mine["events"]] == [e["id"] for e in body["events"]]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_violation(
    signed_in: Any, desk_world: DeskWorld, artifacts: Path, viewport: Any
) -> None:
    page = signed_in(**({"viewport": viewport} if viewport else {}))
    assert serious(page) == []
    page.locator("details.folded summary").first.click()  # a folded group, opened
    assert serious(page) == []
    name = "phone" if viewport else "desktop"
    page.screenshot(path=str(artifacts / f"desk-{name}-axe.png"), full_page=True)
    page.goto(desk_world.url + "/bookings/pierce/P-LONG")
    assert serious(page) == []
    page.goto(desk_world.url + "/")  # signed in: back to the desk; the sign-in form too
    page.context.clear_cookies()
    page.goto(desk_world.url + "/")
    assert serious(page) == []


def test_on_a_phone_nothing_scrolls_sideways(signed_in: Any, artifacts: Path) -> None:
    page = signed_in(viewport=PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    page.screenshot(path=str(artifacts / "desk-phone.png"), full_page=True)


def test_an_open_live_stream_does_not_hold_up_a_stop(desk_world: DeskWorld, tmp_path: Path) -> None:
    """SIGTERM to `holdwatch api` while a page listens: it exits, within the grace."""
    with api_process(desk_world.settings, tmp_path / "api.log") as api:
        client = httpx.Client(base_url=api.url, timeout=30)
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
        assert csrf
        form = {"token": TOKENS["defender"], "csrf": csrf.group(1)}
        client.post("/login", data=form, headers={"Origin": api.url})
        with client.stream("GET", "/findings/stream") as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            began = time.monotonic()
            os.kill(api.pid, signal.SIGTERM)
            with contextlib.suppress(httpx.HTTPError):
                for _line in lines:
                    pass  # until the server closes it
            closed = time.monotonic() - began
    assert closed < SHUTDOWN_GRACE_S + 5, closed
