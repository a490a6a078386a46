"""What a booking costs in Redis, and a booking of the previous layout, on a real Redis.

The budget is issue 16's: at most 1 KiB of Redis per active booking (`MEMORY USAGE` of its
key: the value, the key's name and its entry in the keyspace).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from holdwatch.app.ports import Commit
from holdwatch.bootstrap import booking_store, build
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from stored_bookings import booking
from story import Story, prior

pytestmark = pytest.mark.asyncio

BUDGET = 1024


@pytest.fixture
async def service(settings: Settings) -> Any:
    svc = build(settings)
    await svc.ensure_groups()
    yield svc
    await svc.redis.aclose()


def iso(t: datetime) -> str:
    return t.isoformat()


async def feed(service: Service, events: list[dict[str, Any]]) -> None:
    """Each event its own read, as a jail's feed delivers them."""
    s, r = service.settings, service.redis
    for event in events:
        await r.xadd(s.events_stream, {"event": json.dumps(event)})
        reply = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=10)
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])


def released(t: datetime) -> Story:
    """The benchmark's usual booking: booked on a charge with a prior, scheduled for
    release, eligible, released (four events, no finding)."""
    return (
        Story(agency="pierce", booking="B25-0003541", source="urn:jms:pierce:main")
        .booked(
            iso(t),
            charges=[("PC 459", "felony")],
            priors=[prior("HS 11350", "misdemeanor", "2010-12-04")],
            facility="Pierce County Jail",
        )
        .add("release.scheduled", iso(t + timedelta(hours=2)), {"expected_at": iso(t)})
        .eligible(iso(t + timedelta(hours=20)), reason="sentence_served")
        .released(iso(t + timedelta(hours=20)))
    )


def held(t: datetime) -> Story:
    """A booking with a detainer, held past its window: events and findings."""
    return (
        Story(agency="pierce", booking="B25-0006563", source="urn:jms:pierce:main")
        .booked(iso(t), facility="Pierce County Jail")
        .detainer(iso(t + timedelta(hours=1)), detainer_id="D-B25-0006563")
        .eligible(iso(t + timedelta(hours=2)))
    )


@pytest.mark.parametrize(
    ("story", "findings"),
    [(released, False), (held, True)],
    ids=["released, four events", "held on a detainer, with findings"],
)
async def test_a_typical_booking_takes_at_most_a_kibibyte(
    service: Service, story: Any, findings: bool
) -> None:
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    events = story(t).events
    await feed(service, events)
    tag = f"{{pierce/{events[0]['subject']}}}"
    snap = await booking(service.redis, service.keys, tag)
    assert len(snap.history) == len(events) and bool(snap.ledger) == findings
    used = await service.redis.memory_usage(service.keys.booking(tag), samples=0)
    assert used is not None and used <= BUDGET, f"{used} B for {tag}"


async def test_a_booking_of_the_previous_layout_is_read_moved_and_committed(
    service: Service,
) -> None:
    """Three hashes (events, findings, meta) as the previous release wrote them: the first
    read gives the same booking and moves it to the packed string, time to live included;
    the next event is committed on top of it, and a repeat of a moved event is only acked."""
    r: Redis = service.redis
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    story = held(t)
    await feed(service, story.events)
    tag = "{pierce/B25-0006563}"
    before = await booking(r, service.keys, tag)
    assert before.ledger and before.version == len(story.events)
    await r.delete(service.keys.booking(tag))
    history, ledger, meta = service.keys.legacy_booking(tag)
    await r.hset(history, mapping=dict(before.history))
    await r.hset(ledger, mapping=dict(before.ledger))
    fields = {"version": before.version, "as_of": iso(before.as_of or t), "rev": before.rev}
    await r.hset(meta, mapping={**fields, "late": 3})
    for key in (history, ledger, meta):
        await r.pexpire(key, 86_400_000)
    service.monitor.cache.drop(tag)

    (snap,) = await booking_store(r, service.settings).load([tag])
    assert snap == replace(before, late=3)
    assert await r.exists(history, ledger, meta) == 0
    assert 0 < await r.pttl(service.keys.booking(tag)) <= 86_400_000
    assert await booking(r, service.keys, tag) == snap

    await feed(service, Story(agency="pierce", booking="B25-0006563").released(iso(t)).events)
    after = await booking(r, service.keys, tag)
    assert (after.version, len(after.history), after.late) == (snap.version + 1, 4, 4)
    service.monitor.cache.drop(tag)
    await feed(service, story.events[:1])  # a repeat: acked, nothing written
    assert (await booking(r, service.keys, tag)).version == after.version
    pending = await r.xpending(service.settings.events_stream, service.settings.group)
    assert pending["pending"] == 0


