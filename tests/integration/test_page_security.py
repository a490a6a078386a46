"""The defenders' page against a hostile page, in headless Chromium.

The hostile page is served by this test on another port of 127.0.0.1: another origin but
the same site, so a SameSite=Strict cookie alone would not stop it. While a defender is
signed in it auto-submits an acknowledgement and tries to frame the page; the finding
must stay unacknowledged (checked through the API) and the frame must stay empty. The
Content-Security-Policy must stop an inline script injected into the page, and signing
out must end the session the old cookie named.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, World, world
from integration.test_page import browser

__all__ = ["browser", "world"]


class Hostile:
    """An HTTP server on its own loopback port answering every GET with `html`."""

    def __init__(self) -> None:
        self.html = ""
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = hostile.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    made = Hostile()
    yield made
    made.server.shutdown()
    made.server.server_close()


def sign_in(browser: Browser, world: World) -> Page:
    page = browser.new_context().new_page()
    page.goto(world.url + "/")
    page.fill("#token", TOKENS["defender"])
    page.click("#login")
    page.wait_for_url("**/findings")
    return page


def acknowledgement(world: World) -> Any:
    return world.get("/api/v1/findings", code="HOLD_OVER_WINDOW").json()[0]["acknowledgement"]


def test_a_page_of_another_origin_cannot_acknowledge(
    world: World, browser: Browser, hostile: Hostile
) -> None:
    page = sign_in(browser, world)
    action = f"{world.url}/findings/{world.hold_finding}/ack"
    hostile.html = (
        f"<form id=f method=post action='{escape(action)}'>"
        "<input name=note value=forged><input name=csrf value=guess></form>"
        "<script>document.getElementById('f').submit()</script>"
    )
    page.goto(hostile.url)
    page.wait_for_url(f"{world.url}/**")  # the browser did post, with the session cookie
    page.wait_for_load_state()
    assert acknowledgement(world) is None
    assert page.url == action and "own page" in page.content()
    page.context.close()


def test_the_page_cannot_be_framed_by_another_origin(
    world: World, browser: Browser, hostile: Hostile
) -> None:
    page = sign_in(browser, world)
    hostile.html = f"<iframe id=victim src='{world.url}/findings' width=800 height=600></iframe>"
    page.goto(hostile.url)
    page.wait_for_load_state("load")
    frames = [f for f in page.frames if f != page.main_frame]
    assert frames
    for frame in frames:
        assert "Open findings" not in frame.content()
        assert frame.locator("button.ack").count() == 0
    page.context.close()


def test_an_injected_inline_script_does_not_run(world: World, browser: Browser) -> None:
    page = sign_in(browser, world)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text))

    policies: list[str] = []

    def inject(route: Route) -> None:
        real = route.fetch()
        policies.append(real.headers.get("content-security-policy", ""))
        html = real.text().replace("<body>", "<body><script>window.pwned = 1</script>", 1)
        route.fulfill(response=real, body=html)

    page.route("**/findings", inject)
    page.goto(world.url + "/findings")
    card = page.locator(".card", has=page.locator(f"#f-{world.hold_finding}"))
    countdown = card.locator(".countdown")
    countdown.wait_for()
    page.wait_for_function("el => el.textContent !== ''", arg=countdown.element_handle())
    assert policies and "script-src 'self'" in policies[0]
    assert page.evaluate("typeof window.pwned") == "undefined"  # ours ran, theirs did not
    assert any("Content Security Policy" in v for v in violations), violations
    page.context.close()


def test_signing_out_ends_the_session_the_cookie_named(world: World, browser: Browser) -> None:
    page = sign_in(browser, world)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert TOKENS["defender"] not in str(cookies)
    page.click("#logout")
    page.wait_for_selector("#token")
    old = httpx.Client(base_url=world.url, cookies=cookies, timeout=10)
    assert old.get("/findings").headers["location"] == "/"
    r = old.post(
        f"/findings/{world.hold_finding}/ack",
        data={"note": "after sign-out"},
        headers={"Origin": world.url},
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert acknowledgement(world) is None
    page.context.close()


def test_the_api_docs_render_offline(world: World, browser: Browser) -> None:
    page = browser.new_context().new_page()
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if route.request.url.startswith(world.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(world.url + "/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "holdwatch" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() >= 5
    assert outside == []
    page.context.close()
