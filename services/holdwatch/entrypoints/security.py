"""What every request and response of `holdwatch api` goes through, before any route runs.

- Bodies are bounded before authentication and before they are read: a declared
  Content-Length over the limit is refused at once, and a streamed (chunked) body is
  counted as it arrives and refused the moment it passes the limit, so a stranger cannot
  make the process hold a large body in memory. Forms get a few KiB, JSON 64 KiB.
- Request heads are bounded too: h11 refuses a head that arrives in pieces past
  HEAD_LIMIT (`server_config`), and one that arrived whole is refused here with 431.
- Every response carries the security headers (CSP without inline script, no framing,
  nosniff, same-origin referrers) and `Cache-Control: no-store`, since the page and the
  API's JSON carry personal data; only the static assets may be cached.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: /login, /logout and the page's acknowledgement form: a token, a CSRF token, a note.
FORM_LIMIT = 8 * 1024
#: the JSON API's bodies (an acknowledgement note is at most 2000 characters)
JSON_LIMIT = 64 * 1024
#: the longest request head (request line and headers) h11 accepts
HEAD_LIMIT = 16 * 1024
#: how long a stopping server lets requests finish: a live page's event stream never does
#: by itself, and is cancelled then (the browser reconnects to another replica)
SHUTDOWN_GRACE_S = 5
#: paths whose bodies are the page's forms
FORM_PATHS = ("/login", "/logout", "/findings/")
#: assets that carry no personal data and may be cached
CACHEABLE = ("/static/", "/docs/assets/")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def body_limit(path: str) -> int:
    return FORM_LIMIT if path.startswith(FORM_PATHS) else JSON_LIMIT


class _TooLarge(Exception):
    pass


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BoundedRequests:
    """Refuse a request head over HEAD_LIMIT with 431 and a body over its path's limit
    with 413, before the app sees either.

    A body within the limit is read here (at most the limit, so memory stays bounded)
    and replayed to the app; the app never reads from the socket itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string", b""))
        head = target + sum(len(k) + len(v) + 4 for k, v in scope["headers"])
        if head > HEAD_LIMIT:
            await _refuse(send, 431, f"the request head is over {HEAD_LIMIT // 1024} KiB")
            return
        limit = body_limit(scope["path"])
        declared = _content_length(scope)
        too_large = f"the request body is over {limit // 1024} KiB"
        if declared is not None and declared > limit:
            await _refuse(send, 413, too_large)
            return
        try:
            messages = await _read_bounded(receive, limit)
        except _TooLarge:
            await _refuse(send, 413, too_large)
            return
        pending = list(messages)

        async def replay() -> Message:
            return pending.pop(0) if pending else await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # h11 refuses a malformed length before we get here
    return None


async def _read_bounded(receive: Receive, limit: int) -> list[Message]:
    messages: list[Message] = []
    seen = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # a disconnect: the app sees it too
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _TooLarge
        if not message.get("more_body", False):
            return messages


class SecurityHeaders:
    """Add the security headers, and no-store, to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cache = b"max-age=3600" if scope["path"].startswith(CACHEABLE) else b"no-store"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = {name for name, _ in SECURITY_HEADERS} | {b"cache-control"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in own]
                headers += [*SECURITY_HEADERS, (b"cache-control", cache)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def from_own_origin(headers: Mapping[str, str], scheme: str, netloc: str) -> bool:
    """Whether a cookie-authenticated POST comes from this page: its Origin, or failing
    that its Referer, names our own origin; a request with neither is refused."""
    own = f"{scheme}://{netloc}".lower()
    origin = headers.get("origin")
    if origin is not None:
        return origin.lower() == own
    referer = urlsplit(headers.get("referer", ""))
    return bool(referer.scheme) and f"{referer.scheme}://{referer.netloc}".lower() == own


def server_config(app: Any, host: str, port: int, **extra: Any) -> uvicorn.Config:
    """uvicorn for the API: h11 (whose head limit is known), logging through ours."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",
        h11_max_incomplete_event_size=HEAD_LIMIT,
        log_config=None,
        **({"timeout_graceful_shutdown": SHUTDOWN_GRACE_S} | extra),
    )
