"""`ascii_json`: pydantic's indented JSON, written as `json.dumps(..., indent=2)` writes it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter

from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.json_text import ascii_json

_ANY: TypeAdapter[object] = TypeAdapter(object)
_EVERY_CHAR = "".join(chr(c) for c in range(0xD800)) + "".join(
    chr(c) for c in range(0xE000, 0x10000)
)


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        [[], {}, "", None, True, False, 0, -7, 2**70],
        {"a": {"b": [1, {"c": []}]}, "§": "7282.5 – “quoted”"},
        [_EVERY_CHAR, "\U0001f600 \U00010000 \U0010ffff", '\x7f\x00\x1f\n\t"\\/'],
    ],
)
def test_the_same_text_as_json_dumps(value: object) -> None:
    assert ascii_json(_ANY.dump_json(value, indent=2)) == json.dumps(value, indent=2)


def test_findings_read_as_json_dumps_of_their_dicts() -> None:
    at = datetime(2025, 3, 9, 10, 0, tzinfo=UTC)
    finding = Finding(
        finding_id="f-1",
        code="HOLD_BARRED",
        kind="violation",
        severity="critical",
        agency="lasd",
        booking_id="B-1",
        detainer_id=None,
        violation_at=at,
        ended_at=None,
        duration_seconds=None,
        policy="ca-sb54",
        citation="Cal. Gov. Code § 7284.6(a)(1)(B)",
        explanation="Held – past RE.",
        evidence=("e1", "e2"),
        status="open",
        rule="hold",
    )
    findings = [finding, finding]
    want = json.dumps([f.model_dump(mode="json") for f in findings], indent=2)
    got = ascii_json(TypeAdapter(list[Finding]).dump_json(findings, indent=2))
    assert got == want
