"""The audit groups lines by the booking their envelope names before it validates them
(`line_key`), and checks every validated event against that guess: its result is the
reference path's (`read_events`, then `audit_groups`) whatever the lines say."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import (
    Audit,
    AuditInputError,
    audit,
    audit_each,
    audit_groups,
    read_events,
)
from holdwatch.app.audit_jobs import audit_each_jobs, split_lines
from holdwatch.app.line_key import booking_key, line_key, raw_key
from holdwatch.app.simulate import JAILS, Knobs, simulate
from holdwatch.domain.contract import validate_event_json
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.registry import resolve

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.jsonl"))
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        (b'{"agency":"lasd","subject":"B-1","type":"x"}', ("lasd", "B-1")),
        (b'{"agency" : "lasd" ,\t"subject": "B-1"}', ("lasd", "B-1")),
        ('{"agency":"lasd","subject":"B-1"}', ("lasd", "B-1")),
        (b'{"subject":"B-1","agency":"lasd"}', ("lasd", "B-1")),  # another order: orjson
        (b'{"agency":"lasd","subject":"B\\u00e9"}', ("lasd", "B\u00e9")),  # an escape
        ('{"agency":"lasd","subject":"B\u00e9"}'.encode(), ("lasd", "B\u00e9")),
        ('{"agency":"lasd","subject":"B\u00e9"}', ("lasd", "B\u00e9")),
        (b'{"agency":"lasd","type":"wso.activity"}', ("lasd", None)),
        (b'{"agency":"lasd","subject":null}', ("lasd", None)),
        (b'{"agency":5,"subject":"B-1"}', None),
        (b'{"agency":"lasd","subject":7}', None),
        (b'{"subject":"B-1"}', None),
        (b"[1, 2]", None),
        (b"not json", None),
    ],
)
def test_the_quick_read_of_a_line(line: bytes | str, key: tuple[str, str | None] | None) -> None:
    raw = line_key(line)
    assert (None if raw is None else booking_key(raw)) == key
    assert raw is None or raw == raw_key(booking_key(raw))


def _simulated() -> list[bytes]:
    knobs = Knobs(detainer_rate=0.3, violation_rate=0.3)
    events = [
        e
        for jail in JAILS.values()
        for e in simulate(jail, datetime(2025, 3, 1, tzinfo=UTC), 20, 5, knobs)
    ]
    return [json.dumps(e, separators=(",", ":")).encode() for e in events]


def _reference(lines: list[bytes], profiles: list[str]) -> list[Audit]:
    groups = read_events(lines)
    return [audit_groups(groups, resolve(p), AS_OF, isolate=True) for p in profiles]


def _dumped(audits: list[Audit]) -> list[tuple[list[str], list[str]]]:
    return [
        ([f.model_dump_json() for f in a.findings], [str(s) for s in a.skipped]) for a in audits
    ]


def _misplacing(lines: list[bytes]) -> list[bytes]:
    """Line 10 with a nested object ahead of its envelope, naming another booking."""
    nested = b'{"x-note":{"agency":"lasd","subject":"ELSEWHERE"},'
    return [*lines[:10], nested + lines[10][1:], *lines[11:]]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("fixtures", [line for p in FIXTURES for line in split_lines(p.read_bytes())]),
        ("simulated", _simulated()),
        ("a quick key that is wrong", _misplacing(_simulated())),
    ],
)
def test_the_same_result_as_validating_every_line_first(name: str, lines: list[bytes]) -> None:
    profiles = ["ca-sb54", "us-federal", "tx-sb4"]
    reference = _dumped(_reference(lines, profiles))
    rulebooks = [resolve(p) for p in profiles]
    assert any(r[0] for r in reference), name
    assert _dumped(audit_each(lines, rulebooks, AS_OF)) == reference
    assert _dumped(audit_each([line.decode() for line in lines], rulebooks, AS_OF)) == reference
    assert _dumped(audit_each_jobs(lines, rulebooks, AS_OF, 2)) == reference


def _boom(ctx: Context, out: Out) -> None:
    raise OverflowError("made to fail")


def test_an_unreadable_line_outranks_a_booking_the_core_fails_to_judge() -> None:
    """Every line is read before anything is judged, as far as the caller can tell."""
    lines = _simulated()
    profile = resolve("ca-sb54")
    failing = replace(profile, rules=(*profile.rules, _boom), always=(_boom,))
    with pytest.raises(OverflowError):
        audit(lines, failing, AS_OF)
    with pytest.raises(AuditInputError) as caught:
        audit([*lines, b"not json"], failing, AS_OF)
    assert [e.line for e in caught.value.errors] == [len(lines) + 1]


def test_the_wrong_quick_key_is_there_to_be_found() -> None:
    line = _misplacing(_simulated())[10]
    event = validate_event_json(line)
    assert line_key(line) == (b"lasd", b"ELSEWHERE")
    assert (event.agency, event.subject) != ("lasd", "ELSEWHERE")


@pytest.mark.parametrize("key", [("lasd", "B-1"), ("lasd", None), ("a\u00e9", "\ud800x")])
def test_a_raw_key_reads_back(key: tuple[str, str | None]) -> None:
    assert booking_key(raw_key(key)) == key
