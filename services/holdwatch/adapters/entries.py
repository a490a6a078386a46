"""Stream entry → the event's JSON bytes, whoever produced it.

The contract's producers write one field, `event` (redis-cli, any language). FastStream
publishers write `__data__`, a binary envelope around the same JSON body.
"""

from __future__ import annotations

from collections.abc import Mapping

from faststream.redis.parser.binary import BinaryMessageFormatV1

from holdwatch.adapters.dead_letter import DEAD_LETTER_FIELDS

EVENT_FIELD = b"event"
FASTSTREAM_FIELD = b"__data__"
#: Field names holdwatch knows: the two it reads and a dead letter's (one re-sent as it
#: is). Any other name is the producer's text, which may be anything: it is only counted.
KNOWN_FIELDS = frozenset({EVENT_FIELD, FASTSTREAM_FIELD, *(f.encode() for f in DEAD_LETTER_FIELDS)})


class BadEntry(ValueError):
    """An entry with no event in it; `reason` is machine-readable."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        super().__init__(detail)


def event_payload(fields: Mapping[bytes, bytes]) -> bytes:
    if EVENT_FIELD in fields:
        return fields[EVENT_FIELD]
    if FASTSTREAM_FIELD in fields:
        body, _headers = BinaryMessageFormatV1.parse(fields[FASTSTREAM_FIELD])
        return body
    raise BadEntry("no_event_field", f"entry: has no 'event' field ({_field_names(fields)})")


def _field_names(fields: Mapping[bytes, bytes]) -> str:
    """The known names among `fields` and a count of the others."""
    known = sorted(k.decode() for k in fields if k in KNOWN_FIELDS)
    others = len(fields) - len(known)
    parts = [f"fields: {', '.join(known)}"] if known else []
    if others:
        parts.append(f"{others} other field{'s' if others > 1 else ''}")
    return "; ".join(parts) or "no fields"


def raw_payload(fields: Mapping[bytes, bytes]) -> bytes:
    """What a dead letter keeps of the entry: the event field, or every field."""
    for name in (EVENT_FIELD, FASTSTREAM_FIELD):
        if name in fields:
            return fields[name]
    return b"\n".join(k + b"=" + v for k, v in fields.items())