async def test_an_event_for_an_unread_booking_of_the_previous_layout_keeps_its_history(
    service: Service,
) -> None:
    """The monitor plans a booking it has not seen as new, unread: for a booking still in
    the previous layout that guess is wrong, and the commit must say so (a conflict), so
    the booking is read and moved first, not written afresh over its history."""
    r: Redis = service.redis
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    story = held(t)
    await feed(service, story.events)
    tag = "{pierce/B25-0006563}"
    before = await booking(r, service.keys, tag)
    await r.delete(service.keys.booking(tag))
    history, ledger, meta = service.keys.legacy_booking(tag)
    await r.hset(history, mapping=dict(before.history))
    await r.hset(ledger, mapping=dict(before.ledger))
    fields = {"version": before.version, "as_of": iso(before.as_of or t), "rev": before.rev}
    await r.hset(meta, mapping=fields)
    service.monitor.cache.drop(tag)
    assert service.monitor.guesses.worthwhile  # so the next event is planned unread

    await feed(service, Story(agency="pierce", booking="B25-0006563").released(iso(t)).events)
    after = await booking(r, service.keys, tag)
    assert (after.version, len(after.history)) == (before.version + 1, len(before.history) + 1)
    assert set(before.ledger) <= set(after.ledger)
    assert await r.exists(history, ledger, meta) == 0


async def test_a_long_booking_is_extended_in_place_and_reads_back_whole(
    service: Service,
) -> None:
    """Past 16 KB a commit that keeps the ledger rewrites the header in place and appends
    its events; one that changes the ledger writes the string whole again. Either way the
    booking reads back as committed."""
    r: Redis = service.redis
    store = booking_store(r, service.settings)
    tag = "{pierce/LONG1}"
    t = datetime(2025, 1, 1, tzinfo=UTC)
    acts = [
        (f"urn:jms:pierce\x1fe{i}", json.dumps({"id": f"e{i}", "n": i, "pad": "x" * 40}).encode())
        for i in range(400)
    ]

    def commit(version: int, rev: str, new: str, events: Any, ledger: Any = None) -> Commit:
        alerts = [(fid, record, "new", True) for fid, record in (ledger or {}).items()]
        return Commit(
            tag,
            "pierce",
            "LONG1",
            version,
            t,
            events,
            alerts,
            "event",
            None,
            None,
            None,
            None,
            None,
            [],
            expected_rev=rev,
            rev=new,
            ledger=ledger,
            late=1,
        )

    assert await store.commit("s", [commit(0, "", "r1", acts[:398])]) == [1]
    size = await r.strlen(service.keys.booking(tag))
    assert size > 16_384
    assert await store.commit("s", [commit(1, "r1", "r2", acts[398:399])]) == [2]
    assert await r.strlen(service.keys.booking(tag)) > size  # appended
    ledger = {"F1": '{"finding_id":"F1"}'}
    assert await store.commit("s", [commit(2, "r2", "r3", acts[399:], ledger)]) == [3]
    assert await store.commit("s", [commit(2, "r2", "r4", [])]) == [None]  # a stale read
    snap = await booking(r, service.keys, tag)
    assert (snap.version, snap.rev, snap.late, snap.as_of) == (3, "r3", 3, t)
    assert list(snap.history.items()) == acts and snap.ledger == ledger
