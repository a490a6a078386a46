"""An agency's own record (events with no booking: 287(g) activity) never ends, so the
commit compacts it on a real Redis: the keys hold about the retention period, each finding
was announced once on the alerts stream, and an act older than the record keeps, sent
again, is acked without a second announcement."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from holdwatch.adapters.keys import booking_tag
from holdwatch.bootstrap import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from stored_bookings import booking
from story import Story

T0 = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)


def acts(days: range) -> list[str]:
    story = Story(agency="pierce", booking="agency")
    for d in days:
        at = (T0 + timedelta(days=d)).isoformat()
        story.add("wso.activity", at, {"action": "arrest"}, id=f"wso-{d}", subject=None)
    return [json.dumps(e) for e in story.events]


async def test_an_agency_record_stays_bounded(redis_url: str, prefix: str, tmp_path: Path) -> None:
    settings = make_settings(redis_url, prefix, tmp_path, default_profile="ca-sb54")
    now = T0 + timedelta(days=800)
    service = build(settings, clock=lambda: now)
    await service.ensure_groups()
    r, s = service.redis, settings

    async def feed(lines: list[str]) -> None:
        for line in lines:
            await r.xadd(s.events_stream, {"event": line})
        while reply := await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=50):
            await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])

    await feed(acts(range(0, 800, 2)))
    tag = booking_tag("pierce", None)
    snap = await booking(r, service.keys, tag)
    assert snap.compacted_before is not None
    kept_from = snap.compacted_before
    assert now - timedelta(days=450) <= kept_from <= now - timedelta(days=400)
    history = len(snap.history)
    assert history <= 225 + 2  # 450 days of acts every other day, at most
    ledger = [json.loads(v) for v in snap.ledger.values()]
    assert ledger
    assert all(datetime.fromisoformat(f["ended_at"]) >= kept_from for f in ledger)
    alerts = [json.loads(f[b"finding"]) for _i, f in await r.xrange(s.alerts_stream)]
    announced = {(a["finding_id"], a["evidence"][0]) for a in alerts}
    assert len(announced) == len(alerts)  # each finding once
    assert {e for _f, e in announced} == {f"wso-{d}" for d in range(0, 800, 2)}
    await feed(acts(range(0, 10)))  # a producer replays old acts
    assert await r.xlen(s.alerts_stream) == len(alerts)
    assert (await r.xpending(s.events_stream, s.group))["pending"] == 0
    assert len((await booking(r, service.keys, tag)).history) == history
    await r.aclose()
