"""Personal data by allowlist: what is kept of an event (its canonical form) and what a
role that may not see personal data is shown (the model with its marked fields emptied)."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from holdwatch.app.access import Principal
from holdwatch.domain.contract import canonical_json, parse_event
from holdwatch.domain.events import EVENT_MODELS
from holdwatch.domain.personal import PERSONAL, personal_fields, withhold
from holdwatch.entrypoints.desk import Acknowledgement

OVERSIGHT = Principal("o", "oversight", frozenset())
DEFENDER = Principal("d", "defender", frozenset({"lasd"}))

#: Values no view for oversight and nothing stored may hold (unknown attributes).
UNKNOWN = {
    "first_name": "Zebulon-first",
    "last_name": "Quixworth-last",
    "ssn": "078-05-1120",
    "aliases": ["Alias-Xyzzy"],
    "address": "1 Hidden Lane",
    "next_of_kin": {"name": "Kin-Plugh"},
}


def _event(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"{type_}-1",
        "source": "urn:jms:test",
        "type": type_,
        "time": "2025-03-01T08:00:00-08:00",
        "agency": "lasd",
        "subject": "B1",
        "data": data,
        **UNKNOWN,
    }


PERSON = {
    "person_id": "P-B1",
    "name": "Marisol Vantablack",
    "date_of_birth": "1987-06-05",
    "a_number": "A123456789",
    **UNKNOWN,
}
#: (event, personal values, the paths they sit at)
CASES: list[tuple[dict[str, Any], list[str], list[str]]] = [
    (
        _event(
            "booking.created",
            {
                "facility": "MCJ",
                "person": PERSON,
                "charges": [
                    {"charge_id": "c1", "code": "PC 459", "description": "entered the Vex home"},
                    {"charge_id": "c2", "code": "PC 148", **UNKNOWN},
                ],
                **UNKNOWN,
            },
        ),
        ["Marisol Vantablack", "1987-06-05", "A123456789", "entered the Vex home"],
        [
            "person.name",
            "person.date_of_birth",
            "person.a_number",
            "charges.0.description",
        ],
    ),
    (
        _event(
            "citizenship.claimed", {"kind": "us_citizen", "evidence": "passport 99Q", **UNKNOWN}
        ),
        ["passport 99Q"],
        ["evidence"],
    ),
    (
        _event("release.eligibility_revoked", {"reason": "remanded, per Ms. Oddly", **UNKNOWN}),
        ["remanded, per Ms. Oddly"],
        ["reason"],
    ),
    (_event("ice.interview", {"consent_form_given": True, "consented": False}), [], []),
]


def _unknown_values() -> list[str]:
    return ["Zebulon-first", "Quixworth-last", "078-05-1120", "Alias-Xyzzy", "1 Hidden Lane", "Kin"]


@pytest.mark.parametrize(("event", "values", "paths"), CASES, ids=lambda c: str(c)[:30])
def test_what_is_kept_is_the_contract_and_oversight_sees_no_personal_field(
    event: dict[str, Any], values: list[str], paths: list[str]
) -> None:
    parsed = parse_event(json.dumps(event))
    kept = canonical_json(parsed)
    assert parse_event(kept) == parsed  # provenance and every contract field survive
    assert json.loads(kept)["id"] == event["id"]
    for value in _unknown_values():
        assert value not in kept.decode()
    assert all(v in kept.decode() for v in values)

    assert personal_fields(parsed.data) == paths
    shown = OVERSIGHT.shown(parsed.data).model_dump_json()
    for value in [*values, *_unknown_values()]:
        assert value not in shown
    assert personal_fields(OVERSIGHT.shown(parsed.data)) == []
    assert DEFENDER.shown(parsed.data) == parsed.data  # defenders see it whole
    assert personal_fields(parsed.data) == paths  # the original is left alone


def _marked(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, info in model.model_fields.items():
        if any(m is PERSONAL for m in info.metadata):
            out.add(f"{prefix}{model.__name__}.{name}")
        for arg in _classes(info.annotation):
            out |= _marked(arg)
    return out


def _classes(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [c for a in typing.get_args(annotation) for c in _classes(a)]


def test_the_contract_marks_names_dates_numbers_evidence_and_free_text_personal() -> None:
    marked = set().union(*(_marked(m) for m in EVENT_MODELS))
    assert marked == {
        "Person.name",
        "Person.date_of_birth",
        "Person.a_number",
        "Charge.description",
        "CitizenshipClaimedData.evidence",
        "EligibilityRevokedData.reason",
    }


def test_an_acknowledgement_note_is_withheld_from_oversight() -> None:
    ack = Acknowledgement.model_validate(
        {"by": "pd-1", "note": "visited Ms. X", "at": "2025-03-01T08:00:00+00:00"}
    )
    assert OVERSIGHT.shown(ack).note is None and OVERSIGHT.shown(ack).by == "pd-1"
    assert DEFENDER.shown(ack).note == "visited Ms. X"
    assert withhold(ack).at == ack.at
