"""The contract rejects bad events with the field and the reason, never the value."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from holdwatch.domain.contract import ContractError, FieldError, contract_errors, parse_event
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
     "data.prior_convictions.0.convicted_on", "real calendar date"),
    ("bad category", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(categories=["7282.5(a)(3)(ZZ)"]),
     "data.prior_convictions.0.categories.0", "serious_felony"),
    ("time as number", BOOKING, lambda e: e.update(time=1744085700), "time", "RFC 3339"),
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

RANGE = "years 1900 to 2199"
SCHEDULED: dict[str, Any] = {
    **{k: v for k, v in BOOKING.items() if k != "data"},
    "id": "e3",
    "type": "release.scheduled",
    "data": {"expected_at": "2025-04-09T09:00:00-07:00"},
}
#: Sentinels a jail system writes for "unknown", and forms pydantic alone would take.
REJECTS += [
    ("year 9999", BOOKING, lambda e: e.update(time="9999-12-31T23:59:59+00:00"), "time", RANGE),
    ("year 1 east of UTC", SCHEDULED,
     lambda e: e["data"].update(expected_at="0001-01-01T00:00:00+14:00"), "data.expected_at",
     RANGE),
    ("year 2200", DETAINER, lambda e: e["data"].update(issued_at="2200-01-01T00:00:00Z"),
     "data.issued_at", RANGE),
    ("year 1899", DETAINER,
     lambda e: e["data"].update(served_on_subject_at="1899-12-31T23:59:59-08:00"),
     "data.served_on_subject_at", RANGE),
    ("birth 1850", BOOKING, lambda e: e["data"]["person"].update(date_of_birth="1850-01-01"),
     "data.person.date_of_birth", RANGE),
    ("conviction 0001", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(convicted_on="0001-01-01"),
     "data.prior_convictions.0.convicted_on", RANGE),
    ("conviction 9999", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(convicted_on="9999-12-31"),
     "data.prior_convictions.0.convicted_on", RANGE),
    ("digits as unix time", BOOKING, lambda e: e.update(time="1744085700"), "time", "RFC 3339"),
    ("digits as a date", BOOKING, lambda e: e["data"]["person"].update(date_of_birth="0"),
     "data.person.date_of_birth", "YYYY-MM-DD"),
    ("basic date form", BOOKING, lambda e: e["data"]["person"].update(date_of_birth="19900102"),
     "data.person.date_of_birth", "YYYY-MM-DD"),
    ("space for T", BOOKING, lambda e: e.update(time="2025-04-07 21:15:00-07:00"), "time",
     "RFC 3339"),
    ("offset without colon", BOOKING, lambda e: e.update(time="2025-04-07T21:15:00-0700"), "time",
     "RFC 3339"),
    ("no seconds", BOOKING, lambda e: e.update(time="2025-04-07T21:15-07:00"), "time", "RFC 3339"),
    ("offset minutes 60", BOOKING, lambda e: e.update(time="2025-04-07T21:15:00+12:60"), "time",
     "real calendar date and time"),
    ("29 February 2025", BOOKING, lambda e: e.update(time="2025-02-29T12:00:00Z"), "time",
     "real calendar date and time"),
    ("29 February 1900", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(convicted_on="1900-02-29"),
     "data.prior_convictions.0.convicted_on", "real calendar date"),
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


ACCEPTS: list[tuple[str, dict[str, Any], Mutation]] = [
    ("first instant", BOOKING, lambda e: e.update(time="1900-01-01T00:00:00+14:00")),
    ("last instant", BOOKING, lambda e: e.update(time="2199-12-31T23:59:59.999999999-23:59")),
    ("lower-case t and z", BOOKING, lambda e: e.update(time="2025-04-08t04:15:00z")),
    ("nanoseconds", BOOKING, lambda e: e.update(time="2025-04-08T04:15:00.123456789Z")),
    ("minus zero", BOOKING, lambda e: e.update(time="2025-04-08T04:15:00-00:00")),
    ("first date", BOOKING, lambda e: e["data"]["person"].update(date_of_birth="1900-01-01")),
    ("last date", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(convicted_on="2199-12-31")),
    ("29 February 2000", BOOKING,
     lambda e: e["data"]["prior_convictions"][0].update(convicted_on="2000-02-29")),
    ("expected_at at the bound", SCHEDULED,
     lambda e: e["data"].update(expected_at="2199-12-31T23:59:59Z")),
]  # fmt: skip


@pytest.mark.parametrize(("case", "base", "change"), ACCEPTS, ids=[a[0] for a in ACCEPTS])
def test_accepts_every_instant_and_date_in_range(
    case: str, base: dict[str, Any], change: Mutation
) -> None:
    parse_event(mutate(base, change))


def test_an_instant_keeps_its_offset_and_its_instant() -> None:
    event = parse_event(mutate(BOOKING, lambda e: e.update(time="2025-04-08t04:15:00.5z")))
    assert event.time == datetime(2025, 4, 8, 4, 15, 0, 500000, tzinfo=UTC)
    event = parse_event(json.dumps(BOOKING))
    assert event.time.utcoffset() == timedelta(hours=-7)
    assert event.time.isoformat() == "2025-04-07T21:15:00-07:00"


def test_instants_built_in_python_obey_the_same_range() -> None:
    good = parse_event(json.dumps(BOOKING))
    data = good.model_dump()
    with pytest.raises(ValidationError) as info:
        type(good).model_validate({**data, "time": datetime(9999, 12, 31, tzinfo=UTC)})
    assert contract_errors(info.value) == (
        FieldError("time", "must fall in the years 1900 to 2199"),
    )
    with pytest.raises(ValidationError) as info:
        type(good).model_validate({**data, "time": datetime(2025, 4, 8, 4, 15)})
    assert (
        contract_errors(info.value)[0].reason == "must be an RFC 3339 timestamp with a UTC offset"
    )
