"""Partitioned keys judge exactly as one partition does: on one Redis, and on a cluster.

The scenario tables run through the monitor with the bookings' shared keys split in three
partitions; the findings the alerts partitions carry must equal the audit's, and every
reader (the API's lists, the gauges) must see all partitions merged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from holdwatch.app.audit import audit
from holdwatch.app.config_file import ConfigError
from holdwatch.app.report import Period
from holdwatch.app.report_sources import from_redis
from holdwatch.bootstrap import booking_store, build, build_api_parts, keys_for
from holdwatch.policy.registry import resolve
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import _tokens_file
from integration.conftest import make_settings
from integration.test_live_equals_audit import RUNS, drive

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: a spread of the scenario tables: every jurisdiction's regimes, a minute of runtime
SAMPLE = RUNS[::4] + RUNS[-2:]


@pytest.fixture
def partitioned(redis_url: str, prefix: str, tmp_path: Path) -> Iterator[Any]:
    def make(**extra: object) -> Settings:
        return make_settings(redis_url, prefix, tmp_path, **({"partitions": 3} | extra))

    return make


async def alerted(service: Service) -> list[dict[str, Any]]:
    """Each finding as its last alert left it, read from every alerts partition."""
    latest: dict[str, dict[str, Any]] = {}
    for part in keys_for(service.settings).parts:
        for _id, fields in await service.redis.xrange(part.alerts):
            finding = json.loads(fields[b"finding"])
            latest[finding["finding_id"]] = finding
    return sorted(
        (f for f in latest.values() if f["status"] != "superseded"),
        key=lambda f: f["finding_id"],
    )


@pytest.mark.parametrize(("fixture", "profile", "as_of"), SAMPLE, ids=lambda v: str(v)[:32])
async def test_three_partitions_judge_as_the_audit(
    fixture: str, profile: str, as_of: str, partitioned: Any
) -> None:
    instant = datetime.fromisoformat(as_of)
    lines = [line for line in (FIXTURES / fixture).read_text().splitlines() if line.strip()]
    service = build(partitioned(default_profile=profile), clock=lambda: instant)
    await service.ensure_groups()
    await drive(service, lines, instant, fixture + profile)
    offline = sorted(
        (f.model_dump(mode="json") for f in audit(lines, resolve(profile), instant)),
        key=lambda f: f["finding_id"],
    )
    assert await alerted(service) == offline
    await service.redis.aclose()


async def test_the_bookings_spread_and_every_reader_merges_them(partitioned: Any) -> None:
    fixture, profile, as_of = RUNS[-1]  # Pierce County: hundreds of bookings
    instant = datetime.fromisoformat(as_of)
    lines = [line for line in (FIXTURES / fixture).read_text().splitlines() if line.strip()]
    settings = partitioned(default_profile=profile)
    service = build(settings, clock=lambda: instant)
    await service.ensure_groups()
    await drive(service, lines, instant, "spread")
    keys = keys_for(settings)
    r = service.redis
    per_part = [await r.xlen(p.alerts) for p in keys.parts]
    assert all(n > 0 for n in per_part), per_part  # every partition carries alerts
    opened = {f["finding_id"] for f in await alerted(service) if f["status"] == "open"}
    tokens = _tokens_file(Path(settings.data_dir).parent / "tokens.toml")
    api = build_api_parts(settings.model_copy(update={"api_tokens_file": tokens}))
    try:
        listed = {f.finding_id for f in await api.store.open_findings()}
        assert listed == opened
        some = sorted(opened)[:5]
        for finding_id in some:
            assert await api.store.booking_of(finding_id) is not None
    finally:
        await api.close()
    # the oversight report reads every partition's bookings
    period = Period(datetime(2016, 1, 1, tzinfo=UTC), datetime(2019, 1, 1, tzinfo=UTC))
    store = booking_store(r, settings)
    report = await from_redis(store, keys, settings.dlq_stream, instant, period)
    bookings = {(json.loads(x)["source"], json.loads(x)["subject"]) for x in lines}
    assert report.scope.bookings == len({subject for _source, subject in bookings})
    assert report.scope.events == len(lines)

    # the gauges: one person held in each partition, one timer due in each
    for part in keys.parts:
        held = {
            "agency": "pierce",
            "facility": f"F{part.index}",
            "profile": profile,
            "detainers": [["I-247A", "I-200"]],
            "hold_deadline_ms": 1,
        }
        await r.hset(part.custody, f"{{pierce/H{part.index}}}", json.dumps(held))
        await r.zadd(part.timers, {f"{{pierce/H{part.index}}}|deadline": 1000 * (part.index + 1)})
    await service.state.refresh()
    snapshot = service.state.snapshot
    assert snapshot.ok
    assert sum(snapshot.detainers.values()) == 3
    assert sum(snapshot.holds.values()) == sum(snapshot.overdue.values()) == 3
    assert snapshot.timers == 3
    assert snapshot.oldest_overdue is not None and snapshot.oldest_overdue > 0
    await r.aclose()


async def test_a_monitor_with_another_partition_count_refuses_to_start(
    partitioned: Any,
) -> None:
    first = build(partitioned())
    await first.ensure_groups()
    again = build(partitioned())  # the same count: starts
    await again.ensure_groups()
    other = build(partitioned(partitions=2))
    with pytest.raises(ConfigError, match=r"HOLDWATCH_PARTITIONS=2.*partitions=3"):
        await other.ensure_groups()
    for service in (first, again, other):
        await service.redis.aclose()
