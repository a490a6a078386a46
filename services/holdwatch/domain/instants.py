"""The contract's instants and dates: RFC 3339 with a UTC offset, years 1900 to 2199.

A jail system writes `9999-12-31T23:59:59Z` or `0001-01-01T00:00:00+14:00` for "unknown";
read as real instants they are decades from any custody and sit at the edge of what
`datetime` can add a day to. The contract therefore bounds the year of every timestamp and
date *as written*, so that one regular expression in the JSON Schema says exactly what is
accepted: a producer validating with `jsonschema` and holdwatch agree on every string.

`Instant` and `CalendarDate` are the only types the event models use for time. Each
validates the wire text itself (pydantic's own parser also takes `20250408`, a space for
`T`, `+0000` and a string of digits as Unix seconds) and reports one of three reasons,
never the value: the form, the year, or a date the calendar does not have.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = [
    "DATE_PATTERN",
    "FIRST_YEAR",
    "INSTANT_PATTERN",
    "LAST_YEAR",
    "OFFSET_PATTERN",
    "CalendarDate",
    "Instant",
]

FIRST_YEAR = 1900
LAST_YEAR = 2199

FORM_REASON = "must be an RFC 3339 timestamp with a UTC offset"
DATE_FORM_REASON = "must be a date as YYYY-MM-DD"
RANGE_REASON = f"must fall in the years {FIRST_YEAR} to {LAST_YEAR}"
CALENDAR_REASON = "must be a real calendar date and time"
DATE_CALENDAR_REASON = "must be a real calendar date"

# --- the exact patterns, for the JSON Schema ------------------------------------------
# `[0-9]`, not `\d`: Python's `\d` also matches other scripts' digits.
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
OFFSET_PATTERN = (
    "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    f"[Tt]{_TIME}(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)

# --- validation: a cheap shape check, then the standard library's parser --------------
_SHAPE_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
_SHAPE_DATE = r"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_instant_shape = re.compile(
    rf"(?:19|20|21)[0-9]{{2}}-{_SHAPE_DATE}[Tt]{_SHAPE_TIME}{_OFFSET}"
).fullmatch
_date_shape = re.compile(rf"(?:19|20|21)[0-9]{{2}}-{_SHAPE_DATE}").fullmatch
# Failures only: which reason applies.
_loose_instant = re.compile(
    r"([0-9]{4})-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
).fullmatch
_loose_date = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}").fullmatch
_parse_instant = datetime.fromisoformat
_parse_date = date.fromisoformat


def _fail(kind: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(kind, reason)


def _in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _why_not(loose: Any, text: str, form: str, calendar: str) -> PydanticCustomError:
    match = loose(text)
    if match is None:
        return _fail("instant_form", form)
    if not _in_range(int(match.group(1))):
        return _fail("instant_range", RANGE_REASON)
    return _fail("instant_calendar", calendar)


def _instant(value: Any) -> datetime:
    if type(value) is str:
        if _instant_shape(value) is not None:
            try:
                return _parse_instant(value)
            except ValueError:
                try:  # RFC 3339 allows a lower-case `t` and `z`; the parser does not
                    return _parse_instant(value.upper())
                except ValueError:
                    pass
        raise _why_not(_loose_instant, value, FORM_REASON, CALENDAR_REASON)
    if isinstance(value, datetime):  # built in Python (tests, importers)
        if value.utcoffset() is None:
            raise _fail("instant_form", FORM_REASON)
        if not _in_range(value.year):
            raise _fail("instant_range", RANGE_REASON)
        return value
    raise _fail("instant_form", FORM_REASON)


def _date(value: Any) -> date:
    if type(value) is str:
        if _date_shape(value) is not None:
            try:
                return _parse_date(value)
            except ValueError:
                pass
        raise _why_not(_loose_date, value, DATE_FORM_REASON, DATE_CALENDAR_REASON)
    if isinstance(value, date) and not isinstance(value, datetime):
        if not _in_range(value.year):
            raise _fail("instant_range", RANGE_REASON)
        return value
    raise _fail("instant_form", DATE_FORM_REASON)


#: A timestamp in an event: RFC 3339, a UTC offset (`Z` or ±hh:mm), a year 1900-2199.
Instant = Annotated[
    datetime,
    PlainValidator(_instant),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}),
]
#: A calendar date in an event (a conviction, a birth date): YYYY-MM-DD, a year 1900-2199.
CalendarDate = Annotated[
    date,
    PlainValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
