"""Page sessions and security headers over real HTTP (uvicorn on a loopback port).

Signing in exchanges the token for a session whose id alone is in the cookie and only its
digest in Redis; sessions end when idle, at their lifetime, and on sign-out; every form
POST needs the session's CSRF token and our own Origin; every response carries the
security headers and no-store. The clock is injected, so expiry needs no waiting.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, World, serving, world

__all__ = ["world"]

COOKIE = "holdwatch_session"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def url(world: World, clock: Clock) -> Iterator[str]:
    with serving(world.settings, clock) as base:
        yield base


def _csrf(html: str) -> str:
    found = re.search(r"""name=["']?csrf["']? value=["']([^"']+)["']""", html)
    assert found, html
    return found.group(1)


def sign_in(url: str, token: str = TOKENS["defender"]) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(base_url=url, timeout=10)
    csrf = _csrf(client.get("/").text)
    done = client.post("/login", data={"token": token, "csrf": csrf}, headers={"Origin": url})
    return client, done


def signed_in(client: httpx.Client) -> bool:
    r = client.get("/findings")
    return r.status_code == 200 and "Open findings" in r.text


def test_the_cookie_holds_a_random_session_id_stored_only_as_its_digest(
    url: str, world: World
) -> None:
    client, done = sign_in(url)
    assert done.status_code == 303 and done.headers["location"] == "/findings"
    set_cookies = done.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookies if c.startswith(COOKIE + "="))
    attributes = {a.strip().lower() for a in session_cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    for header in set_cookies:
        assert TOKENS["defender"] not in header
        assert hashlib.sha256(TOKENS["defender"].encode()).hexdigest() not in header
    session_id = client.cookies[COOKIE]
    assert len(session_id) >= 43 and TOKENS["defender"] not in session_id
    assert signed_in(client)

    r = redis.Redis.from_url(world.settings.redis_url or "")
    keys = [k.decode() for k in r.keys(f"{world.settings.key_prefix}:api:session:*")]
    digest = hashlib.sha256(session_id.encode()).hexdigest()
    assert f"{world.settings.key_prefix}:api:session:{digest}" in keys
    stored = b"".join(k.encode() + b"".join(r.hgetall(k).values()) for k in keys)
    assert session_id.encode() not in stored and TOKENS["defender"].encode() not in stored
    assert 0 < r.pttl(f"{world.settings.key_prefix}:api:session:{digest}") <= 30 * 60 * 1000
    r.close()
    _, refused = sign_in(url, "not-a-token")
    assert refused.status_code == 401 and COOKIE not in refused.headers.get("set-cookie", "")


def test_a_session_ends_after_idling_and_at_its_lifetime(url: str, clock: Clock) -> None:
    idle, _ = sign_in(url)
    for _ in range(3):  # used every 29 minutes: alive after 87
        clock.advance(minutes=29)
        assert signed_in(idle)
    clock.advance(minutes=30)
    assert not signed_in(idle)
    assert idle.get("/findings").headers["location"] == "/"

    busy, _ = sign_in(url)
    for _ in range(35):  # used every 20 minutes: alive for 11 h 40 min
        clock.advance(minutes=20)
        assert signed_in(busy)
    clock.advance(minutes=19, seconds=59)
    assert signed_in(busy)
    clock.advance(seconds=1)  # 12 h after signing in
    assert not signed_in(busy)


def _ack_form(client: httpx.Client, finding: str) -> tuple[str, str]:
    page = client.get("/findings").text
    return f"/findings/{finding}/ack", _csrf(page)


def acked(world: World) -> bool:
    listed = world.get("/api/v1/findings", code="HOLD_OVER_WINDOW").json()
    return listed[0]["acknowledgement"] is not None


@pytest.mark.parametrize(
    ("csrf", "headers"),
    [
        ("wrong", {"Origin": "{url}"}),
        ("", {"Origin": "{url}"}),
        ("right", {}),  # neither Origin nor Referer
        ("right", {"Origin": "http://127.0.0.1:1"}),  # another port is another origin
        ("right", {"Origin": "null"}),
        ("right", {"Referer": "http://evil.example/{url}"}),
        ("many", {"Origin": "{url}"}),  # more fields than a form has
    ],
)
def test_a_form_post_needs_the_csrf_token_and_our_origin(
    url: str, world: World, csrf: str, headers: dict[str, str]
) -> None:
    client, _ = sign_in(url)
    path, token = _ack_form(client, world.hold_finding)
    sent = {"note": "forged", "csrf": token if csrf in ("right", "many") else csrf}
    if csrf == "many":
        sent |= {f"x{n}": "x" for n in range(20)}
    r = client.post(path, data=sent, headers={k: v.format(url=url) for k, v in headers.items()})
    assert r.status_code == 403 and not acked(world)
    logout = client.post(
        "/logout", data=sent, headers={k: v.format(url=url) for k, v in headers.items()}
    )
    assert logout.status_code == 403 and signed_in(client)


def test_a_signed_out_session_is_gone_and_login_needs_its_form(url: str, world: World) -> None:
    client, _ = sign_in(url)
    old = client.cookies[COOKIE]
    path, token = _ack_form(client, world.hold_finding)
    out = client.post("/logout", data={"csrf": token}, headers={"Referer": url + "/findings"})
    assert out.status_code == 303 and COOKIE not in client.cookies
    replay = httpx.Client(base_url=url, cookies={COOKIE: old}, timeout=10)
    assert replay.get("/findings").headers["location"] == "/"
    r = replay.post(path, data={"note": "late", "csrf": token}, headers={"Origin": url})
    assert r.status_code == 303 and r.headers["location"] == "/" and not acked(world)

    bare = httpx.post(
        url + "/login", data={"token": TOKENS["defender"]}, headers={"Origin": url}, timeout=10
    )
    assert bare.status_code == 403 and COOKIE not in bare.headers.get("set-cookie", "")


def test_every_response_carries_the_security_headers(url: str, world: World) -> None:
    client, _ = sign_in(url)
    bearer = {"Authorization": f"Bearer {TOKENS['defender']}"}
    responses = {
        "login page": httpx.get(url + "/"),
        "findings page": client.get("/findings"),
        "api json": httpx.get(url + "/api/v1/findings", headers=bearer),
        "timeline": httpx.get(url + "/api/v1/bookings/pierce/AP1", headers=bearer),
        "401": httpx.get(url + "/api/v1/holds"),
        "404": httpx.get(url + "/nowhere"),
        "413": httpx.post(url + "/login", content=b"x" * 100_000),
        "docs": httpx.get(url + "/docs"),
        "openapi": httpx.get(url + "/openapi.json"),
    }
    for what, r in responses.items():
        csp = r.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, what
        assert "unsafe-inline" not in csp, what
        assert r.headers.get("x-frame-options") == "DENY", what
        assert r.headers.get("x-content-type-options") == "nosniff", what
        assert r.headers.get("referrer-policy") == "same-origin", what
        assert r.headers.get("cache-control") == "no-store", what
    assert "<script>" not in responses["findings page"].text  # no inline script at all


def test_docs_and_openapi_are_public_and_served_from_the_package(url: str) -> None:
    docs = httpx.get(url + "/docs")
    assert docs.status_code == 200 and "//" not in docs.text.replace("<!doctype", "")
    for asset in re.findall(r"(?:href|src)=(/[^ >]+)", docs.text):
        got = httpx.get(url + asset)
        assert got.status_code == 200 and len(got.content) > 50, asset
    bundle = httpx.get(url + "/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert httpx.get(url + "/openapi.json").json()["info"]["title"] == "holdwatch"
    assert httpx.get(url + "/redoc").status_code == 404  # it would load from a CDN


def test_behind_a_tls_proxy_the_cookie_is_secure_and_the_origin_is_https(url: str) -> None:
    """uvicorn trusts X-Forwarded-Proto from loopback (FORWARDED_ALLOW_IPS): a proxy there."""
    client = httpx.Client(base_url=url, timeout=10, headers={"X-Forwarded-Proto": "https"})
    form = {"token": TOKENS["defender"], "csrf": _csrf(client.get("/").text)}
    plain = client.post("/login", data=form, headers={"Origin": url})
    assert plain.status_code == 403  # the page's origin is https now
    https = url.replace("http://", "https://")
    done = client.post("/login", data=form, headers={"Origin": https})
    assert done.status_code == 303
    session_cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith(COOKIE))
    assert "secure" in {a.strip().lower() for a in session_cookie.split(";")}
