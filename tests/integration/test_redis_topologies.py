"""The Redis Cluster and Sentinel harness (tests/redis_topologies.py) does what the service's
cluster and sentinel tests will rely on: keys spread over masters by hash tag, scripts
confined to one slot, a client that survives a kill -9 failover, and FastStream's cluster
and sentinel brokers reading a stream through a consumer group."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from faststream.redis import RedisBroker, RedisClusterBroker, RedisSentinelBroker, StreamSub
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode
from redis.asyncio.cluster import RedisCluster as ClusterClient
from redis.asyncio.sentinel import Sentinel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from redis_topologies import RedisCluster, RedisSentinel

TAGS = [f"{{p{i}}}" for i in range(4)]


async def client_of(cluster: RedisCluster) -> ClusterClient:
    """A client that has read the slot map: before that, redis-py sends a command to any
    node without its own cross-slot check (the server's CROSSSLOT answers instead)."""
    nodes = [ClusterNode(host, port) for host, port in cluster.startup_nodes]
    client = ClusterClient(startup_nodes=nodes, decode_responses=True)
    await client.initialize()
    return client


def fresh(tag: str) -> str:
    return f"{tag}:hwt-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def cluster_client(redis_cluster: RedisCluster) -> AsyncIterator[ClusterClient]:
    client = await client_of(redis_cluster)
    yield client
    await client.aclose()


async def read_through(client: ClusterClient, key: str, within: float) -> tuple[str, float]:
    """GET `key` until it answers (the client's own retries included), and how long it took."""
    start = time.monotonic()
    while True:
        try:
            value = await client.get(key)
            return str(value), time.monotonic() - start
        except (redis.exceptions.ConnectionError, redis.exceptions.ClusterDownError):
            if time.monotonic() - start > within:
                raise
            await asyncio.sleep(0.05)


@pytest.mark.cluster
async def test_hash_tags_spread_keys_over_more_than_one_master(
    redis_cluster: RedisCluster, cluster_client: ClusterClient
) -> None:
    keys = {tag: fresh(tag) for tag in TAGS}
    for tag, key in keys.items():
        await cluster_client.set(key, tag)
    owners = {redis_cluster.master_for(key).port for key in keys.values()}
    assert len(redis_cluster.masters()) == 3
    assert len(owners) > 1
    assert [await cluster_client.get(k) for k in keys.values()] == list(keys)


SCRIPT = "return redis.call('SET', KEYS[1], ARGV[1]) and redis.call('SET', KEYS[2], ARGV[1])"


@pytest.mark.cluster
@pytest.mark.parametrize(
    ("tags", "refused"),
    [
        (("{p0}", "{p0}"), None),
        # redis-py refuses before sending: it finds no single slot for the command
        (("{p0}", "{p2}"), redis.exceptions.RedisClusterException),
    ],
)
async def test_a_script_runs_over_keys_of_one_hash_tag_only(
    cluster_client: ClusterClient,
    tags: tuple[str, str],
    refused: type[Exception] | None,
) -> None:
    keys = [fresh(t) for t in tags]
    if refused is None:
        await cluster_client.eval(SCRIPT, 2, *keys, "v")
        assert [await cluster_client.get(k) for k in keys] == ["v", "v"]
        return
    with pytest.raises(refused, match="same key slot"):
        await cluster_client.eval(SCRIPT, 2, *keys, "v")


@pytest.mark.cluster
def test_a_master_refuses_a_script_over_keys_of_two_slots(redis_cluster: RedisCluster) -> None:
    keys = [fresh("{p0}"), fresh("{p2}")]
    master = redis_cluster.master_for(keys[0])
    with (
        redis.Redis(port=master.port) as plain,
        pytest.raises(redis.exceptions.ResponseError, match="hash to the same slot"),
    ):
        plain.eval(SCRIPT, 2, *keys, "v")


@pytest.mark.cluster
async def test_cluster_transactions_keep_to_one_slot(cluster_client: ClusterClient) -> None:
    same = [fresh("{p1}"), fresh("{p1}")]
    async with cluster_client.pipeline(transaction=True) as tx:
        tx.set(same[0], "a")
        tx.eval("return redis.call('GET', KEYS[1])", 1, same[0])
        assert await tx.execute() == [True, "a"]
    across = cluster_client.pipeline(transaction=True)
    across.set(fresh("{p1}"), "a")
    across.set(fresh("{p3}"), "b")
    with pytest.raises(redis.exceptions.CrossSlotTransactionError):
        await across.execute()


@pytest.mark.cluster
async def test_evalsha_runs_alone_but_not_in_a_cluster_pipeline(
    cluster_client: ClusterClient,
) -> None:
    key = fresh("{p1}")
    await cluster_client.set(key, "a")
    sha = await cluster_client.script_load("return redis.call('GET', KEYS[1])")
    assert await cluster_client.evalsha(sha, 1, key) == "a"
    pipe = cluster_client.pipeline()
    with pytest.raises(redis.exceptions.RedisClusterException, match="evalsha is blocked"):
        pipe.evalsha(sha, 1, key)


@pytest.mark.cluster
async def test_after_its_master_is_killed_a_key_is_read_from_the_promoted_replica(
    make_redis_cluster: Callable[..., RedisCluster],
) -> None:
    cluster = make_redis_cluster()
    client = await client_of(cluster)
    try:
        key = fresh("{p0}")
        await client.set(key, "held")
        cluster.wait_for_replication()
        master = cluster.master_for(key)
        promoted = await asyncio.to_thread(cluster.fail_over, master)
        assert cluster.master_for(key) is promoted
        assert (await read_through(client, key, within=10))[0] == "held"
        await client.set(key, "after")
        cluster.restart(master)
        assert cluster.replica_of(promoted) is master
    finally:
        await client.aclose()


@pytest.mark.cluster
async def test_a_manual_failover_swaps_master_and_replica_and_loses_nothing(
    make_redis_cluster: Callable[..., RedisCluster],
) -> None:
    cluster = make_redis_cluster()
    client = await client_of(cluster)
    try:
        key = fresh("{p2}")
        await client.set(key, "held")
        master = cluster.master_for(key)
        promoted = cluster.manual_failover(master)
        assert cluster.master_for(key) is promoted
        assert cluster.replica_of(promoted) is master
        assert (await read_through(client, key, within=10))[0] == "held"
    finally:
        await client.aclose()


@pytest.mark.cluster
def test_the_shared_cluster_refuses_a_failover(redis_cluster: RedisCluster) -> None:
    with pytest.raises(AssertionError, match="shared"):
        redis_cluster.fail_over(redis_cluster.masters()[0])


def master_of(setup: RedisSentinel) -> tuple[Sentinel, Redis]:
    sentinel = Sentinel(setup.sentinels, socket_timeout=1)  # type: ignore[no-untyped-call]
    return sentinel, sentinel.master_for(setup.master_name, decode_responses=True)


async def close(sentinel: Sentinel, master: Redis) -> None:
    await master.aclose()
    for node in sentinel.sentinels:
        await node.aclose()


@pytest.mark.sentinel
async def test_a_sentinel_client_writes_to_the_new_master_after_its_master_is_killed(
    make_redis_sentinel: Callable[..., RedisSentinel],
) -> None:
    setup = make_redis_sentinel()
    sentinel, master = master_of(setup)
    try:
        first = setup.master_address()
        await master.set("hwt:before", "1")
        new = await asyncio.to_thread(setup.fail_over)
        assert setup.master_address() == new.address != first
        for _ in range(50):  # the first command after the kill meets the dead connection
            try:
                await master.set("hwt:after", "2")
                break
            except redis.exceptions.ConnectionError:
                await asyncio.sleep(0.05)
        assert new.command("GET", "hwt:after") == "2"
        assert await master.get("hwt:before") == "1"
    finally:
        await close(sentinel, master)


@pytest.mark.sentinel
async def test_after_sentinel_failover_a_new_client_writes_to_the_promoted_replica(
    make_redis_sentinel: Callable[..., RedisSentinel],
) -> None:
    setup = make_redis_sentinel()
    old = setup.master()
    new = setup.graceful_failover()
    assert setup.master_address() == new.address != old.address
    sentinel, master = master_of(setup)
    try:
        await master.set("hwt:after", "2")
        assert new.command("GET", "hwt:after") == "2"
    finally:
        await close(sentinel, master)


def cluster_broker(cluster: RedisCluster) -> RedisBroker:
    # the URL names a node of the cluster: without one the default redis://localhost:6379
    # joins the startup nodes
    return RedisClusterBroker(cluster.url(), startup_nodes=cluster.startup_nodes)


def sentinel_broker(setup: RedisSentinel) -> RedisBroker:
    return RedisSentinelBroker(sentinels=setup.sentinels, sentinel_master_name=setup.master_name)


@pytest.mark.cluster
@pytest.mark.sentinel
@pytest.mark.parametrize(
    ("topology", "make"),
    [("redis_cluster", cluster_broker), ("redis_sentinel", sentinel_broker)],
)
async def test_faststream_reads_a_stream_through_a_consumer_group(
    request: pytest.FixtureRequest, topology: str, make: Callable[[Any], RedisBroker]
) -> None:
    broker = make(request.getfixturevalue(topology))
    stream = fresh("{events}")
    got: asyncio.Queue[dict[str, str]] = asyncio.Queue()

    @broker.subscriber(stream=StreamSub(stream, group="monitor", consumer="replica-1"))
    async def handle(body: dict[str, str]) -> None:
        await got.put(body)

    await broker.start()
    try:
        await broker.publish({"booking": "B1"}, stream=stream)
        assert await asyncio.wait_for(got.get(), 10) == {"booking": "B1"}
    finally:
        await broker.stop()
