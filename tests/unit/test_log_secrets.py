"""Logging adapter: no URL secret, query string, `color_message` or ANSI escape in a line."""

import io
import json
import logging
from typing import Any

import pytest

from holdwatch.adapters.logging import configure_logging


@pytest.fixture(autouse=True)
def _restored(restore_logging: None) -> None:
    """Every test here reconfigures logging; the fixture puts it back after."""


def capture() -> io.StringIO:
    stream = io.StringIO()
    configure_logging("DEBUG", stream)
    return stream


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        (
            'POST https://hooks.example.com/services/T0/B0/s3cret?sig=s3cret "HTTP/1.1 204"',
            'POST https://hooks.example.com/[…] "HTTP/1.1 204"',
        ),
        ("redis://:s3cret@cache:6379/0", "redis://cache:6379/[…]"),
        ("http://user:s3cret@127.0.0.1:8080", "http://127.0.0.1:8080/[…]"),
        ("listening on http://127.0.0.1:8002", "listening on http://127.0.0.1:8002"),
        ("\x1b[32mINFO\x1b[0m ready", "INFO ready"),
        ("a/b?c=d is no URL", "a/b?c=d is no URL"),
    ],
)
def test_urls_keep_only_scheme_and_host(text: str, logged: str) -> None:
    stream = capture()
    logging.getLogger("some.library").info(text)
    assert lines(stream)[0]["event"] == logged


def test_the_access_line_keeps_the_path_without_its_query() -> None:
    stream = capture()
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5555",
        "GET",
        "/api/v1/findings?token=s3cret",
        "1.1",
        401,
        extra={"color_message": "\x1b[1mGET\x1b[0m"},
    )
    (line,) = lines(stream)
    assert line["event"] == '127.0.0.1:5555 - "GET /api/v1/findings HTTP/1.1" 401'
    assert "color_message" not in line


@pytest.mark.parametrize("name", ["httpx", "httpcore"])
def test_http_clients_speak_only_from_warning_up(name: str) -> None:
    stream = capture()
    logging.getLogger(name).info("HTTP Request: POST https://x/s3cret")
    logging.getLogger(name).warning("trouble")
    assert [line["event"] for line in lines(stream)] == ["trouble"]
