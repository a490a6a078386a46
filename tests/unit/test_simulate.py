"""The jail simulator: valid against the published JSON Schemas, deterministic, and its
rates within stated tolerances of the numbers it is calibrated on (app/simulate.py)."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from holdwatch.app import simulate as sim
from holdwatch.app.audit import audit
from holdwatch.policy.registry import resolve

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2025, 1, 6, 8, tzinfo=UTC)  # a Monday morning in Tacoma
YEAR = 365.0


@cache
def year() -> tuple[dict[str, Any], ...]:
    return tuple(sim.simulate(sim.JAILS["pierce"], START, YEAR, seed=11))


def bookings(events: tuple[dict[str, Any], ...]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        out.setdefault(e["subject"], []).append(e)
    return out


def at(e: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(e["time"])


def test_every_event_meets_the_published_json_schema() -> None:
    schemas = ROOT / "schemas"
    registry: Registry[Any] = Registry()
    for path in schemas.rglob("*.json"):
        if path.name == "asyncapi.json":  # the streams' AsyncAPI document, not a JSON Schema
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(path.name, Resource.from_contents(doc))
    union = json.loads((schemas / "event.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(union, registry=registry)
    sample = sim.simulate(sim.JAILS["lasd"], START, 60, seed=3, knobs=sim.Knobs(0.2, 0.3))
    assert {e["type"] for e in sample} >= {
        "booking.created", "detainer.received", "truth.notice_given", "ice.notified",
        "detainer.cancelled", "release.eligible", "custody.released",
    }  # fmt: skip
    for event in sample:
        validator.validate(event)


def test_the_same_seed_gives_the_same_events_and_another_does_not() -> None:
    a = sim.simulate(sim.JAILS["pierce"], START, 3, seed=5)
    assert a == sim.simulate(sim.JAILS["pierce"], START, 3, seed=5)
    assert a != sim.simulate(sim.JAILS["pierce"], START, 3, seed=6)
    assert [at(e) for e in a] == sorted(at(e) for e in a)


def test_bookings_per_day_and_detainer_share_match_pierce_county() -> None:
    booked = [e for e in year() if e["type"] == "booking.created"]
    per_day = len(booked) / YEAR
    assert abs(per_day - sim.PIERCE_BOOKINGS_PER_DAY) / sim.PIERCE_BOOKINGS_PER_DAY < 0.03
    detained = {e["subject"] for e in year() if e["type"] == "detainer.received"}
    share = len(detained) / len(booked)
    # 0.64%; over ~16,000 bookings one standard error is about 0.06 points: allow 3
    assert abs(share - sim.PIERCE_DETAINER_RATE) < 0.0019


def test_weekdays_follow_travis_county() -> None:
    days = Counter(at(e).weekday() for e in year() if e["type"] == "booking.created")
    expected = sim.WEEKDAY_WEIGHTS[6] / sim.WEEKDAY_WEIGHTS[2]  # Sunday over Wednesday: 1.85
    assert abs(days[6] / days[2] - expected) < 0.15


@pytest.mark.parametrize(
    ("q", "calibrated", "tolerance"), [(0.25, 1.08, 0.2), (0.5, 3.19, 0.2), (0.75, 23.24, 0.2)]
)
def test_lengths_of_stay_match_pierce_county_quantiles(
    q: float, calibrated: float, tolerance: float
) -> None:
    stays = []
    for events in bookings(year()).values():
        kinds = {e["type"]: e for e in events}
        booked = at(kinds["booking.created"])
        # only the first quarter's bookings: nearly all their stays end within the year
        if booked < START + timedelta(days=90) and "detainer.received" not in kinds:
            ended = at(kinds["release.eligible"]) if "release.eligible" in kinds else None
            stays.append((ended - booked) / timedelta(days=1) if ended else YEAR)
    cut = statistics.quantiles(stays, n=100)[round(q * 100) - 1]
    assert abs(cut - calibrated) / calibrated < tolerance


def test_the_violation_rate_is_what_the_audit_finds() -> None:
    """Under the Values Act every hold past release is barred: the audit must find one
    HOLD_BARRED per booking the simulator kept past eligibility, and no more."""
    events = sim.simulate(sim.JAILS["lasd"], START, 120, seed=2, knobs=sim.Knobs(0.05, 0.4))
    kept = set()
    for subject, events_ in bookings(tuple(events)).items():
        kinds = {e["type"]: e for e in events_}
        if "release.eligible" not in kinds:
            continue
        released = kinds.get("custody.released")  # none: still held when the window ended
        if released is None or at(released) > at(kinds["release.eligible"]):
            kept.add(subject)
    assert kept  # the knob did something
    lines = [json.dumps(e).encode() for e in events]
    findings = audit(lines, resolve("ca-sb54"), START + timedelta(days=200))
    barred = {f.booking_id for f in findings if f.code == "HOLD_BARRED"}
    assert barred == kept


def test_forms_follow_the_era_of_the_booking() -> None:
    """I-247 (and the rare I-247D and I-247N) before April 2017, the I-247A after."""
    knobs = sim.Knobs(detainer_rate=0.5)
    start = datetime(2016, 12, 1, tzinfo=UTC)
    events = sim.simulate(sim.JAILS["pierce"], start, 240, seed=4, knobs=knobs)
    forms: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    booked = {e["subject"]: at(e) for e in events if e["type"] == "booking.created"}
    for e in events:
        if e["type"] == "detainer.received":
            forms[booked[e["subject"]] >= sim.I247A_FROM][e["data"]["form"]] += 1
    assert set(forms[True]) == {"I-247A"}
    before = forms[False]
    assert before["I-247"] / sum(before.values()) > 0.9 and set(before) <= {
        "I-247",
        "I-247D",
        "I-247N",
    }
