"""The importers: each public layout's rows become contract events naming their file and
row, with each source's outcome mapped as its README says."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from holdwatch.app.audit import audit
from holdwatch.app.importers import LAYOUTS
from holdwatch.domain.contract import parse_event
from holdwatch.policy.profiles import resolve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def imported(layout: str) -> list[dict[str, Any]]:
    return list(LAYOUTS[layout](FIXTURES / f"{layout}_sample.csv"))


def by_booking(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        out[e["subject"]].append(e)
    return out


@pytest.mark.parametrize(("layout", "bookings"), [("pierce", 3), ("travis", 20), ("pa", 24)])
def test_every_event_meets_the_contract_and_names_its_row(layout: str, bookings: int) -> None:
    events = imported(layout)
    rows = sum(1 for _ in csv.DictReader((FIXTURES / f"{layout}_sample.csv").open()))
    for e in events:
        parse_event(json.dumps(e))
        assert e["provenancefile"] == f"{layout}_sample.csv"
        assert 1 <= e["provenancerow"] <= rows
    assert len(by_booking(events)) == bookings
    assert len({(e["source"], e["id"]) for e in events}) == len(events)  # ids are unique


@pytest.mark.parametrize(
    ("reason", "last"),
    [
        ("Booked into Detention", ("custody.released", "ice")),
        ("Detainer Declined by LEA", ("custody.released", "public")),
        ("Lifted", ("detainer.cancelled", None)),
        ("Case Closed", ("detainer.cancelled", None)),
        ("", ("detainer.received", None)),  # still open
    ],
)
def test_pa_lift_reasons_close_the_episode(reason: str, last: tuple[str, str | None]) -> None:
    rows = list(csv.DictReader((FIXTURES / "pa_sample.csv").open()))
    number = next(i for i, r in enumerate(rows, start=1) if r["detainer_lift_reason"] == reason)
    events = [e for e in imported("pa") if e["provenancerow"] == number]
    assert (events[-1]["type"], events[-1]["data"].get("to")) == last
    assert all(e["provenancesynthetic"] for e in events)


def test_travis_outcomes_and_day_precision() -> None:
    rows = list(csv.DictReader((FIXTURES / "travis_sample.csv").open()))
    events = by_booking(imported("travis"))
    for row in rows:
        mine = events[row["booking_key"]]
        assert all(e["provenanceprecision"] == "day" for e in mine)
        assert mine[0]["time"].startswith(row["booking_date"] + "T12:00:00")
        kind = row["detainer_disposition_type"]
        if kind == "RELEASED TO ICE":
            assert mine[-1]["type"] == "custody.released" and mine[-1]["data"]["to"] == "ice"
        elif kind == "WARRANT WITHDRAWN":
            assert mine[-1]["type"] == "detainer.cancelled"


def test_pierce_outcomes() -> None:
    last = {s: e[-1] for s, e in by_booking(imported("pierce")).items()}
    outcomes = sorted((e["type"], e["data"].get("to")) for e in last.values())
    assert outcomes == [
        ("custody.released", "ice"),
        ("custody.released", "other_agency"),
        ("custody.released", "public"),  # the cancelled detainer: released after it ended
    ]


@pytest.mark.parametrize(
    ("layout", "profile", "expected"),
    [
        # I-247D bookings from before April 2017: the window is unverified, so REVIEW
        ("pierce", "us-federal", {"REVIEW": 3}),
        # the form is not in the data ("other"): every booking gets a REVIEW, never a guess
        ("travis", "us-federal-legacy", {"REVIEW": 20, "HOLD_OVER_WINDOW": 1}),
        # synthesized closings a day after the detainer: no hold to judge
        ("pa", "us-federal-legacy", {}),
    ],
)
def test_imported_histories_can_be_audited(
    layout: str, profile: str, expected: dict[str, int]
) -> None:
    lines = [json.dumps(e).encode() for e in imported(layout)]
    findings = audit(lines, resolve(profile), datetime(2026, 1, 1, tzinfo=UTC))
    assert Counter(f.code for f in findings) == expected
