"""The committed JSON Schemas must match the models: regenerate with `make schemas`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holdwatch.app.schemas import render, schemas

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
    assert committed == set(GENERATED)


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
