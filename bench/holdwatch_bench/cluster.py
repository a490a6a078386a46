"""A Redis Cluster of the bench's own: 3 masters with a replica each, on loopback ports.

It is the cluster the integration tests run on (tests/redis_topologies.py: Debian's
redis-server in cluster mode, joined by `redis-cli --cluster create`), so (h)'s cluster
figures and the tests' cluster are the same shape.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

TESTS = Path(__file__).resolve().parents[2] / "tests"


@contextmanager
def own_cluster() -> Iterator[str]:
    """The URL of one node of a fresh cluster, stopped and removed after the block."""
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if server is None or cli is None:
        raise SystemExit("(h) --cluster: redis-server and redis-cli must be on PATH")
    sys.path.insert(0, str(TESTS))
    from redis_topologies import RedisCluster as Topology  # noqa: PLC0415

    with Topology(server, cli) as cluster:
        yield cluster.url()


def cluster_client(url: str) -> Redis:
    """A cluster client, typed as the one-server client whose commands it answers."""
    return cast(Redis, RedisCluster.from_url(url))
