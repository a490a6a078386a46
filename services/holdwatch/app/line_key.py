"""The booking a JSONL line names, read before the line is validated.

The audit groups lines by booking first and validates each booking's lines only when it
judges that booking, so that a booking's parsed events are made, judged and freed while
they are in the processor's cache, and the parsed history is never all in memory at once.

The read is quick, not authoritative: a pattern for the envelope as exporters write it
(`"agency":"…","subject":"…"`, plain ASCII, no escapes), else `orjson` for the envelope's
`agency` and `subject`. Whoever uses it checks each validated event's own (`agency`,
`subject`) against the key its line was grouped under: a line the quick read misplaced (a
repeated key, a nested object spelling the same words) is found there, never judged
under the wrong booking.

Keys are kept as UTF-8 bytes (`RawKey`), as the pattern finds them: one booking has one
raw key however it was read, and a booking's key is decoded once, not once per line.
"""

from __future__ import annotations

import re
from typing import cast

import orjson

BookingKey = tuple[str, str | None]
RawKey = tuple[bytes, bytes | None]

# printable ASCII but `"` and `\`: the text is the JSON string's value as written
_TEXT = r"[ !#-\[\]-~]*"
_ENVELOPE = rf'"agency"[ \t]*:[ \t]*"({_TEXT})"[ \t]*,[ \t]*"subject"[ \t]*:[ \t]*"({_TEXT})"'
_in_bytes = re.compile(_ENVELOPE.encode()).search
_in_text = re.compile(_ENVELOPE).search


def raw_key(key: BookingKey) -> RawKey:
    """A booking's key as UTF-8 bytes (any `str`, lone surrogates too, and back)."""
    agency, subject = key
    return (
        agency.encode("utf-8", "surrogatepass"),
        None if subject is None else subject.encode("utf-8", "surrogatepass"),
    )


def booking_key(raw: RawKey) -> BookingKey:
    """The inverse of `raw_key`."""
    agency, subject = raw
    return (
        agency.decode("utf-8", "surrogatepass"),
        None if subject is None else subject.decode("utf-8", "surrogatepass"),
    )


def line_key(line: bytes | str) -> RawKey | None:
    """The (`agency`, `subject`) a line's envelope names, or None when the quick read
    cannot tell (not JSON to `orjson`, or either is not text)."""
    if isinstance(line, bytes):
        found = _in_bytes(line)
        if found is not None:
            return cast(RawKey, found.group(1, 2))
    else:
        text = _in_text(line)
        if text is not None:
            return raw_key(cast(BookingKey, text.group(1, 2)))
    try:
        envelope = orjson.loads(line)
        agency, subject = envelope["agency"], envelope.get("subject")
    except (orjson.JSONDecodeError, TypeError, KeyError, AttributeError):
        return None
    if not isinstance(agency, str) or not (subject is None or isinstance(subject, str)):
        return None
    return raw_key((agency, subject))
