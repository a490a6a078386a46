"""(p) producer: one client XADDing the events one at a time, each waiting for its reply,
as a jail system's feed does."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import redis

from .report import spread


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
