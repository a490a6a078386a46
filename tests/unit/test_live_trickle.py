"""The demo's live phase (app/simulate.py `trickle`): judged by the law as the monitor
judges it, every minute brings an alert at the default interval, and a shorter interval
brings them as often; the events are valid contract events. And the calibrated mix no
longer makes a Gonzalez advisory of most detainers, nor a California office of Seattle's."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from holdwatch.app import simulate as sim
from holdwatch.app.audit import audit
from holdwatch.domain.findings import Finding
from holdwatch.policy.registry import resolve

ROOT = Path(__file__).resolve().parents[2]
EVENT = Draft202012Validator(json.loads((ROOT / "schemas" / "event.json").read_text()))
#: the injected clock: a winter Monday, and the night summer time begins in California
STARTS = [datetime(2026, 1, 5, 17, 3, 11, tzinfo=UTC), datetime(2026, 3, 8, 9, 45, tzinfo=UTC)]
ALERTED = {"critical", "high", "warning"}  # what the demo's routes deliver to the terminal


def judged(events: list[dict[str, Any]], profile: str, as_of: datetime) -> list[Finding]:
    lines = "".join(json.dumps(e) + "\n" for e in events).encode()
    return list(audit(io.BytesIO(lines), resolve(profile), as_of))


def gaps(instants: list[datetime], start: datetime, end: datetime) -> list[float]:
    # in UTC: two times of one zone compare by their wall-clock reading, across DST too
    points = [start, *sorted(t.astimezone(UTC) for t in instants), end]
    return [(b - a).total_seconds() for a, b in pairwise(points)]


@pytest.mark.parametrize("start", STARTS, ids=["winter", "dst-start"])
def test_at_the_default_interval_every_minute_brings_an_alert(start: datetime) -> None:
    span = timedelta(minutes=30)
    events = sim.trickle(sim.JAILS["lasd"], start, span, seed=3)
    for e in events:
        EVENT.validate(e)
    found = judged(events, "ca-sb54", start + span + timedelta(hours=1))
    alerts = [f.violation_at for f in found if f.severity in ALERTED]
    assert max(gaps(alerts, start, start + span)) < 60
    assert sum(f.code == "HOLD_BARRED" for f in found) == 60  # one a 30 s interval
    # and a steady trickle of events: never half a minute without one
    assert max(gaps([datetime.fromisoformat(e["time"]) for e in events], start, start + span)) < 30


def test_a_shorter_interval_brings_alerts_as_often() -> None:
    start, span, interval = STARTS[0], timedelta(minutes=2), timedelta(seconds=3)
    events = sim.trickle(sim.JAILS["lasd"], start, span, seed=3, interval=interval)
    found = judged(events, "ca-sb54", start + timedelta(hours=1))
    barred = [f.violation_at for f in found if f.code == "HOLD_BARRED"]
    assert len(barred) == 40 and max(gaps(barred, start, start + span)) < 2 * 3


def test_the_trickle_is_the_same_for_a_seed_and_different_for_another() -> None:
    start, span = STARTS[0], timedelta(minutes=5)
    one = sim.trickle(sim.JAILS["pierce"], start, span, seed=1)
    assert one == sim.trickle(sim.JAILS["pierce"], start, span, seed=1)
    assert one != sim.trickle(sim.JAILS["pierce"], start, span, seed=2)
    assert {e["id"] for e in one}.isdisjoint(
        e["id"] for e in sim.simulate(sim.JAILS["pierce"], start, 1.0, seed=1)
    )


def test_database_only_detainers_are_the_exception_and_seattle_is_not_in_california() -> None:
    start = datetime(2025, 1, 6, 8, tzinfo=UTC)
    knobs = sim.Knobs(detainer_rate=0.05)
    events = sim.simulate(sim.JAILS["pierce"], start, 120.0, seed=5, knobs=knobs)
    detainers = [e for e in events if e["type"] == "detainer.received"]
    assert len(detainers) > 150
    assert {e["data"]["issuing_district"] for e in detainers} == {"W.D. Wash."}
    found = judged(events, "us-federal", start + timedelta(days=200))
    gonzalez = [f for f in found if f.code == "GONZALEZ_DB_ONLY"]
    assert 0.04 < len(gonzalez) / len(detainers) < 0.18  # one in ten, not six in ten
    assert all(f.kind == "advisory" for f in gonzalez)
    # the advisory says the injunction never reached a Seattle office; it never says ICE
    # was enjoined there
    assert all("never reached this office" in f.explanation for f in gonzalez)
    assert not any("was enjoined" in f.explanation for f in gonzalez)
    la = sim.simulate(sim.JAILS["lasd"], start, 30.0, seed=5, knobs=knobs)
    assert {e["data"]["issuing_district"] for e in la if e["type"] == "detainer.received"} == {
        "C.D. Cal."
    }
