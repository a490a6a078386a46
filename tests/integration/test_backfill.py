"""A monitor that is behind the stream judges what it has read, not the wall clock.

Two months of a simulated Values Act jail are published in event-time order before any
monitor runs, as after an outage or on a first deploy with history. Judged as of the
clock, a booking whose later events are still unread looks like a violation (a TRUTH Act
copy not yet given, a booking record not yet read by the other replica) and a defender
would get an alert that is withdrawn moments later. Judged as of the frontier, nothing
announced is ever superseded, and the ledger ends equal to the offline audit.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from holdwatch.app.simulate import JAILS, Knobs, simulate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from integration.test_monitor_reliability import (
    Replica,
    alert_states,
    assert_ledger_equals_audit,
    publish,
    settled,
    wait,
)


def history() -> list[str]:
    """`holdwatch simulate --agency lasd --start 2026-09-01 --days 60 --seed 11
    --violation-rate 0.3`, in the order it is published: event time."""
    start = datetime(2026, 9, 1, tzinfo=UTC)
    knobs = Knobs(violation_rate=0.3)
    events = simulate(JAILS["lasd"], start, 60.0, seed=11, knobs=knobs)
    return [json.dumps(e, separators=(",", ":")) for e in events]


@pytest.mark.parametrize("replicas", [1, 2])
def test_an_in_order_backfill_announces_nothing_it_withdraws(
    replicas: int, redis_url: str, prefix: str, tmp_path: Path
) -> None:
    s = make_settings(redis_url, prefix, tmp_path, default_profile="ca-sb54", batch_size=50)
    lines = history()
    c = redis.Redis.from_url(redis_url)
    publish(c, s.events_stream, lines)
    running = [Replica(s, f"replica-{i}") for i in range(replicas)]
    try:
        wait(lambda: settled(c, s), timeout=180, what="the backfill settled")
    finally:
        for r in running:
            r.stop()
    states = alert_states(c, s)
    changes = Counter(change for _fid, change, _rec in states)
    superseded = [json.loads(rec)["code"] for _fid, change, rec in states if change == "superseded"]
    assert superseded == [], f"{len(superseded)} alerts withdrawn: {Counter(superseded)}"
    assert changes["new"] > 30
    assert_ledger_equals_audit(c, s, lines, "ca-sb54")
    c.close()
