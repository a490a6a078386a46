"""Long-running roles settle the collector before they serve (entrypoints/heap.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from holdwatch.entrypoints import heap, monitor


@pytest.fixture
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_settle_freezes_startup_and_raises_the_young_threshold(restore_gc: None) -> None:
    gc.unfreeze()
    survivor = [object() for _ in range(1000)]  # built "at startup", lives on
    heap.settle()
    assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, *heap.OLDER_THRESHOLDS)
    assert gc.get_freeze_count() >= len(survivor)
    assert gc.is_tracked(survivor)


def test_serve_settles_the_heap_before_it_runs(
    restore_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    seen: dict[str, Any] = {}

    def run(self: monitor.Server, *args: object) -> None:
        seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())
        self.started = True  # as a server that started and then stopped

    monkeypatch.setattr(monitor.Server, "run", run)

    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("never called: the server does not run")

    assert monitor.serve(app, "127.0.0.1", 0) == 0
    assert seen["threshold"][0] == heap.YOUNG_THRESHOLD
    assert seen["frozen"] > 0
