"""The contract rejects bad events with the field and the reason, never the value."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from holdwatch.domain.contract import ContractError, parse_event
from holdwatch.domain.events import BookingCreated, DetainerReceived

BOOKING: dict[str, Any] = {
    "specversion": "1.0",
    "id": "e1",
    "source": "urn:jms:lasd:irc",
    "type": "booking.created",
    "time": "2025-04-07T21:15:00-07:00",
    "subject": "B1",
    "agency": "lasd",
    "data": {
        "facility": "IRC",
        "timezone": "America/Los_Angeles",
        "person": {"person_id": "p1", "name": "Secret Name", "date_of_birth": "1990-01-02"},
        "charges": [{"charge_id": "c1", "code": "PC 459", "level": "felony"}],
        "prior_convictions": [{"code": "PC 487", "level": "felony", "convicted_on": "2012-01-01"}],
    },
}
DETAINER: dict[str, Any] = {
    **{k: v for k, v in BOOKING.items() if k != "data"},
    "id": "e2",
    "type": "detainer.received",
    "data": {"detainer_id": "D1", "form": "I-247A", "attached_warrant": "I-200"},
}

Mutation = Callable[[dict[str, Any]], Any]


def mutate(base: dict[str, Any], change: Mutation) -> str:
    event = copy.deepcopy(base)
    change(event)
    return json.dumps(event)


REJECTS: list[tuple[str, dict[str, Any], Mutation, str, str]] = [
    ("no offset", BOOKING, lambda e: e.update(time="2025-04-07T21:15:00"), "time", "UTC offset"),
    ("unknown type", BOOKING, lambda e: e.update(type="booking.deleted"), "type", "not a known"),
    ("no type", BOOKING, lambda e: e.pop("type"), "type", "required"),
    ("no subject", BOOKING, lambda e: e.pop("subject"), "subject", "required"),
    ("no agency", BOOKING, lambda e: e.pop("agency"), "agency", "required"),
    ("bad specversion", BOOKING, lambda e: e.update(specversion="0.3"), "specversion", "1.0"),
    ("no facility", BOOKING, lambda e: e["data"].pop("facility"), "data.facility", "required"),
    ("bad level", BOOKING, lambda e: e["data"]["charges"][0].update(level="big"),
     "data.charges.0.level", "felony"),
    ("no prior level", BOOKING, lambda e: e["data"]["prior_convictions"][0].pop("level"),
     "data.prior_convictions.0.level", "required"),
    ("bad zone", BOOKING, lambda e: e["data"].update(timezone="Mars/Base"), "data.timezone", "IANA"),
    ("bad date", BOOKING, lambda e: e["data"]["prior_convictions"][0].update(convicted_on="2012-13-01"),
     "data.prior_convictions.0.convicted_on", "month"),
    ("bad category", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(categories=["7282.5(a)(3)(ZZ)"]),
     "data.prior_convictions.0.categories.0", "serious_felony"),
    ("time as number", BOOKING, lambda e: e.update(time=1744085700), "time", "datetime"),
    ("empty id", BOOKING, lambda e: e.update(id=""), "id", "at least 1"),
    ("bad form", DETAINER, lambda e: e["data"].update(form="I-999"), "data.form", "I-247A"),
    ("no detainer id", DETAINER, lambda e: e["data"].pop("detainer_id"), "data.detainer_id",
     "required"),
    ("naive issued_at", DETAINER, lambda e: e["data"].update(issued_at="2025-04-07T08:00:00"),
     "data.issued_at", "UTC offset"),
    ("bad request", DETAINER, lambda e: e["data"].update(requests=["deport"]), "data.requests.0",
     "notify"),
    ("string bool", DETAINER, lambda e: e.update(type="ice.interview",
     data={"consent_form_given": "yes", "consented": True}), "data.consent_form_given", "boolean"),
    ("data not object", DETAINER, lambda e: e.update(data=[1]), "data", "object"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "base", "change", "field", "reason"), REJECTS, ids=[r[0] for r in REJECTS]
)
def test_rejects_name_the_field_and_reason(
    case: str, base: dict[str, Any], change: Mutation, field: str, reason: str
) -> None:
    with pytest.raises(ContractError) as info:
        parse_event(mutate(base, change))
    fields = {e.field: e.reason for e in info.value.errors}
    assert field in fields, f"{case}: {fields}"
    assert reason.lower() in fields[field].lower(), f"{case}: {fields[field]}"


def test_error_never_echoes_personal_data() -> None:
    bad = mutate(BOOKING, lambda e: e["data"]["person"].update(date_of_birth="Secret Name 1990"))
    with pytest.raises(ContractError) as info:
        parse_event(bad)
    assert "Secret" not in str(info.value)
    assert "Secret" not in repr(info.value.errors)


def test_not_json() -> None:
    with pytest.raises(ContractError, match="event: is not valid JSON"):
        parse_event(b"{nope")


def test_valid_events_parse_and_hide_personal_data_from_repr() -> None:
    event = parse_event(json.dumps(BOOKING))
    assert isinstance(event, BookingCreated)
    assert event.key == ("urn:jms:lasd:irc", "e1")
    assert event.time.utcoffset() is not None
    assert "Secret Name" not in repr(event) and "1990" not in repr(event)
    assert isinstance(parse_event(json.dumps(DETAINER)), DetainerReceived)


def test_unknown_extra_attributes_are_ignored_for_forward_compatibility() -> None:
    event = parse_event(mutate(BOOKING, lambda e: e.update(traceparent="00-abc", newattr=1)))
    assert isinstance(event, BookingCreated)


def test_a_booking_charge_may_leave_its_level_unknown() -> None:
    """The jail's record may not say; a charge without `level` is kept, not refused."""
    event = parse_event(mutate(BOOKING, lambda e: e["data"]["charges"][0].pop("level")))
    assert isinstance(event, BookingCreated)
    assert event.data.charges[0].level is None
    known = parse_event(json.dumps(BOOKING))
    assert isinstance(known, BookingCreated) and known.data.charges[0].level == "felony"


def test_wso_activity_may_be_agency_level() -> None:
    wso = {k: v for k, v in BOOKING.items() if k not in ("data", "subject")}
    event = parse_event(json.dumps({**wso, "type": "wso.activity", "data": {"action": "arrest"}}))
    assert event.subject is None
