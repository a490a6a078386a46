"""Fuzzing the live intake: whatever a producer writes, each entry is applied or
dead-lettered with a reason that names the field, nothing stays pending, nothing else stops,
and no value from the payload is echoed into the reason."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holdwatch.bootstrap import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings

SCENARIOS = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
VALID = [
    json.loads(line)
    for name in ("S01", "S07", "S12", "S35")
    for line in (SCENARIOS / f"{name}.jsonl").read_text().splitlines()
    if line.strip()
]
MARK = "zq-secret-zq"  # a value that must never reach a dead letter's reason

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.just(MARK),
    st.just("2025-01-01T00:00:00"),
    st.lists(st.just(MARK), max_size=2),
    st.dictionaries(st.just("x"), st.just(MARK), max_size=1),
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    event: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(VALID))))
    event["id"] = f"fz-{draw(st.integers(0, 10**9))}"
    how = draw(st.sampled_from(["drop", "set", "data", "bytes", "keep"]))
    if how == "drop":
        event.pop(draw(st.sampled_from(sorted(event))), None)
    elif how == "set":
        event[draw(st.sampled_from(sorted(event)))] = draw(junk)
    elif how == "data" and event["data"]:
        event["data"][draw(st.sampled_from(sorted(event["data"])))] = draw(junk)
    elif how == "bytes":
        raw = json.dumps(event).encode()
        cut = draw(st.integers(0, len(raw)))
        return raw[:cut] + draw(st.binary(max_size=8))
    return json.dumps(event).encode()


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
        assert letter[b"reason"] in {b"invalid_event", b"no_event_field"}
        detail = letter[b"detail"].decode()
        assert ": " in detail and MARK not in detail
        assert letter[b"payload"] in payloads
    applied = 0
    async for key in r.scan_iter(match=f"{mine}:b:*:events"):
        applied += await r.hlen(key)
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
