"""The contract's instants and dates: RFC 3339 with a UTC offset, years 1900 to 2199.

A jail system writes `9999-12-31T23:59:59Z` or `0001-01-01T00:00:00+14:00` for "unknown";
read as real instants they are decades from any custody and sit at the edge of what
`datetime` can add a day to. The contract therefore bounds the year of every timestamp and
date *as written*, which one regular expression can say exactly: the JSON Schema carries
the same pattern holdwatch validates with, so a producer validating with `jsonschema` and
holdwatch agree on every string.

`Instant` and `CalendarDate` are the only types the event models use for time. From JSON
each is the pattern, then pydantic's own parser (both in Rust: no Python call per field);
the pattern also refuses what that parser alone takes (`20250408`, a space for `T`,
`+0000`, a string of digits as Unix seconds). A failure has one error type per kind;
`reason` says which rule the text broke, never echoing it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import GetPydanticSchema, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "DATE_ERROR",
    "DATE_PATTERN",
    "FIRST_YEAR",
    "INSTANT_ERROR",
    "INSTANT_PATTERN",
    "LAST_YEAR",
    "OFFSET_PATTERN",
    "CalendarDate",
    "Instant",
    "reason",
]

FIRST_YEAR = 1900
LAST_YEAR = 2199

FORM_REASON = "must be an RFC 3339 timestamp with a UTC offset"
DATE_FORM_REASON = "must be a date as YYYY-MM-DD"
RANGE_REASON = f"must fall in the years {FIRST_YEAR} to {LAST_YEAR}"
CALENDAR_REASON = "must be a real calendar date and time"
DATE_CALENDAR_REASON = "must be a real calendar date"
#: pydantic error types of the two; `contract.py` asks `reason` for the words.
INSTANT_ERROR = "instant"
DATE_ERROR = "calendar_date"

# `[0-9]`, not `\d`: in Python and Rust `\d` also matches other scripts' digits.
_YEAR = "(?:19|20|21)[0-9]{2}"
_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"  # every month has days 1-28
    "|(?:0[13-9]|1[0-2])-(?:29|30)"  # all but February have 29 and 30
    "|(?:0[13578]|1[02])-31)"
)
#: Leap years from 1900 to 2199: every fourth, but not 1900 or 2100; 2000 is one.
_FEBRUARY_29 = "(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)-02-29"
_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_FEBRUARY_29})"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?"
_OFFSET = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"

#: An instant as the contract accepts it, exactly (JSON Schema `pattern`, ECMA-262).
INSTANT_PATTERN = f"^{_DATE}[Tt]{_TIME}{_OFFSET}$"
#: A date as the contract accepts it, exactly.
DATE_PATTERN = f"^{_DATE}$"
#: Any RFC 3339 timestamp with an offset, whatever its year: what holdwatch *emits*.
OFFSET_PATTERN = f"^[0-9]{{4}}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt]{_TIME}{_OFFSET}$"

# Failures only: which rule the text broke.
_loose_instant = re.compile(
    r"([0-9]{4})-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
).fullmatch
_loose_date = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}").fullmatch


def reason(error_type: str, value: Any) -> str | None:
    """The words for an `INSTANT_ERROR` or `DATE_ERROR` on `value`; None for other types.

    Only the reason leaves this function: `value` may be personal data (a birth date).
    """
    if error_type == INSTANT_ERROR:
        loose, form, calendar = _loose_instant, FORM_REASON, CALENDAR_REASON
    elif error_type == DATE_ERROR:
        loose, form, calendar = _loose_date, DATE_FORM_REASON, DATE_CALENDAR_REASON
    else:
        return None
    if isinstance(value, date):  # built in Python: aware and in range, or not
        if isinstance(value, datetime) and value.utcoffset() is None:
            return form
        return RANGE_REASON if not FIRST_YEAR <= value.year <= LAST_YEAR else form
    match = loose(value) if isinstance(value, str) else None
    if match is None:
        return form
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return RANGE_REASON
    return calendar


def _in_range(value: Any) -> Any:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("year_range", RANGE_REASON)
    return value


def _core(
    pattern: str,
    parsed: core_schema.CoreSchema,
    strict: core_schema.CoreSchema,
    kind: str,
    message: str,
) -> core_schema.CoreSchema:
    """JSON: the pattern, then the parser; Python objects: the type and the years."""
    text = core_schema.chain_schema([core_schema.str_schema(pattern=pattern), parsed])
    return core_schema.json_or_python_schema(
        json_schema=core_schema.custom_error_schema(
            text, custom_error_type=kind, custom_error_message=message
        ),
        python_schema=core_schema.custom_error_schema(
            core_schema.no_info_after_validator_function(_in_range, strict),
            custom_error_type=kind,
            custom_error_message=message,
        ),
    )


_INSTANT = _core(
    INSTANT_PATTERN,
    core_schema.datetime_schema(strict=False, tz_constraint="aware"),
    core_schema.datetime_schema(strict=True, tz_constraint="aware"),
    INSTANT_ERROR,
    f"{FORM_REASON}, in the years {FIRST_YEAR} to {LAST_YEAR}",
)
_CALENDAR_DATE = _core(
    DATE_PATTERN,
    core_schema.date_schema(strict=False),
    core_schema.date_schema(strict=True),
    DATE_ERROR,
    f"{DATE_FORM_REASON}, in the years {FIRST_YEAR} to {LAST_YEAR}",
)

#: A timestamp in an event: RFC 3339, a UTC offset (`Z` or ±hh:mm), a year 1900-2199.
Instant = Annotated[
    datetime,
    GetPydanticSchema(lambda _source, _handler: _INSTANT),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}),
]
#: A calendar date in an event (a conviction, a birth date): YYYY-MM-DD, a year 1900-2199.
CalendarDate = Annotated[
    date,
    GetPydanticSchema(lambda _source, _handler: _CALENDAR_DATE),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
