"""The FastStream monitor on a real Redis: events in, findings on the alerts stream.

Event times are set near now, so hold deadlines and their warnings fall due during the
test and must be fired by the durable timers, not by a new event.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from holdwatch.adapters.embedded import start_embedded
from holdwatch.adapters.metrics import render
from holdwatch.app.ports import Snapshot
from holdwatch.bootstrap import build
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings, redis_cli, running, until
from stored_bookings import booking, put_booking
from story import Story

pytestmark = pytest.mark.asyncio


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(t: datetime) -> str:
    return t.isoformat()


async def publish(redis: Redis, stream: str, story: Story | list[dict[str, Any]]) -> None:
    events = story.events if isinstance(story, Story) else story
    for event in events:
        await redis.xadd(stream, {"event": json.dumps(event)})


async def alerts(redis: Redis, stream: str) -> list[dict[str, Any]]:
    out = []
    for _id, fields in await redis.xrange(stream):
        entry = {k.decode(): v.decode() for k, v in fields.items()}
        entry["finding"] = json.loads(entry["finding"])
        out.append(entry)
    return out


def codes(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["finding"]["code"], e["change"]) for e in entries]


@pytest.fixture
async def service(settings: Settings) -> Any:
    svc = build(settings)
    yield svc
    await svc.redis.aclose()


async def test_hold_deadline_warns_then_fires_on_time(service: Service) -> None:
    """us-federal: 48 elapsed hours from release eligibility, warned 2 s before (test lead)."""
    s, r = service.settings, service.redis
    eligible = now() - timedelta(hours=48) + timedelta(seconds=4)
    deadline = eligible + timedelta(hours=48)
    story = (
        Story(agency="pierce", booking="L1", zone="America/Los_Angeles")
        .booked(iso(eligible - timedelta(hours=5)))
        .detainer(iso(eligible - timedelta(hours=2)))
        .eligible(iso(eligible))
    )
    async with running(service):
        await publish(r, s.events_stream, story)

        async def fired() -> bool:
            return ("HOLD_OVER_WINDOW", "new") in codes(await alerts(r, s.alerts_stream))

        await until(fired, timeout=15)
        found = await alerts(r, s.alerts_stream)
        by_code = {e["finding"]["code"]: e for e in found}
        warning = by_code["HOLD_DEADLINE_APPROACHING"]
        assert warning["trigger"] == "timer"
        assert datetime.fromisoformat(warning["finding"]["violation_at"]) == deadline - timedelta(
            seconds=2
        )
        assert "only an administrative warrant (I-200)" in warning["finding"]["explanation"]
        over = by_code["HOLD_OVER_WINDOW"]
        open_index = service.keys.only.open_findings
        assert await r.hexists(open_index, over["finding"]["finding_id"])
        assert over["trigger"] == "timer"
        assert datetime.fromisoformat(over["finding"]["violation_at"]) == deadline
        assert over["finding"]["ended_at"] is None
        assert 0 <= int(over["late_ms"]) < 5000  # fired within seconds of the deadline
        metrics = (await render(service.registry, service.state)).decode()
        where = 'agency="pierce",facility="Men\'s Central Jail",profile="us-federal@2017-04-02"'
        assert f"holdwatch_holds_active{{{where}}} 1.0" in metrics
        assert f"holdwatch_holds_past_deadline{{{where}}} 1.0" in metrics
        assert 'holdwatch_detainers_in_custody{form="I-247A",warrant="I-200"} 1.0' in metrics
        assert "holdwatch_timer_lateness_seconds_count 2.0" in metrics  # warning + deadline

        # The release ends the hold: the same finding, changed, now with its duration.
        while now() <= deadline:
            await asyncio.sleep(0.05)
        released = now()
        await publish(
            r,
            s.events_stream,
            Story(agency="pierce", booking="L1").add(
                "custody.released", iso(released), {"to": "public"}, id="L1-out"
            ),
        )

        async def resolved() -> bool:
            return ("HOLD_OVER_WINDOW", "changed") in codes(await alerts(r, s.alerts_stream))

        await until(resolved)
        last = [
            e
            for e in await alerts(r, s.alerts_stream)
            if e["finding"]["code"] == "HOLD_OVER_WINDOW"
        ]
        assert [e["change"] for e in last] == ["new", "changed"]
        assert last[1]["finding"]["status"] == "resolved"
        assert last[1]["finding"]["duration_seconds"] == int((released - deadline).total_seconds())
        metrics = (await render(service.registry, service.state)).decode()
        assert "holdwatch_holds_active{" not in metrics  # released: no hold left to show
        assert 'holdwatch_release_latency_seconds_count{detainer="lodged"} 1.0' in metrics
        # every finding state was emitted once
        states = [
            (e["finding"]["finding_id"], json.dumps(e["finding"], sort_keys=True))
            for e in await alerts(r, s.alerts_stream)
        ]
        assert len(states) == len(set(states))
        # the open-findings index: the resolved hold left it; every finding knows its booking
        keys = service.keys
        hold_id = last[0]["finding"]["finding_id"]
        assert not await r.hexists(keys.only.open_findings, hold_id)
        assert await r.hget(keys.only.finding_bookings, hold_id) == b"{pierce/L1}"


async def test_values_act_hold_barred_from_eligibility(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    """ca-sb54 (agency map from TOML): custody past eligibility on a detainer is barred."""
    agencies = tmp_path / "agencies.toml"
    agencies.write_text('[agencies.lasd]\nprofile = "ca-sb54"\n')
    s = make_settings(redis_url, prefix, tmp_path, agencies_file=agencies, default_profile="")
    service = build(s)
    r = service.redis
    t0 = now()
    scheduled = t0 + timedelta(seconds=3)
    story = (
        Story(agency="lasd", booking="B7")
        .booked(iso(t0 - timedelta(hours=6)))
        .detainer(iso(t0 - timedelta(hours=3)), warrant="none")
        .add("release.scheduled", iso(t0 - timedelta(hours=2)), {"expected_at": iso(scheduled)})
    )
    async with running(service):
        await publish(r, s.events_stream, story)

        async def warned() -> bool:
            return ("HOLD_DEADLINE_APPROACHING", "new") in codes(await alerts(r, s.alerts_stream))

        await until(warned)
        warning = next(
            e
            for e in await alerts(r, s.alerts_stream)
            if e["finding"]["code"] == "HOLD_DEADLINE_APPROACHING"
        )
        assert "no warrant of any kind is on file" in warning["finding"]["explanation"]
        assert warning["finding"]["citation"] == "Cal. Gov. Code §7284.6(a)(1)(B)"

        eligible = now()
        await publish(
            r,
            s.events_stream,
            Story(agency="lasd", booking="B7").add(
                "release.eligible", iso(eligible), {"reason": "bond_posted"}, id="B7-re"
            ),
        )

        async def barred() -> bool:
            return ("HOLD_BARRED", "new") in codes(await alerts(r, s.alerts_stream))

        await until(barred)
        hold = next(
            e for e in await alerts(r, s.alerts_stream) if e["finding"]["code"] == "HOLD_BARRED"
        )
        assert datetime.fromisoformat(hold["finding"]["violation_at"]) == eligible
        assert hold["finding"]["policy"] == "ca-sb54@2018-01-01"
    await r.aclose()


async def test_poison_entries_are_dead_lettered_and_the_rest_goes_on(service: Service) -> None:
    s, r = service.settings, service.redis
    good = Story(agency="pierce", booking="G1").booked(iso(now() - timedelta(hours=1)))
    await r.xadd(s.events_stream, {"event": b"{not json"})
    await r.xadd(
        s.events_stream, {"event": json.dumps({**good.events[0], "time": "2025-01-01T00:00:00"})}
    )
    await r.xadd(
        s.events_stream, {"event": json.dumps({**good.events[0], "type": "booking.teleported"})}
    )
    await r.xadd(s.events_stream, {"payload": "no event field here"})
    bad_ids = [i.decode() for i, _ in await r.xrange(s.events_stream)]
    await publish(r, s.events_stream, good)
    async with running(service):

        async def settled() -> bool:
            info = await r.xinfo_groups(s.events_stream)
            return (
                await r.xlen(s.dlq_stream) == 4
                and info[0]["pending"] == 0
                and len((await booking(r, service.keys, "{pierce/G1}")).history) == 1
            )

        await until(settled)
    letters = [
        {k.decode(): v.decode() for k, v in f.items()} for _i, f in await r.xrange(s.dlq_stream)
    ]
    assert [x["original_id"] for x in letters] == bad_ids
    assert [x["reason"] for x in letters] == [
        "invalid_event",
        "invalid_event",
        "invalid_event",
        "no_event_field",
    ]
    assert letters[0]["detail"] == "event: is not valid JSON"
    assert letters[1]["detail"] == "time: must be an RFC 3339 timestamp with a UTC offset"
    assert letters[2]["detail"] == "type: is not a known event type"
    assert json.loads(letters[1]["errors"]) == [
        {"field": "time", "reason": "must be an RFC 3339 timestamp with a UTC offset"}
    ]
    assert letters[0]["payload"] == "{not json"
    assert letters[3]["payload"] == "payload=no event field here"


async def only_dead_letter(service: Service, *, bad: str, good: str) -> dict[bytes, bytes]:
    """Book `bad` and `good`, run until one entry is dead-lettered with nothing left
    pending, and return that letter."""
    s, r = service.settings, service.redis
    t = iso(now() - timedelta(hours=1))
    await publish(r, s.events_stream, Story(agency="pierce", booking=bad).booked(t))
    await publish(r, s.events_stream, Story(agency="pierce", booking=good).booked(t))
    async with running(service):

        async def dead() -> bool:
            return await r.xlen(s.dlq_stream) == 1

        await until(dead, timeout=20)
        info = await r.xinfo_groups(s.events_stream)
        assert info[0]["pending"] == 0
    ((_, letter),) = await r.xrange(s.dlq_stream)
    return dict(letter)


async def test_entry_that_keeps_failing_is_dead_lettered_after_n_deliveries(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A booking whose judgement raises stays pending, is reclaimed, then dead-lettered."""
    import holdwatch.app.monitor as monitor_module  # noqa: PLC0415

    real = monitor_module.judge_fold

    def flaky(fold: Any, *args: Any, **kw: Any) -> Any:
        if fold.state.booking_id == "BOOM":
            raise RuntimeError("simulated defect")
        return real(fold, *args, **kw)

    monkeypatch.setattr(monitor_module, "judge_fold", flaky)
    s, r = service.settings, service.redis
    letter = await only_dead_letter(service, bad="BOOM", good="OK1")
    assert letter[b"reason"] == b"delivery_limit"
    assert int(letter[b"deliveries"]) == s.dead_letter_after + 1
    assert json.loads(letter[b"payload"])["subject"] == "BOOM"
    assert len((await booking(r, service.keys, "{pierce/OK1}")).history) == 1


