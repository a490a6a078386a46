"""Parsing wire bytes into contract events, with errors that name the field and the reason.

Error messages never echo the offending value: it may be personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ConfigDict, TypeAdapter, ValidationError

from holdwatch.domain import instants
from holdwatch.domain.events import Event

#: Ids, sources and instants rarely repeat, so pydantic's string cache would mostly miss.
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event, config=ConfigDict(cache_strings="none"))
#: The validator itself, for loops over many lines: `TypeAdapter.validate_json` adds a
#: Python frame per event. It raises pydantic's `ValidationError`; `contract_errors` reads it.
validate_event_json = EVENT_ADAPTER.validator.validate_json

_REASONS = {
    "missing": "is required",
    "timezone_aware": "must be an RFC 3339 timestamp with a UTC offset",
    "union_tag_invalid": "is not a known event type",
    "union_tag_not_found": "is required",
    "json_invalid": "is not valid JSON",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem in one field; `field` is a dotted path such as `data.detainer_id`."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class ContractError(ValueError):
    """An event that does not satisfy the contract; the consumer dead-letters it."""

    def __init__(self, errors: tuple[FieldError, ...]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    @property
    def reason(self) -> str:
        """A machine-readable summary for the dead-letter entry."""
        return str(self)


def _field_path(loc: tuple[int | str, ...], error_type: str) -> str:
    parts = [str(p) for p in loc]
    # pydantic prefixes the discriminator tag ("booking.created") to every location.
    if parts and "." in parts[0] and parts[0][0].isalpha():
        parts = parts[1:]
    if error_type.startswith("union_tag"):
        return "type"
    return ".".join(parts) or "event"


def _reason(error_type: str, message: str) -> str:
    if error_type in _REASONS:
        return _REASONS[error_type]
    message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def contract_errors(exc: ValidationError) -> tuple[FieldError, ...]:
    """Translate pydantic's errors into field/reason pairs without the input values.

    An instant's or a date's input is read only to say which of its rules it broke.
    """
    return tuple(
        FieldError(
            _field_path(tuple(err["loc"]), err["type"]),
            instants.reason(err["type"], err.get("input")) or _reason(err["type"], err["msg"]),
        )
        for err in exc.errors(include_url=False)
    )


def parse_event(raw: str | bytes) -> Event:
    """Validate one CloudEvent (JSON text); raise `ContractError` naming each bad field."""
    try:
        event: Event = validate_event_json(raw)
    except ValidationError as exc:
        raise ContractError(contract_errors(exc)) from None
    return event


def canonical_json(event: Event) -> bytes:
    """The event as the contract's model holds it, as JSON: only the attributes the contract
    names (any other was dropped when it was parsed), nulls left out. This, not the bytes a
    producer sent, is what is kept: the minimum the contract needs, ids (provenance) included;
    it parses back to an equal event."""
    return type(event).__pydantic_serializer__.to_json(event, exclude_none=True)
