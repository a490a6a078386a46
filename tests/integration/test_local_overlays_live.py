"""The live monitor judges by a deployment's local overlay (HOLDWATCH_OVERLAYS_DIR) as the
audit does, on a real Redis; a bad overlay file stops it at start."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import audit
from holdwatch.app.config_file import ConfigError
from holdwatch.app.local_overlays import load
from holdwatch.bootstrap import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from stored_bookings import bookings

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "deploy" / "overlays"
WA1 = ROOT / "tests" / "fixtures" / "scenarios" / "WA1.jsonl"
SPEC = "us-federal+example-county"
AS_OF = datetime.fromisoformat("2025-03-06T00:00:00-08:00")


async def test_the_monitor_judges_by_a_local_overlay_as_the_audit_does(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    settings = make_settings(
        redis_url, prefix, tmp_path, default_profile=SPEC, overlays_dir=OVERLAYS
    )
    service = build(settings, clock=lambda: AS_OF)
    await service.ensure_groups()
    r, s = service.redis, settings
    lines = [line for line in WA1.read_text().splitlines() if line.strip()]
    for line in lines:
        await r.xadd(s.events_stream, {"event": line})
    while reply := await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=3):
        await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    while await service.poller.fire_due(until=AS_OF):
        while reply := await r.xreadgroup(s.group, s.consumer, {s.timers_stream: ">"}):
            await service.monitor.on_timers([(i.decode(), f) for i, f in reply[0][1]])
    ledger = []
    async for _tag, snap in bookings(r, prefix):
        ledger += [json.loads(v) for v in snap.ledger.values()]
    live = sorted((f for f in ledger if f["status"] != "superseded"), key=lambda f: f["finding_id"])
    offline = sorted(
        (f.model_dump(mode="json") for f in audit(lines, load(OVERLAYS).resolve(SPEC), AS_OF)),
        key=lambda f: f["finding_id"],
    )
    assert live == offline
    assert {f["policy"] for f in live} >= {"example-county@2024-07-01"}
    await r.aclose()


def test_a_bad_overlay_file_stops_the_monitor_at_start(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    bad = tmp_path / "overlays"
    bad.mkdir()
    (bad / "x.toml").write_text('id = "x"\napplies_to = "nowhere"\n')
    settings = make_settings(redis_url, prefix, tmp_path, overlays_dir=bad)
    with pytest.raises(ConfigError, match=r"x\.toml: .*valid_from: Field required"):
        build(settings)