BAD_EVENT = b'{"specversion": "1.0", "type": "booking.created"}'


@pytest.mark.parametrize(
    "garble",
    [
        lambda blob: blob,
        lambda blob: blob[:-4],  # the last event cut short
        lambda blob: blob[:3],  # not even the header
    ],
    ids=["an event that is not valid", "a string cut short", "a header cut short"],
)
async def test_a_booking_whose_stored_history_is_unreadable_is_dead_lettered(
    service: Service, garble: Any
) -> None:
    """Redis holding an event that is not valid, or a booking that does not decode (edited
    by hand, say), stops that booking only: its new entries are reclaimed, then
    dead-lettered; the rest goes on, and the booking's string is left as it was."""
    r = service.redis
    broken = "{pierce/BROKEN}"
    await put_booking(r, service.keys, broken, Snapshot(1, None, {"jail\x1fe-0": BAD_EVENT}))
    key = service.keys.booking(broken)
    await r.set(key, garble(await r.get(key)))
    stored = await r.get(key)
    letter = await only_dead_letter(service, bad="BROKEN", good="OK2")
    assert letter[b"reason"] == b"delivery_limit"
    assert json.loads(letter[b"payload"])["subject"] == "BROKEN"
    assert await r.get(key) == stored  # nothing was added to the unreadable booking
    assert len((await booking(r, service.keys, "{pierce/OK2}")).history) == 1


