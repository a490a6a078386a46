"""Stream entry → the event's JSON bytes, whoever produced it.

The contract's producers write one field, `event` (redis-cli, any language). FastStream
publishers write `__data__`, a binary envelope around the same JSON body.
"""

from __future__ import annotations

from collections.abc import Mapping

from faststream.redis.parser.binary import BinaryMessageFormatV1

EVENT_FIELD = b"event"
FASTSTREAM_FIELD = b"__data__"


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
    names = ", ".join(sorted(k.decode("utf-8", "replace") for k in fields)) or "none"
    raise BadEntry("no_event_field", f"entry: has no 'event' field (fields: {names})")


def raw_payload(fields: Mapping[bytes, bytes]) -> bytes:
    """What a dead letter keeps of the entry: the event field, or every field."""
    for name in (EVENT_FIELD, FASTSTREAM_FIELD):
        if name in fields:
            return fields[name]
    return b"\n".join(k + b"=" + v for k, v in fields.items())
