"""The committed JSON Schemas match the models (regenerate with `make schemas`), and a
standard validator with no format checker accepts exactly the timestamps holdwatch does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from holdwatch.app.audit import audit
from holdwatch.app.schemas import render, schemas
from holdwatch.domain.contract import ContractError, parse_event
from holdwatch.domain.instants import DATE_PATTERN, INSTANT_PATTERN, OFFSET_PATTERN
from holdwatch.policy.registry import resolve

BOOKING: dict[str, Any] = {
    "specversion": "1.0",
    "id": "e0",
    "source": "urn:test",
    "type": "booking.created",
    "time": "2025-04-07T21:15:00-07:00",
    "subject": "B1",
    "agency": "lasd",
    "data": {
        "facility": "F",
        "person": {"person_id": "p1"},
        "prior_convictions": [{"code": "PC 487", "level": "felony", "convicted_on": "2012-01-01"}],
    },
}

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
GENERATED = schemas()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_committed_schema_matches_models(name: str) -> None:
    path = SCHEMAS / name
    assert path.exists(), f"{name} missing: run `make schemas`"
    assert path.read_text(encoding="utf-8") == render(GENERATED[name]), (
        f"{name} drifted from the models: run `make schemas` and review the diff"
    )


def test_no_stale_schema_files() -> None:
    committed = {str(p.relative_to(SCHEMAS)) for p in SCHEMAS.rglob("*.json")}
    assert committed == set(GENERATED) | {"asyncapi.json"}  # tests/unit/test_asyncapi.py


def test_every_event_type_has_a_schema_requiring_an_offset() -> None:
    booking = GENERATED["events/booking.created.json"]
    assert set(booking["required"]) >= {
        "specversion",
        "id",
        "source",
        "type",
        "time",
        "agency",
        "subject",
        "data",
    }
    assert booking["properties"]["time"]["format"] == "date-time"
    assert json.dumps(GENERATED["finding.json"]).count("violation_at") >= 1


# --- the schemas enforce what holdwatch enforces, with the default validator ------------

ROOT = SCHEMAS.parent
HISTORIES = sorted(
    [*(ROOT / "examples").glob("*.jsonl"), *(ROOT / "tests" / "fixtures").rglob("*.jsonl")]
)
VALID_LINES = [
    pytest.param(line, id=f"{path.name}:{number}")
    for path in HISTORIES
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    if line.strip()
]
#: No format checker: what a producer gets from `jsonschema` without asking for more.
EVENT = Draft202012Validator(json.loads((SCHEMAS / "event.json").read_text(encoding="utf-8")))
FINDING = Draft202012Validator(json.loads((SCHEMAS / "finding.json").read_text(encoding="utf-8")))
BASE = {
    "specversion": "1.0",
    "id": "e1",
    "source": "urn:test",
    "type": "release.scheduled",
    "time": "2025-04-08T11:00:00-07:00",
    "subject": "B1",
    "agency": "lasd",
    "data": {"expected_at": "2025-04-09T11:00:00-07:00"},
}


def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(n for v in node.values() for n in _walk(v))]
    if isinstance(node, list):
        return [n for v in node for n in _walk(v)]
    return []


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_every_timestamp_and_date_in_every_schema_has_a_pattern(name: str) -> None:
    nodes = [n for n in _walk(GENERATED[name]) if n.get("format") in ("date-time", "date")]
    assert nodes, f"{name} has no timestamp"
    for node in nodes:
        if name in ("finding.json", "comparison.json"):  # what holdwatch emits
            assert node["pattern"] == OFFSET_PATTERN
        elif node["format"] == "date-time":
            assert node["pattern"] == INSTANT_PATTERN
        else:
            assert node["pattern"] == DATE_PATTERN


@pytest.mark.parametrize("line", VALID_LINES)
def test_every_example_and_fixture_event_meets_the_schema(line: str) -> None:
    EVENT.validate(json.loads(line))


REJECTED = [
    ("no offset", "time", "2025-04-08T11:00:00"),
    ("no offset in data", "expected_at", "2025-04-08T11:00:00"),
    ("year 9999", "time", "9999-12-31T23:59:59+00:00"),
    ("year 1 east of UTC", "expected_at", "0001-01-01T00:00:00+14:00"),
    ("year 2200", "time", "2200-01-01T00:00:00Z"),
    ("year 1899", "time", "1899-12-31T23:59:59Z"),
    ("digits", "time", "1744085700"),
    ("space for T", "time", "2025-04-08 11:00:00Z"),
    ("offset without colon", "time", "2025-04-08T11:00:00+0000"),
    ("29 February 2025", "time", "2025-02-29T11:00:00Z"),
]


@pytest.mark.parametrize(("case", "where", "value"), REJECTED, ids=[r[0] for r in REJECTED])
def test_the_default_validator_rejects_what_holdwatch_rejects(
    case: str, where: str, value: str
) -> None:
    event = json.loads(json.dumps(BASE))
    if where == "time":
        event["time"] = value
    else:
        event["data"][where] = value
    assert not EVENT.is_valid(event), case
    with pytest.raises(ContractError):
        parse_event(json.dumps(event))


def test_every_scenario_finding_meets_the_finding_schema() -> None:
    checked = 0
    for path in sorted((ROOT / "tests" / "fixtures" / "scenarios").glob("*.jsonl")):
        with path.open("rb") as handle:
            for finding in audit(handle, resolve("ca-sb54"), datetime(2026, 1, 1, tzinfo=UTC)):
                FINDING.validate(finding.model_dump(mode="json"))
                checked += 1
    assert checked > 20
    assert not FINDING.is_valid({**finding.model_dump(mode="json"), "violation_at": "2025-04-08"})


# Strings near the contract's form: every slot valid but up to two, each of those drawn
# from values at or past its boundaries, so the generator reaches every edge of the pattern.
_SLOTS: dict[str, tuple[list[str], list[str]]] = {  # slot: (valid, edges)
    "year": (["1900", "1901", "2000", "2024", "2025", "2199", "1904", "2196"],
             ["1899", "2200", "0001", "9999", "210", "21999", "2100", "1900"]),
    "month": (["01", "02", "04", "09", "10", "12"], ["00", "13", "1", "002"]),
    "day": (["01", "09", "10", "28"], ["00", "29", "30", "31", "32", "9"]),
    "sep": (["T", "t"], [" ", "X", "", "TT"]),
    "hh": (["00", "09", "19", "23"], ["24", "7", "99"]),
    "mm": (["00", "59"], ["60", "5"]),
    "ss": ([":00", ":59"], [":60", "", ":5"]),
    "frac": (["", ".5", ".123456789", ".000001"], [".", ",5", ".5.5"]),
    "offset": (["Z", "z", "+00:00", "-00:00", "+23:59", "-07:00", "+05:30", "+14:00"],
               ["", "+24:00", "-12:60", "+0000", "+14", "Z+00:00", "+14:00:00"]),
    "tail": ([""], ["\n", " ", "Z"]),
}  # fmt: skip


@st.composite
def _near_instants(draw: st.DrawFn) -> str:
    perturbed = draw(st.sets(st.sampled_from(sorted(_SLOTS)), max_size=2))
    parts = {
        slot: draw(st.sampled_from(edges if slot in perturbed else valid))
        for slot, (valid, edges) in _SLOTS.items()
    }
    return "{year}-{month}-{day}{sep}{hh}:{mm}{ss}{frac}{offset}{tail}".format(**parts)


@settings(max_examples=3000, deadline=None)
@given(_near_instants())
def test_the_schema_accepts_exactly_the_instants_holdwatch_accepts(text: str) -> None:
    event = {**BASE, "data": {"expected_at": text}}
    try:
        parse_event(json.dumps(event))
        accepted = True
    except ContractError:
        accepted = False
    # Python's `$` also matches before a final newline; ECMA-262's does not.
    schema_says = EVENT.is_valid(event) and not text.endswith("\n")
    assert schema_says == accepted, text


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(["1899", "1900", "2000", "2100", "2199", "2200", "0001", "2024", "2025"]),
    st.sampled_from(["00", "01", "02", "04", "11", "12", "13"]),
    st.sampled_from(["00", "01", "28", "29", "30", "31", "32"]),
    st.sampled_from(["", "T00:00:00Z", "Z", " "]),
)
def test_the_schema_accepts_exactly_the_dates_holdwatch_accepts(
    year: str, month: str, day: str, tail: str
) -> None:
    text = f"{year}-{month}-{day}{tail}"
    booking = json.loads(json.dumps(BOOKING))
    booking["data"]["prior_convictions"][0]["convicted_on"] = text
    try:
        parse_event(json.dumps(booking))
        accepted = True
    except ContractError:
        accepted = False
    assert EVENT.is_valid(booking) == accepted, text