async def test_a_redis_cli_producer_is_accepted(service: Service) -> None:
    """The contract's producer needs nothing but `XADD holdwatch:events * event '<json>'`."""
    s, r = service.settings, service.redis
    t = now()
    story = (
        Story(agency="pierce", booking="CLI1")
        .booked(iso(t - timedelta(hours=60)))
        .detainer(iso(t - timedelta(hours=59)), warrant="none")
        .eligible(iso(t - timedelta(hours=50)))
    )
    url = s.redis_url or ""
    target = ["-s", url.removeprefix("unix://")] if url.startswith("unix://") else ["-u", url]
    for event in story.events:
        subprocess.run(
            [redis_cli(), *target, "XADD", s.events_stream, "*", "event", json.dumps(event)],
            check=True,
            capture_output=True,
        )
    async with running(service):

        async def judged() -> bool:
            return ("HOLD_OVER_WINDOW", "new") in codes(await alerts(r, s.alerts_stream))

        await until(judged)
    found = {e["finding"]["code"] for e in await alerts(r, s.alerts_stream)}
    assert {"HOLD_OVER_WINDOW", "NO_ADMIN_WARRANT"} <= found


async def test_a_faststream_publisher_is_accepted(service: Service) -> None:
    """The contract (schemas/README.md): FastStream messages whose body is the same JSON
    are accepted too."""
    from faststream.redis import RedisBroker  # noqa: PLC0415

    s, r = service.settings, service.redis
    t = now()
    story = (
        Story(agency="pierce", booking="FS1")
        .booked(iso(t - timedelta(hours=60)))
        .detainer(iso(t - timedelta(hours=59)), warrant="none")
        .eligible(iso(t - timedelta(hours=50)))
    )
    producer = RedisBroker(service.url)
    async with producer:
        await producer.start()
        for event in story.events:
            await producer.publish(event, stream=s.events_stream)
    async with running(service):

        async def judged() -> bool:
            return ("HOLD_OVER_WINDOW", "new") in codes(await alerts(r, s.alerts_stream))

        await until(judged)
    assert await r.xlen(s.dlq_stream) == 0


