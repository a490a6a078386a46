"""The agency-level 287(g) duty in the live monitor, on a real Redis.

An agency seen only through a booking has no record of its own; the monitor judges one for
it the first time it sees the agency, which arms a timer at the compliance instant. The
timer, not a new event, raises AGREEMENT_287G_MISSING at that instant (in the agency's zone).
And on every fixture of build_2026b.py the ledger the monitor leaves equals the audit's
findings, field for field, with the agencies file saying the same as the audit is told.

Texas's instant (December 2, 2026) and some evaluation instants are still ahead on the
Redis clock, which the timer script reads (`TIME`), so the tests run the poller's own script
with that one call replaced by the test's clock: everything else (which timers are due,
the fired entry, the frontier's bound) is the poller's.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from holdwatch.adapters.timers import FIRE
from holdwatch.app.audit import audit
from holdwatch.app.horizon import horizon
from holdwatch.app.report import Period
from holdwatch.app.report_sources import from_redis
from holdwatch.bootstrap import booking_store, build
from holdwatch.policy.registry import resolve
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from stored_bookings import bookings
from unit.test_scenarios_2026b import CASES, Agencies, facts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"


def agencies_file(tmp_path: Path, profile: str, agencies: Agencies) -> Path | None:
    if not agencies:
        return None
    lines = []
    for name, entry in agencies.items():
        lines += [f"[agencies.{name}]", f'profile = "{profile}"']
        lines += [f'{key} = "{value}"' for key, value in entry.items()]
    path = tmp_path / "agencies.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Clock:
    """A clock the test moves."""

    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


async def feed(service: Service, lines: list[str], rng: random.Random) -> None:
    """Every line onto the events stream, read back in small batches by the monitor."""
    r, s = service.redis, service.settings
    for line in lines:
        await r.xadd(s.events_stream, {"event": line})
    while reply := await r.xreadgroup(
        s.group, s.consumer, {s.events_stream: ">"}, count=rng.randint(1, 7)
    ):
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])


#: the poller's script, on the test's clock (ARGV[4], ARGV[5]: seconds, microseconds)
FIRE_AT = FIRE.replace("local t = redis.call('TIME')", "local t = {ARGV[4], ARGV[5]}")
assert FIRE_AT != FIRE


async def fire_due(service: Service, now: datetime) -> int:
    """`TimerPoller.fire_due(until=now)` with the Redis clock reading `now`."""
    poller, r = service.poller, service.redis
    outstanding = await poller.frontier.settled()
    limit = horizon(now, outstanding, outstanding.read)
    seconds = int(now.timestamp())
    micros = round((now.timestamp() - seconds) * 1_000_000)
    script = r.register_script(FIRE_AT)
    part = poller.keys.only
    keys = [part.timers, part.timer_data, part.fired]
    args = [poller.limit, poller.maxlen, int(limit.timestamp() * 1000), seconds, micros]
    return int(await script(keys=keys, args=args))


async def fire(service: Service, until: datetime) -> None:
    """Fire the timers due up to `until`, and judge what they name."""
    r, s = service.redis, service.settings
    while await fire_due(service, until):
        while reply := await r.xreadgroup(s.group, s.consumer, {s.timers_stream: ">"}):
            await service.monitor.on_timers([(i.decode(), f) for i, f in reply[0][1]])


async def alerts(redis: Redis, stream: str) -> list[dict[str, Any]]:
    out = []
    for _id, fields in await redis.xrange(stream):
        entry = {k.decode(): v.decode() for k, v in fields.items()}
        entry["finding"] = json.loads(entry["finding"])
        out.append(entry)
    return out


def lines_of(fixture: str) -> list[str]:
    text = (FIXTURES / f"{fixture}.jsonl").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("fixture", "agencies", "deadline"),
    [
        ("TXA1", {}, "2026-12-02T00:00:00-06:00"),
        ("TXA2", {"elpaso": {"timezone": "America/Denver"}}, "2026-12-02T00:00:00-07:00"),
    ],
    ids=["houston", "el-paso"],
)
async def test_the_monitor_raises_the_missing_agreement_at_the_instant(
    fixture: str, agencies: Agencies, deadline: str, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    due = datetime.fromisoformat(deadline)
    clock = Clock(datetime.fromisoformat("2026-11-30T12:00:00-06:00"))
    settings: Settings = make_settings(
        redis_url,
        prefix,
        tmp_path,
        default_profile="tx-sb4",
        agencies_file=agencies_file(tmp_path, "tx-sb4", agencies),
    )
    service = build(settings, clock=clock)
    await service.ensure_groups()
    r = service.redis
    try:
        await feed(service, lines_of(fixture), random.Random(fixture))
        timers = await r.zrange(service.keys.only.timers, 0, -1, withscores=True)
        armed = [score for member, score in timers if b"/}" in member]  # the agency's record
        assert armed == [due.timestamp() * 1000]

        clock.t = due - timedelta(minutes=1)
        await fire(service, clock.t)
        assert await alerts(r, settings.alerts_stream) == []

        clock.t = due + timedelta(seconds=1)
        await fire(service, clock.t)
        [entry] = await alerts(r, settings.alerts_stream)
        finding = entry["finding"]
        assert (entry["change"], entry["trigger"]) == ("new", "timer")
        assert finding["code"] == "AGREEMENT_287G_MISSING"
        assert finding["booking_id"] is None
        assert datetime.fromisoformat(finding["violation_at"]) == due
        assert finding["violation_at"] == deadline  # written in the agency's own zone

        # the live report counts it, on the agency's row, though the record holds no event
        period = Period(due - timedelta(days=1), due + timedelta(days=1))
        store = booking_store(r, settings)
        report = await from_redis(store, service.keys, settings.dlq_stream, clock.t, period)
        row = report.rows[(finding["agency"], "(no booking record)")]
        assert row.findings_by_code["AGREEMENT_287G_MISSING"] == 1
    finally:
        await r.aclose()


@pytest.mark.parametrize(
    ("case", "fixture", "profile", "as_of", "agencies"),
    [c[:5] for c in CASES],
    ids=[c[0] for c in CASES],
)
async def test_live_ledger_equals_audit(
    case: str,
    fixture: str,
    profile: str,
    as_of: str,
    agencies: Agencies,
    redis_url: str,
    prefix: str,
    tmp_path: Path,
) -> None:
    instant = datetime.fromisoformat(as_of)
    lines = lines_of(fixture)
    settings = make_settings(
        redis_url,
        prefix,
        tmp_path,
        default_profile=profile,
        agencies_file=agencies_file(tmp_path, profile, agencies),
    )
    service = build(settings, clock=lambda: instant)
    await service.ensure_groups()
    r = service.redis
    try:
        rng = random.Random(case)
        shuffled = lines * 2  # every event twice: repeats must change nothing
        rng.shuffle(shuffled)
        await feed(service, shuffled, rng)
        await fire(service, instant)
        ledger = {}
        async for _tag, snap in bookings(r, prefix):
            for fid, record in snap.ledger.items():
                ledger[fid] = json.loads(record)
        live = sorted(
            (f for f in ledger.values() if f["status"] != "superseded"),
            key=lambda f: f["finding_id"],
        )
        judged = audit(lines, resolve(profile), instant, facts(agencies))
        offline = sorted((f.model_dump(mode="json") for f in judged), key=lambda f: f["finding_id"])
        assert live == offline
        assert (await r.xinfo_groups(settings.events_stream))[0]["pending"] == 0
    finally:
        await r.aclose()
