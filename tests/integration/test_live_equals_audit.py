"""The live monitor and `holdwatch audit` judge the same events the same way.

Every scenario fixture of every scenario table, and the Pierce County fixture, goes through the monitor on a
real Redis in shuffled order and small batches, with the clock fixed at the scenario's
evaluation instant and its timers fired up to it; the ledger it leaves must equal the
audit's findings, field for field.
"""

from __future__ import annotations

import importlib
import json
import random
import sys
from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import audit
from holdwatch.bootstrap import build
from holdwatch.policy.registry import resolve
from holdwatch.roles import Service

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from stored_bookings import bookings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: every scenario table (unit/test_scenarios*.py) of (fixture, profile, as_of, expected),
#: so a new jurisdiction's file is run too; the agency-record cases, which also name an
#: agencies file, run live in test_agreements_live.py
CASES = [
    case
    for path in sorted((Path(__file__).resolve().parents[1] / "unit").glob("test_scenarios*.py"))
    for case in importlib.import_module(f"unit.{path.stem}").CASES
    if len(case) == 4
]
RUNS = [(f"scenarios/{name}.jsonl", profile, as_of) for name, profile, as_of, _ in CASES] + [
    ("pierce/pierce_hold_bookings.jsonl", "us-federal", "2018-08-01T00:00:00-07:00"),
    ("pierce/pierce_hold_bookings.jsonl", "ca-sb54", "2018-08-01T00:00:00-07:00"),
]


async def drive(service: Service, lines: list[str], instant: datetime, seed: str) -> None:
    """Every event twice (repeats must change nothing), shuffled, in small batches; then
    the timers up to `instant`: out of order, a batch is judged as of the oldest event
    still unread, and what it stored for later instants is judged when its timer fires,
    up to the fixed clock. Each partition's fired timers are read from its own stream."""
    r, s = service.redis, service.settings
    rng = random.Random(seed)
    shuffled = lines * 2
    rng.shuffle(shuffled)
    for line in shuffled:
        await r.xadd(s.events_stream, {"event": line})
    while reply := await r.xreadgroup(
        s.group, s.consumer, {s.events_stream: ">"}, count=rng.randint(1, 7)
    ):
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    while await service.poller.fire_due(until=instant):
        for fired in service.streams[1:]:
            while reply := await r.xreadgroup(s.group, s.consumer, {fired: ">"}):
                await service.monitor.on_timers([(i.decode(), f) for i, f in reply[0][1]], fired)


@pytest.mark.parametrize(("fixture", "profile", "as_of"), RUNS, ids=lambda v: str(v)[:32])
async def test_live_ledger_equals_audit(
    fixture: str, profile: str, as_of: str, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    instant = datetime.fromisoformat(as_of)
    lines = [line for line in (FIXTURES / fixture).read_text().splitlines() if line.strip()]
    settings = make_settings(redis_url, prefix, tmp_path, default_profile=profile)
    service = build(settings, clock=lambda: instant)
    await service.ensure_groups()
    r = service.redis
    await drive(service, lines, instant, fixture + profile)

    ledger = {}
    async for _tag, snap in bookings(r, prefix):
        for fid, record in snap.ledger.items():
            ledger[fid] = json.loads(record)
    live = sorted(
        (f for f in ledger.values() if f["status"] != "superseded"),
        key=lambda f: f["finding_id"],
    )
    offline = sorted(
        (f.model_dump(mode="json") for f in audit(lines, resolve(profile), instant)),
        key=lambda f: f["finding_id"],
    )
    assert live == offline
    assert (await r.xinfo_groups(settings.events_stream))[0]["pending"] == 0
    await r.aclose()