async def armed_then_down(service: Service, booking: str, down: float) -> datetime:
    """A hold whose 48-hour deadline comes 3 s from now, its timer armed by a running
    monitor that then stops for `down` seconds; returns the release eligibility."""
    s, r = service.settings, service.redis
    eligible = now() - timedelta(hours=48) + timedelta(seconds=3)
    story = (
        Story(agency="pierce", booking=booking)
        .booked(iso(eligible - timedelta(hours=5)))
        .detainer(iso(eligible - timedelta(hours=2)))
        .eligible(iso(eligible))
    )
    async with running(service):
        await publish(r, s.events_stream, story)

        async def armed() -> bool:
            return bool(await r.zcard(service.keys.only.timers))

        await until(armed)
    await asyncio.sleep(down)  # every replica is down while the deadline passes
    return eligible


async def test_timers_survive_downtime_and_fire_late_saying_how_late(service: Service) -> None:
    s, r = service.settings, service.redis
    eligible = await armed_then_down(service, "DT1", 5)
    restarted = build(service.settings)
    async with running(restarted):

        async def fired() -> bool:
            return ("HOLD_OVER_WINDOW", "new") in codes(await alerts(r, s.alerts_stream))

        await until(fired)
    over = next(
        e for e in await alerts(r, s.alerts_stream) if e["finding"]["code"] == "HOLD_OVER_WINDOW"
    )
    assert int(over["late_ms"]) >= 1500
    assert datetime.fromisoformat(over["finding"]["violation_at"]) == eligible + timedelta(hours=48)
    await restarted.redis.aclose()


