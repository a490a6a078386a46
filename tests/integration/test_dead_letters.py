"""Dead letters on a real Redis: bounded in size, count and age, and no producer text.

A producer controls what reaches the dead-letter stream, so the stream must not grow
without bound (a 1 MiB entry, a flood, years of them) and the fields an operator reads
(`detail`, `errors`) must not repeat a producer's field names, which may be anything: a
name, an A-number.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from holdwatch.adapters.dead_letter import DAY_MS, DEAD_LETTER_FIELDS, RedisDeadLetters
from holdwatch.app.ports import DeadLetter
from holdwatch.bootstrap import build, build_notifier
from holdwatch.roles import Service
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import env_for, make_settings
from own_redis import free_port

KIB = 1024


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[Service]:
    svc = build(settings)
    await svc.ensure_groups()
    yield svc
    await svc.redis.aclose()


async def read_and_handle(service: Service) -> None:
    """One batch through the monitor's own handler, as FastStream hands it over."""
    s, r = service.settings, service.redis
    reply = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=100)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])


def not_json(size: int) -> bytes:
    return (b"{" + b"x" * size)[:size]


#: (size of the bad entry's `event` field, bytes kept) under the default 64 KiB cap.
SIZES = [(1, 1), (64 * KIB - 1, 64 * KIB - 1), (64 * KIB, 64 * KIB), (64 * KIB + 1, 64 * KIB)]
SIZES.append((1024 * KIB, 64 * KIB))


async def test_a_payload_is_stored_capped_with_its_full_size_and_digest(
    service: Service,
) -> None:
    s, r = service.settings, service.redis
    assert s.dlq_payload_max_bytes == 64 * KIB
    for size, _kept in SIZES:
        await r.xadd(s.events_stream, {"event": not_json(size)})
    await read_and_handle(service)
    letters = [fields for _id, fields in await r.xrange(s.dlq_stream)]
    assert len(letters) == len(SIZES)
    for (size, kept), letter in zip(SIZES, letters, strict=True):
        assert {k.decode() for k in letter} == set(DEAD_LETTER_FIELDS)
        assert letter[b"reason"] == b"invalid_event"
        assert letter[b"payload"] == not_json(size)[:kept], size
        assert int(letter[b"payload_bytes"]) == size
        assert letter[b"payload_sha256"].decode() == hashlib.sha256(not_json(size)).hexdigest()
        assert letter[b"payload_truncated"] == (b"true" if kept < size else b"false")
    assert (await r.xinfo_groups(s.events_stream))[0]["pending"] == 0


#: Field names a producer might write instead of `event`: none may be repeated.
PERSONAL_NAMES = ("A123456789", "Rosa Delgado Quintero", "1987-03-14")


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        (dict.fromkeys(PERSONAL_NAMES, "x"), "entry: has no 'event' field (3 other fields)"),
        ({PERSONAL_NAMES[1]: "x"}, "entry: has no 'event' field (1 other field)"),
        (
            {"payload": "x", "reason": "y", PERSONAL_NAMES[0]: "z"},
            "entry: has no 'event' field (fields: payload, reason; 1 other field)",
        ),
    ],
)
async def test_no_event_field_names_known_fields_and_counts_the_others(
    service: Service, fields: dict[str, str], detail: str
) -> None:
    s, r = service.settings, service.redis
    await r.xadd(s.events_stream, fields)  # type: ignore[arg-type]
    await read_and_handle(service)
    ((_id, letter),) = await r.xrange(s.dlq_stream)
    assert letter[b"reason"] == b"no_event_field"
    assert letter[b"detail"].decode() == detail
    readable = b"\n".join(v for k, v in letter.items() if k != b"payload")
    for name in PERSONAL_NAMES:
        assert name.encode() not in readable


