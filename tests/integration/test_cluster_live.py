"""holdwatch on a real Redis Cluster (3 masters, 3 replicas) and behind Sentinel.

The monitor and the notifier run as they do in production (FastStream's cluster or
sentinel broker, the partitioned key layout), on hold deadlines that fall due during the
test: every booking's deadline must fire from its own partition, reach the defenders'
webhook once, and survive a master being killed mid-way.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from holdwatch.adapters.keys import booking_tag
from holdwatch.bootstrap import build, build_api_parts, build_notifier, keys_for
from holdwatch.entrypoints.notify import create_notify_app
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import _tokens_file
from integration.conftest import make_settings, running, until
from integration.test_notify import SECRET, Receiver
from redis_topologies import RedisCluster, RedisSentinel
from story import Story

BOOKINGS = 9


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stories(lead: timedelta) -> list[Story]:
    """BOOKINGS detained people whose 48 hours past eligibility end `lead` from now."""
    eligible = now() - timedelta(hours=48) + lead
    return [
        Story(agency="pierce", booking=f"C{n}", zone="America/Los_Angeles")
        .booked((eligible - timedelta(hours=5)).isoformat())
        .detainer((eligible - timedelta(hours=2)).isoformat())
        .eligible(eligible.isoformat())
        for n in range(BOOKINGS)
    ]


def routing(tmp_path: Path, receiver: Receiver) -> Path:
    path = tmp_path / "routing.toml"
    path.write_text(
        f"""
[webhooks.pd]
url = "{receiver.url}"
secret_env = "HW_TEST_SECRET"