async def test_entries_of_a_dead_replica_are_reclaimed(service: Service) -> None:
    """A consumer read entries and died; after the idle limit another replica applies them."""
    s, r = service.settings, service.redis
    await service.ensure_groups()
    await publish(r, s.events_stream, Story(agency="pierce", booking="RC1").booked(iso(now())))
    await r.xreadgroup(s.group, "replica-dead", {s.events_stream: ">"}, count=10)
    assert (await r.xpending(s.events_stream, s.group))["pending"] == 1
    async with running(service):

        async def reclaimed() -> bool:
            return len((await booking(r, service.keys, "{pierce/RC1}")).history) == 1

        await until(reclaimed, timeout=10)
        await until(lambda: _no_pending(r, s.events_stream, s.group))


async def _no_pending(r: Redis, stream: str, group: str) -> bool:
    return bool((await r.xpending(stream, group))["pending"] == 0)


async def test_release_before_the_deadline_cancels_the_timers(service: Service) -> None:
    s, r = service.settings, service.redis
    eligible = now() - timedelta(hours=1)
    story = (
        Story(agency="pierce", booking="CX1")
        .booked(iso(eligible - timedelta(hours=5)))
        .detainer(iso(eligible - timedelta(hours=2)))
        .eligible(iso(eligible))
    )
    async with running(service):
        await publish(r, s.events_stream, story)
        timers = service.keys.only.timers

        async def armed() -> bool:
            return await r.zcard(timers) == 2  # the deadline and its warning

        await until(armed)
        release = Story(agency="pierce", booking="CX1").add(
            "custody.released", iso(now()), {"to": "public"}, id="CX1-out"
        )
        await publish(r, s.events_stream, release)

        async def cancelled() -> bool:
            return await r.zcard(timers) == 0

        await until(cancelled)
    assert await r.hlen(service.keys.only.custody) == 0
    # closed: its keys now expire after the retention period
    ttl = await r.pttl(service.keys.booking("{pierce/CX1}"))
    assert 399 * 86_400_000 < ttl <= 400 * 86_400_000


async def test_close_finishes_a_batch_read_while_the_subscribers_stopped(
    service: Service,
) -> None:
    """A stop that cancels an in-flight XREADGROUP leaves its batch delivered to this
    consumer and unhandled; closing the service must apply and ack it, not leave it pending."""
    s, r = service.settings, service.redis
    await service.ensure_groups()
    await publish(r, s.events_stream, Story(agency="pierce", booking="SD1").booked(iso(now())))
    await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=10)  # the lost read
    tag = "{pierce/SD1}"
    async with Redis.from_url(service.url) as check:
        assert (await check.xpending(s.events_stream, s.group))["pending"] == 1
        await service.close()
        assert (await check.xpending(s.events_stream, s.group))["pending"] == 0
        assert len((await booking(check, service.keys, tag)).history) == 1


async def test_a_second_copy_of_a_detainer_is_one_detainer_and_stops_nothing(
    service: Service,
) -> None:
    """ICE re-sends a detainer under a new event id: the fold records an anomaly, the batch
    commits without raising, and the detainer counter counts one detainer, not two."""
    s, r = service.settings, service.redis
    t = now() - timedelta(hours=3)
    story = (
        Story(agency="pierce", booking="DD1")
        .booked(iso(t))
        .detainer(iso(t + timedelta(minutes=5)))
        .detainer(iso(t + timedelta(minutes=6)))  # same detainer_id D1, new event id
    )
    await service.ensure_groups()
    await publish(r, s.events_stream, story)
    reply = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=10)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    assert await _no_pending(r, s.events_stream, s.group)
    assert len((await booking(r, service.keys, "{pierce/DD1}")).history) == 3
    metrics = (await render(service.registry, service.state)).decode()
    assert 'holdwatch_detainers_total{form="I-247A",warrant="I-200"} 1.0' in metrics
    assert 'holdwatch_detainer_bases_total{basis="pending_proceedings"} 1.0' in metrics


