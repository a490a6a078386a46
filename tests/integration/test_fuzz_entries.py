"""Fuzzing the live intake: whatever a producer writes (bytes, types, instants, sizes,
unicode, missing fields), each entry is applied or dead-lettered with a reason that names
the field, nothing stays pending, nothing else stops, the good entries of the same read
are applied within seconds, and no value from the payload is echoed into the reason."""

from __future__ import annotations

import hashlib
import json
import random
import sys
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holdwatch.adapters.logging import configure_logging
from holdwatch.bootstrap import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings, running, until
from stored_bookings import booking, bookings

SCENARIOS = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
VALID = [
    json.loads(line)
    for name in ("S01", "S07", "S12", "S35")
    for line in (SCENARIOS / f"{name}.jsonl").read_text().splitlines()
    if line.strip()
]
MARK = "zq-secret-zq"  # a value that must never reach a dead letter's reason

REASONS = {b"invalid_event", b"invalid_encoding", b"no_event_field", b"unprocessable"}
SENTINELS = [
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00+14:00",
    "1899-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
    "2025-01-01T00:00:00",
]

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63),
    st.floats(allow_nan=True),
    st.just(MARK),
    st.sampled_from(SENTINELS),
    st.just(MARK * 20_000),  # 240 kB in one field
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8).map(lambda t: MARK + t),
    st.lists(st.just(MARK), max_size=2),
    st.dictionaries(st.just("x"), st.just(MARK), max_size=1),
)


def _instants(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of every value that looks like an instant in a valid event."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _instants(v, (*path, k))]
    if isinstance(node, str) and len(node) >= 20 and node[4:5] == "-" and "T" in node:
        return [path]
    return []


def _put(event: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = event
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    event: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(VALID))))
    event["id"] = f"fz-{draw(st.integers(0, 10**9))}"
    how = draw(st.sampled_from(["drop", "set", "data", "instant", "bytes", "keep"]))
    if how == "instant":
        _put(event, draw(st.sampled_from(_instants(event))), draw(st.sampled_from(SENTINELS)))
    elif how == "drop":
        event.pop(draw(st.sampled_from(sorted(event))), None)
    elif how == "set":
        event[draw(st.sampled_from(sorted(event)))] = draw(junk)
    elif how == "data" and event["data"]:
        event["data"][draw(st.sampled_from(sorted(event["data"])))] = draw(junk)
    elif how == "bytes":
        raw = json.dumps(event).encode()
        cut = draw(st.integers(0, len(raw)))
        return raw[:cut] + draw(st.binary(max_size=8)) + raw[cut:]
    return json.dumps(event, ensure_ascii=draw(st.booleans())).encode()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payloads=st.lists(mutated(), min_size=1, max_size=12))
async def test_every_entry_is_applied_or_dead_lettered_with_a_reason(
    payloads: list[bytes], redis_url: str, prefix: str, tmp_path: Path
) -> None:
    mine = f"{prefix}-{uuid.uuid4().hex[:8]}"  # one example, one namespace
    s = make_settings(redis_url, mine, tmp_path, default_profile="ca-sb54")
    service = build(s)
    r = service.redis
    await service.ensure_groups()
    for payload in payloads:
        await r.xadd(s.events_stream, {"event": payload})
    reply = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=100)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])

    assert (await r.xinfo_groups(s.events_stream))[0]["pending"] == 0
    letters = [f for _i, f in await r.xrange(s.dlq_stream)]
    for letter in letters:
        assert letter[b"reason"] in REASONS
        detail = letter[b"detail"].decode()
        assert ": " in detail and MARK not in detail
        # the payload as written, cut at the cap, with the whole one's size and digest
        full = [
            p
            for p in payloads
            if hashlib.sha256(p).hexdigest() == letter[b"payload_sha256"].decode()
        ]
        assert full and full[0].startswith(letter[b"payload"])
        assert int(letter[b"payload_bytes"]) == len(full[0])
    applied = 0
    async for _tag, snap in bookings(r, mine):
        applied += len(snap.history)
    # each distinct valid (source, id) stored once; every other entry dead-lettered
    assert len(letters) + applied <= len(payloads)
    assert len(letters) >= sum(1 for p in payloads if not _valid(p))
    await r.aclose()


def _valid(payload: bytes) -> bool:
    from holdwatch.domain.contract import ContractError, parse_event  # noqa: PLC0415

    try:
        parse_event(payload)
    except ContractError:
        return False
    return True


async def test_good_entries_of_a_read_full_of_bad_ones_are_applied_within_seconds(
    redis_url: str, prefix: str, tmp_path: Path, restore_logging: None
) -> None:
    """Through the real FastStream subscriber, with the reclaimer a minute away: reads that
    mix every kind of mutation with good events are settled within seconds."""
    s = make_settings(redis_url, prefix, tmp_path, default_profile="ca-sb54", reclaim_idle=60.0)
    # The service's own JSON logs: the console renderer's tracebacks take a second each.
    configure_logging("WARNING", (tmp_path / "monitor.log").open("w"))
    service = build(s)
    r = service.redis
    await service.ensure_groups()
    rng = random.Random(12)
    bad = _corpus(rng, 120)
    good: list[str] = []
    for i, payload in enumerate(bad):
        await r.xadd(s.events_stream, {"event": payload})
        if i % 4 == 0:
            event = json.loads(json.dumps(VALID[0]))
            event["id"], event["subject"] = f"good-{i}", f"GOOD-{i}"
            good.append(f"{{lasd/GOOD-{i}}}")
            await r.xadd(s.events_stream, {"event": json.dumps(event)})
    async with running(service):

        async def settled() -> bool:
            info = await r.xinfo_groups(s.events_stream)
            stored = [(await booking(r, service.keys, tag)).history for tag in good]
            return info[0]["pending"] == 0 and info[0]["lag"] == 0 and all(stored)

        await until(settled, timeout=10)
    for _i, letter in await r.xrange(s.dlq_stream):
        assert letter[b"reason"] in REASONS
        assert MARK not in letter[b"detail"].decode()
    await r.aclose()


def _corpus(rng: random.Random, n: int) -> list[bytes]:
    """`n` payloads drawn from the same mutations, without hypothesis (one run, one app)."""
    out = []
    for i in range(n):
        event: dict[str, Any] = json.loads(json.dumps(rng.choice(VALID)))
        event["id"] = f"cz-{i}"
        how = i % 6
        if how == 0:
            _put(event, rng.choice(_instants(event)), rng.choice(SENTINELS))
        elif how == 1:
            event.pop(rng.choice(sorted(event)), None)
        elif how == 2:
            event[rng.choice(sorted(event))] = rng.choice([None, 7, MARK, [MARK], 2**70])
        elif how == 3 and event["data"]:
            event["data"][rng.choice(sorted(event["data"]))] = rng.choice([MARK * 5000, {}, 1.5])
        raw = json.dumps(event).encode()
        if how == 4:
            cut = rng.randrange(len(raw))
            raw = raw[:cut] + bytes(rng.randrange(256) for _ in range(3)) + raw[cut:]
        elif how == 5:
            raw = raw.replace(b'"source"', '"s\u00f6urce"'.encode(), 1) + b"\xff"
        out.append(raw)
    return out
