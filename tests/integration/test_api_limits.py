"""Bounded requests, against a real `holdwatch api` process over raw HTTP/1.1.

A 200 MB body, declared or chunked, to the sign-in form and to both acknowledgement routes
is refused with 413 before authentication and before it is read: quickly, and without the
process's memory growing. An over-long request head is refused, whether it arrives whole or in pieces.
"""

from __future__ import annotations

import select
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, ApiProcess, World, api_process, world

__all__ = ["world"]

HUGE = 200 * 1024 * 1024
CHUNK = 256 * 1024


@pytest.fixture(scope="module")
def api(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    with api_process(world.settings, tmp_path_factory.mktemp("limits") / "api.log") as running:
        yield running


def _port(api: ApiProcess) -> int:
    return int(api.url.rsplit(":", 1)[1])


def _send(
    api: ApiProcess, path: str, headers: dict[str, str], *, chunked: bool
) -> tuple[int | None, float, int]:
    """POST up to 200 MB to `path` as fast as the socket takes it, stopping as soon as the
    server answers or hangs up: (status or None, seconds, body bytes sent)."""
    head = {"Host": f"127.0.0.1:{_port(api)}", **headers}
    if chunked:
        head["Transfer-Encoding"] = "chunked"
    else:
        head["Content-Length"] = str(HUGE)
    request = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items())
    piece = b"a" * CHUNK
    frame = f"{CHUNK:x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    started, sent, answer = time.monotonic(), 0, b""
    with socket.create_connection(("127.0.0.1", _port(api)), timeout=10) as sock:
        sock.sendall(request.encode() + b"\r\n")
        while sent < HUGE:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                break
            if writable:
                try:
                    sent += sock.send(frame)
                except (BrokenPipeError, ConnectionResetError):
                    break
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")  # all sent and nothing refused: end the body
        try:
            while b"\r\n" not in answer:
                got = sock.recv(65536)
                if not got:
                    break
                answer += got
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(answer.split()[1]) if answer.startswith(b"HTTP/1.1 ") else None
    return status, time.monotonic() - started, sent


ROUTES = [
    ("/login", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("/findings/any/ack", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("/api/v1/findings/any/ack", {"Content-Type": "application/json"}),
    (
        "/api/v1/findings/any/ack",
        {"Content-Type": "application/json", "Authorization": f"Bearer {TOKENS['admin']}"},
    ),
]


def test_huge_bodies_are_refused_quickly_without_the_process_growing(api: ApiProcess) -> None:
    _send(api, "/login", {}, chunked=False)  # warm-up: first-request allocations
    _send(api, "/login", {}, chunked=True)
    before = api.rss_kib()
    for path, headers in ROUTES:
        for chunked in (False, True):
            status, seconds, sent = _send(api, path, headers, chunked=chunked)
            what = f"{path} chunked={chunked}"
            assert status == 413, f"{what}: {status}"
            assert seconds < 1.5, f"{what}: {seconds:.2f} s"
            assert sent < HUGE // 4, f"{what}: the server read {sent} bytes"
    grown = api.rss_kib() - before
    assert grown < 4 * 1024, f"RSS grew by {grown} KiB"


@pytest.mark.parametrize(
    ("path", "size", "expected"),
    [
        ("/login", 8 * 1024, 403),  # a form at the limit is read (and lacks its CSRF token)
        ("/login", 8 * 1024 + 1, 413),
        ("/api/v1/findings/any/ack", 64 * 1024 + 1, 413),
    ],
)
def test_the_limits_are_exact(api: ApiProcess, path: str, size: int, expected: int) -> None:
    import httpx  # noqa: PLC0415

    body = b"note=" + b"x" * (size - 5)
    headers = {"Origin": api.url, "Authorization": f"Bearer {TOKENS['admin']}"}
    declared = httpx.post(api.url + path, content=body, headers=headers, timeout=10)
    streamed = httpx.post(api.url + path, content=iter([body]), headers=headers, timeout=10)
    assert declared.status_code == streamed.status_code == expected
    if expected == 413:
        assert declared.headers["content-security-policy"]  # refusals carry the headers too


def test_an_over_long_request_head_is_refused(api: ApiProcess) -> None:
    def head(size: int) -> bytes:
        return (
            f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: {'p' * size}\r\nConnection: close\r\n\r\n"
        ).encode()

    def answer(request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", _port(api)), timeout=10) as sock:
            try:
                sock.sendall(request)
                return sock.recv(65536)
            except (BrokenPipeError, ConnectionResetError):
                return b""

    assert answer(head(12 * 1024)).startswith(b"HTTP/1.1 200")
    for size in (20 * 1024, 60 * 1024, 1024 * 1024):
        refused = answer(head(size))
        assert refused == b"" or refused.split()[1] in (b"400", b"431"), size
