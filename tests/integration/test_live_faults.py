"""Faults on the live path, each reproduced on a real Redis: writes Redis lost, entries a
parser chokes on, events the core cannot apply, a consumer group that vanished.

Each test fails on a monitor that acks what it did not store or lets one entry hold up
the others.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from holdwatch.adapters.logging import configure_logging
from holdwatch.bootstrap import build
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings, running, until
from stored_bookings import booking
from story import Story

pytestmark = pytest.mark.asyncio


def iso(t: datetime) -> str:
    return t.isoformat()


def recent() -> str:
    return iso(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))


@pytest.fixture
async def service(settings: Settings) -> Any:
    svc = build(settings)
    yield svc
    await svc.redis.aclose()


async def publish(redis: Redis, stream: str, events: list[dict[str, Any]]) -> list[str]:
    return [(await redis.xadd(stream, {"event": json.dumps(e)})).decode() for e in events]


async def pending(r: Redis, stream: str) -> int:
    return int((await r.xinfo_groups(stream))[0]["pending"])


async def test_a_commit_redis_lost_is_repaired_not_acked_away(service: Service) -> None:
    """Redis loses a booking's keys while its entries survive and come back to the group
    (a crash under `appendfsync everysec`, a lagging replica promoted, a restore). The
    replica's cache still holds those events: they look like repeats, yet nothing is
    stored, so they must be committed again, not acked."""
    s, r = service.settings, service.redis
    story = Story(agency="pierce", booking="LOST").booked(recent())
    keys = service.keys
    tag = "{pierce/LOST}"
    async with running(service):
        await publish(r, s.events_stream, story.events)

        async def stored() -> bool:
            return (
                len((await booking(r, keys, tag)).history) == 1
                and await pending(r, s.events_stream) == 0
            )

        await until(stored)
        # The lost write: the booking's keys vanish, the group moves back before its entry.
        await r.delete(keys.booking(tag))
        await r.xgroup_setid(s.events_stream, s.group, "0")

        async def repaired() -> bool:
            return (
                len((await booking(r, keys, tag)).history) == 1
                and await pending(r, s.events_stream) == 0
            )

        await until(repaired, timeout=10)
    assert (await booking(r, keys, tag)).version == 1  # stored afresh, not acked as a repeat


async def test_an_entry_that_is_not_utf8_is_dead_lettered_at_once(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    """The parser must not choke on the batch: the bad entry goes to the dead letters with
    `invalid_encoding` and the other events of the same read are applied within seconds,
    not after the reclaimer's idle time."""
    # The reclaimer waits a minute: only the subscriber itself can pass the test.
    service = build(make_settings(redis_url, prefix, tmp_path, reclaim_idle=60.0))
    s, r = service.settings, service.redis
    await service.ensure_groups()
    goods = [Story(agency="pierce", booking=f"U{i}").booked(recent()).events[0] for i in range(5)]
    await publish(r, s.events_stream, goods[:2])
    bad = json.dumps(goods[0]).encode().replace(b"Test Person", b"Test \xff\xfe Person")
    bad_id = (await r.xadd(s.events_stream, {"event": bad})).decode()
    await publish(r, s.events_stream, goods[2:])
    async with running(service):

        async def applied() -> bool:
            n = 0
            for i in range(5):
                n += len((await booking(r, service.keys, f"{{pierce/U{i}}}")).history)
            return n == 5 and await r.xlen(s.dlq_stream) == 1

        await until(applied, timeout=5)
        assert await pending(r, s.events_stream) == 0
    ((_, letter),) = await r.xrange(s.dlq_stream)
    assert letter[b"reason"] == b"invalid_encoding"
    assert letter[b"original_id"].decode() == bad_id
    assert b"Person" not in letter[b"detail"]
    await r.aclose()


async def test_an_event_the_core_cannot_apply_is_dead_lettered_alone(
    service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, restore_logging: None
) -> None:
    """One event of a booking makes the judgement fail (a defect the contract does not
    catch): that event alone is dead-lettered at once, naming why; the booking's other
    events of the same read are applied and judged, and so is every other booking."""
    import holdwatch.app.monitor as monitor_module  # noqa: PLC0415

    real = monitor_module.judge_fold

    def judge(fold: Any, *args: Any, **kw: Any) -> Any:
        if "POISON" in fold.state.event_ids:
            raise OverflowError("date value out of range")
        return real(fold, *args, **kw)

    monkeypatch.setattr(monitor_module, "judge_fold", judge)
    configure_logging("INFO", (tmp_path / "monitor.log").open("w"))  # as in production
    s, r = service.settings, service.redis
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    mixed = (
        Story(agency="pierce", booking="MIX")
        .booked(iso(t))
        .detainer(iso(t + timedelta(minutes=10)))
        .add(
            "release.eligible", iso(t + timedelta(hours=1)), {"reason": "bond_posted"}, id="POISON"
        )
        .add("custody.released", iso(t + timedelta(hours=2)), {"to": "ice"})
    )
    other = Story(agency="pierce", booking="OTHER").booked(iso(t))
    ids = await publish(r, s.events_stream, mixed.events + other.events)
    keys = service.keys
    async with running(service):

        async def settled() -> bool:
            return (
                await r.xlen(s.dlq_stream) == 1
                and await pending(r, s.events_stream) == 0
                and len((await booking(r, keys, "{pierce/MIX}")).history) == 3
            )

        await until(settled, timeout=10)
    ((_, letter),) = await r.xrange(s.dlq_stream)
    assert letter[b"reason"] == b"unprocessable"
    assert letter[b"original_id"].decode() == ids[2]
    assert letter[b"detail"] == b"event: could not be applied (OverflowError)"
    assert json.loads(letter[b"errors"]) == [
        {"field": "event", "reason": "could not be applied (OverflowError)"}
    ]
    assert len((await booking(r, keys, "{pierce/OTHER}")).history) == 1
    assert (await booking(r, keys, "{pierce/MIX}")).version >= 1


async def test_a_booking_rebuilt_to_the_same_version_is_read_again(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    """Redis lost a booking and another replica rebuilt it to the same number of commits
    from other events: the version alone would pass the first replica's cache, its
    revision does not, so that replica reads the booking again before it commits."""
    a = build(make_settings(redis_url, prefix, tmp_path, consumer="replica-a"))
    b = build(make_settings(redis_url, prefix, tmp_path, consumer="replica-b"))
    s, r = a.settings, a.redis
    await a.ensure_groups()
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    story = (
        Story(agency="pierce", booking="REV")
        .booked(iso(t))
        .detainer(iso(t + timedelta(minutes=5)))
        .eligible(iso(t + timedelta(hours=1)))
    )
    booked, lodged, eligible = story.events
    tag = "{pierce/REV}"
    keys = a.keys

    async def feed(service: Service, event: dict[str, Any]) -> None:
        await r.xadd(s.events_stream, {"event": json.dumps(event)})
        consumer = service.settings.consumer
        reply = await r.xreadgroup(s.group, consumer, {s.events_stream: ">"}, count=10)
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])

    await feed(a, booked)  # replica A caches the booking at version 1
    await r.delete(keys.booking(tag))  # Redis loses it
    await feed(b, lodged)  # replica B rebuilds it to version 1 from another event
    await feed(a, eligible)
    snap = await booking(r, keys, tag)
    stored = {json.loads(v)["id"] for v in snap.history.values()}
    assert stored == {lodged["id"], eligible["id"]}
    cached = a.monitor.cache.get(tag)
    assert cached is not None and snap.version == 2
    assert {json.loads(v)["id"] for v in cached.stored.values()} == stored
    for service in (a, b):
        await service.redis.aclose()