def test_a_live_monitor_never_repeats_a_field_name_in_its_dead_letter_or_logs(
    settings: Settings,
) -> None:
    """`holdwatch monitor` at DEBUG: the names reach neither the letter's readable fields
    nor a single log line (the raw `payload` keeps the entry, as documented)."""
    env = env_for(settings)
    env.update(HOLDWATCH_HTTP_PORT=str(free_port()), HOLDWATCH_LOG_LEVEL="DEBUG")
    c = redis.Redis.from_url(settings.redis_url or "")
    c.xgroup_create(settings.events_stream, settings.group, "0", mkstream=True)
    c.xadd(settings.events_stream, dict.fromkeys(PERSONAL_NAMES, "x"))
    with tempfile.TemporaryFile() as log:
        monitor = subprocess.Popen(
            [sys.executable, "-m", "holdwatch.entrypoints.cli", "monitor"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            end = time.monotonic() + 30
            while c.xlen(settings.dlq_stream) == 0:
                assert monitor.poll() is None, "the monitor exited"
                assert time.monotonic() < end, "nothing was dead-lettered"
                time.sleep(0.1)
            monitor.send_signal(signal.SIGTERM)
            assert monitor.wait(timeout=30) == 0
        finally:
            if monitor.poll() is None:
                monitor.kill()
                monitor.wait()
        log.seek(0)
        output = log.read()
    ((_id, letter),) = c.xrange(settings.dlq_stream)
    c.close()
    assert letter[b"reason"] == b"no_event_field"
    assert output.count(b"\n") > 3, "no log lines were captured"
    readable = b"\n".join(v for k, v in letter.items() if k != b"payload") + output
    for name in PERSONAL_NAMES:
        assert name.encode() not in readable, name


async def redis_now_ms(r: Redis) -> int:
    seconds, micros = await r.time()
    return int(seconds) * 1000 + int(micros) // 1000


async def test_dead_letters_older_than_the_retention_are_trimmed(
    redis_url: str, prefix: str
) -> None:
    """Entries written 31 and 30 days and a minute ago go; 29 days ago and now stay."""
    async with Redis.from_url(redis_url) as r:
        dlq = f"{prefix}:dlq"
        now = await redis_now_ms(r)
        ages = {
            "31 days": 31 * DAY_MS,
            "30 days 1 min": 30 * DAY_MS + 60_000,
            "29 days": 29 * DAY_MS,
        }
        for label, age in ages.items():
            await r.xadd(dlq, {"reason": label}, id=f"{now - age}-0")
        letters = RedisDeadLetters(r, dlq, "holdwatch", 1000, retention_days=30)
        await letters.send(f"{prefix}:events", [DeadLetter("1-1", b"{", "invalid_event", "x")])
        kept = [f[b"reason"] for _i, f in await r.xrange(dlq)]
    assert kept == [b"29 days", b"invalid_event"]


async def test_dead_letters_are_bounded_by_count(redis_url: str, prefix: str) -> None:
    """MAXLEN ~: at most one stream node (100 entries) beyond the bound is kept."""
    async with Redis.from_url(redis_url) as r:
        dlq = f"{prefix}:dlq"
        async with r.pipeline(transaction=False) as pipe:
            for _ in range(1000):
                pipe.xadd(dlq, {"reason": "old"})
            await pipe.execute()
        letters = RedisDeadLetters(r, dlq, "holdwatch", 10)
        await letters.send(f"{prefix}:events", [DeadLetter("1-1", b"{", "invalid_event", "x")])
        assert 10 <= await r.xlen(dlq) <= 110


async def test_the_settings_reach_every_dead_letter_stream(redis_url: str, tmp_path: Path) -> None:
    routing = tmp_path / "routing.toml"
    routing.write_text('[[routes]]\nname = "all"\nemails = ["intake@defender.example.org"]\n')
    s = make_settings(
        redis_url,
        "hwt-settings",
        tmp_path,
        dlq_maxlen=7,
        dlq_retention_days=3,
        dlq_payload_max_bytes=99,
        routing_file=routing,
    )
    service, notify = build(s), build_notifier(s)
    dead = [service.monitor.dead_letters, *(rc.dead_letters for rc in service.reclaimers)]
    dead += [notify.notifier.dead_letters, *(r.dead_letters for r in notify.reclaimers)]
    for letters in dead:
        assert isinstance(letters, RedisDeadLetters)
        assert (letters.maxlen, letters.retention_ms, letters.payload_max_bytes) == (
            7,
            3 * DAY_MS,
            99,
        )
    assert {d.dlq_stream for d in dead} == {s.dlq_stream, s.alerts_dlq_stream}
    await service.redis.aclose()
    await notify.redis.aclose()
    await notify.http.aclose()