[[routes]]
name = "pierce-defenders"
agencies = ["pierce"]
severities = ["critical", "high"]
webhooks = ["pd"]
""",
        encoding="utf-8",
    )
    return path


def world(url: str, tmp_path: Path, receiver: Receiver, **topology: object) -> Settings:
    prefix = "hwc"
    return make_settings(
        url,
        prefix,
        tmp_path,
        partitions=3,
        routing_file=routing(tmp_path, receiver),
        notify_backoff_base=timedelta(milliseconds=200),
        notify_backoff_cap=timedelta(seconds=1),
        **topology,
    )


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("HW_TEST_SECRET", SECRET)
    made = Receiver()
    yield made
    made.close()


@asynccontextmanager
async def holdwatch(settings: Settings) -> AsyncIterator[Service]:
    """The monitor and the notifier, each with its real broker, until the block ends."""
    monitor = build(settings)
    notifier = create_notify_app(build_notifier(settings))
    async with running(monitor):
        await notifier.start()
        try:
            yield monitor
        finally:
            await notifier.stop()


async def alerts(r: Redis, settings: Settings) -> list[tuple[int, dict[str, Any]]]:
    """(partition, alert entry) for every alert in every partition."""
    out = []
    for part in keys_for(settings).parts:
        for _id, fields in await r.xrange(part.alerts):
            entry = {k.decode(): v.decode() for k, v in fields.items()}
            entry["finding"] = json.loads(entry["finding"])
            out.append((part.index, entry))
    return out


async def over_window(r: Redis, settings: Settings) -> dict[str, dict[str, Any]]:
    """Booking id → the entry that opened its HOLD_OVER_WINDOW."""
    return {
        e["finding"]["booking_id"]: e
        for _p, e in await alerts(r, settings)
        if e["finding"]["code"] == "HOLD_OVER_WINDOW" and e["change"] == "new"
    }


async def publish(r: Redis, settings: Settings, events: list[dict[str, Any]]) -> None:
    for event in events:
        await r.xadd(settings.events_stream, {"event": json.dumps(event)})


def delivered(receiver: Receiver, code: str) -> list[str]:
    """The finding ids of the `finding.opened` webhooks the defenders got for `code`."""
    return [
        p["data"]["finding"]["finding_id"]
        for p in receiver.payloads()
        if p["type"] == "finding.opened" and p["data"]["finding"]["code"] == code
    ]


async def check_deadlines_fire_from_every_partition(
    settings: Settings, receiver: Receiver, between: Callable[[], Any] | None = None
) -> None:
    """Deadlines 6 s out fire by the timers of their partitions and reach the webhook once;
    `between` runs after the events are stored and before the deadlines (a failover)."""
    async with holdwatch(settings) as service:
        r = service.redis
        events = [e for s in stories(timedelta(seconds=6)) for e in s.events]
        await publish(r, settings, events)

        async def stored() -> bool:
            keys = keys_for(settings)
            metas = [
                await r.exists(keys.booking(booking_tag("pierce", f"C{n}")))
                for n in range(BOOKINGS)
            ]
            return all(metas)

        await until(stored, timeout=20)
        if between is not None:
            await asyncio.to_thread(between)

        async def all_fired() -> bool:
            return len(await over_window(r, settings)) == BOOKINGS

        await until(all_fired, timeout=40)
        opened = await over_window(r, settings)
        assert {e["trigger"] for e in opened.values()} == {"timer"}
        partitions = {
            p for p, e in await alerts(r, settings) if e["finding"]["code"] == "HOLD_OVER_WINDOW"
        }
        assert len(partitions) > 1  # the bookings' deadlines fired from several partitions

        ids = {e["finding"]["finding_id"] for e in opened.values()}

        async def reached() -> bool:
            return set(delivered(receiver, "HOLD_OVER_WINDOW")) >= ids

        await until(reached, timeout=30)
        await asyncio.sleep(1.0)  # time for a duplicate to arrive, if one were sent
        sent = delivered(receiver, "HOLD_OVER_WINDOW")
        assert sorted(sent) == sorted(ids)  # once each: no duplicate, nothing lost

        # the API lists every partition's open findings, and follows the alerts from here
        tokens = _tokens_file(Path(settings.data_dir).parent / "tokens.toml")
        api = build_api_parts(settings.model_copy(update={"api_tokens_file": tokens}))
        try:
            listed = {f.finding_id for f in await api.store.open_findings()}
            assert ids <= listed
            cursor = await api.store.last_alert_id()
        except BaseException:
            await api.close()
            raise

        # releases after the deadline end every hold: read and judged after the failover too
        released = now() + timedelta(seconds=1)
        await publish(
            r,
            settings,
            [
                e
                for n in range(BOOKINGS)
                for e in Story(agency="pierce", booking=f"C{n}")
                .add("custody.released", released.isoformat(), {"to": "public"}, id=f"C{n}-out")
                .events
            ],
        )

        async def resolved() -> bool:
            return (
                sum(
                    1
                    for _p, e in await alerts(r, settings)
                    if e["finding"]["code"] == "HOLD_OVER_WINDOW" and e["change"] == "changed"
                )
                == BOOKINGS
            )

        await until(resolved, timeout=30)
        try:
            followed: list[str] = []
            while batch := await api.store.alerts_after(cursor, 500):
                cursor = batch[-1][0]
                followed += [f.finding_id for _c, f, change in batch if change == "changed"]
            assert ids <= set(followed)  # the live desk's feed saw every partition's change
        finally:
            await api.close()
        dead = await r.xlen(settings.dlq_stream) if await r.exists(settings.dlq_stream) else 0
        assert dead == 0


@pytest.mark.cluster
async def test_on_a_cluster_deadlines_fire_from_every_partition(
    make_redis_cluster: Callable[..., RedisCluster], tmp_path: Path, receiver: Receiver
) -> None:
    cluster = make_redis_cluster()
    settings = world(cluster.url(), tmp_path, receiver, redis_cluster=True)
    await check_deadlines_fire_from_every_partition(settings, receiver)


@pytest.mark.cluster
async def test_a_master_killed_mid_way_loses_nothing(
    make_redis_cluster: Callable[..., RedisCluster], tmp_path: Path, receiver: Receiver
) -> None:
    """kill -9 of the master that holds the events stream and a partition's timers, after
    the events are stored and before their deadlines: its replica takes over, and every
    deadline still fires once, every release is still judged."""
    cluster = make_redis_cluster()
    settings = world(cluster.url(), tmp_path, receiver, redis_cluster=True)

    def fail_over() -> None:
        cluster.wait_for_replication()
        cluster.fail_over(cluster.master_for(settings.events_stream))

    await check_deadlines_fire_from_every_partition(settings, receiver, fail_over)


@pytest.mark.sentinel
async def test_behind_sentinel_a_failover_loses_nothing(
    make_redis_sentinel: Callable[..., RedisSentinel], tmp_path: Path, receiver: Receiver
) -> None:
    sentinel = make_redis_sentinel()
    spec = ",".join(f"{h}:{p}" for h, p in sentinel.sentinels)
    settings = world(
        "redis://",
        tmp_path,
        receiver,
        redis_sentinels=spec,
        redis_sentinel_master=sentinel.master_name,
    )

    def fail_over() -> None:
        master = sentinel.master()
        sentinel.wait_replicating(next(n for n in sentinel.data if n is not master))
        sentinel.fail_over()

    await check_deadlines_fire_from_every_partition(settings, receiver, fail_over)