async def test_a_redis_that_lost_the_scripts_gets_them_again(tmp_path: Path) -> None:
    """After SCRIPT FLUSH (or a Redis restarted without them) loads and commits go on.
    On a Redis of its own: flushing scripts on a shared server would touch other users."""
    embedded = start_embedded(tmp_path / "own-redis")
    service = build(make_settings(embedded.url, "hwt-noscript", tmp_path))
    s, r = service.settings, service.redis
    t = now() - timedelta(hours=1)
    story = Story(agency="pierce", booking="NS1").booked(iso(t))

    async def apply(event: dict[str, Any]) -> None:
        await r.script_flush()
        await publish(r, s.events_stream, [event])
        reply = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=10)
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
        assert await _no_pending(r, s.events_stream, s.group)

    try:
        await service.ensure_groups()
        await apply(story.events[0])  # a new booking: NOSCRIPT on the load
        assert service.monitor.cache.get("{pierce/NS1}") is not None
        await apply(story.detainer(iso(t + timedelta(minutes=5))).events[-1])  # on the commit
        assert len((await booking(r, service.keys, "{pierce/NS1}")).history) == 2
    finally:
        await r.aclose()
        embedded.close()


async def test_late_and_out_of_order_arrivals_are_counted_per_booking(service: Service) -> None:
    """Data fidelity for the compliance report: kept in the booking's meta by the commit."""
    s, r = service.settings, service.redis
    t = now()
    story = (
        Story(agency="pierce", booking="LO1")
        .booked(iso(t - timedelta(hours=1)))  # an hour old when it arrives: late
        .eligible(iso(t))
    )
    await service.ensure_groups()
    for event in (story.events[1], story.events[0]):  # eligibility first, the booking after
        await publish(r, s.events_stream, [event])
        reply = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=10)
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    snap = await booking(r, service.keys, "{pierce/LO1}")
    assert (snap.late, snap.out_of_order) == (1, 1)


async def test_after_downtime_timers_fire_in_order_with_the_events_written_meanwhile(
    service: Service,
) -> None:
    """The deadline passes while every replica is down, and so does the person's release,
    a second before it, written behind a backlog of other events. Fired at once on
    restart, the deadline would be judged before the release is read: a hold past the
    window announced, then withdrawn. Fired when the stream has been applied up to it,
    there is nothing to announce."""
    s, r = service.settings, service.redis
    deadline = await armed_then_down(service, "DT2", 4) + timedelta(hours=48)
    released = deadline - timedelta(seconds=1)
    backlog = [
        Story(agency="pierce", booking=f"BL{i}").booked(iso(released - timedelta(minutes=30)))
        for i in range(1500)
    ]
    async with r.pipeline(transaction=False) as pipe:
        for b in backlog:
            pipe.xadd(s.events_stream, {"event": json.dumps(b.events[0])})
        await pipe.execute()
    out = Story(agency="pierce", booking="DT2").add(
        "custody.released", iso(released), {"to": "public"}, id="DT2-out"
    )
    await publish(r, s.events_stream, out)
    restarted = build(service.settings)
    async with running(restarted):

        async def applied() -> bool:
            info = (await r.xinfo_groups(s.events_stream))[0]
            history = len((await booking(r, restarted.keys, "{pierce/DT2}")).history)
            return info["pending"] == 0 and history == 4

        await until(applied, timeout=60)
        await asyncio.sleep(1)  # a timer the poller fired would be judged by now
    assert [c for c in codes(await alerts(r, s.alerts_stream)) if c[0] == "HOLD_OVER_WINDOW"] == []
    await restarted.redis.aclose()
