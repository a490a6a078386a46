"""Durable deadline timers: a sorted set fired by one Lua script on the Redis clock.

The script moves due timers into the fired-timers stream (an outbox) and removes them in
one atomic step, so with any number of replicas polling each timer fires exactly once;
timers left due during an outage fire on recovery, and the entry says how late.

A timer fires only once the events stream is applied up to its instant (the frontier,
adapters/frontier.py): while a backlog is read, a deadline judged before the booking's
later events are stored could raise a finding they would have prevented. So timers left
due during an outage fire in order with the events that were written meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from holdwatch.adapters.keys import Keys
from holdwatch.app.horizon import horizon
from holdwatch.app.ports import Frontier

log = structlog.get_logger("holdwatch.timers")

_NEVER = datetime(9999, 1, 1, tzinfo=UTC)  # no bound but the frontier's

FIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local upto = now
if ARGV[3] ~= '' then upto = math.min(now, tonumber(ARGV[3])) end
local due = redis.call('ZRANGE', KEYS[1], '-inf', upto, 'BYSCORE', 'LIMIT', 0,
                       tonumber(ARGV[1]), 'WITHSCORES')
for i = 1, #due, 2 do
  local member, at = due[i], due[i + 1]
  local data = redis.call('HGET', KEYS[2], member) or ''
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'timer', member,
             'due_ms', at, 'fired_ms', now, 'data', data)
  redis.call('ZREM', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
end
return #due / 2
"""


class TimerPoller:
    """Fires due timers until stopped; drains a backlog at once, then polls."""

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        frontier: Frontier,
        *,
        interval: float,
        limit: int = 500,
        maxlen: int = 1_000_000,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.frontier = frontier
        self.interval = interval
        self.limit = limit
        self.maxlen = maxlen
        self._fire = redis.register_script(FIRE)

    async def fire_due(self, until: datetime | None = None) -> int:
        """Fire what is due on the Redis clock, up to the frontier (and `until`, for a
        replay or a test whose clock is not the Redis clock), in every partition: each
        partition's timers go to its own fired-timers stream, in its slot. Returns the
        most fired in one partition, which tells whether a backlog is left."""
        outstanding = await self.frontier.settled()
        limit = horizon(until or _NEVER, outstanding, outstanding.read)
        upto = "" if limit == _NEVER else int(limit.timestamp() * 1000)  # '': the Redis clock
        fired = 0
        for part in self.keys.parts:
            n = await self._fire(
                keys=[part.timers, part.timer_data, part.fired],
                args=[self.limit, self.maxlen, upto],
            )
            fired = max(fired, int(n))
        return fired

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                fired = await self.fire_due()
            except RedisError as exc:
                log.warning("timer_poll_failed", error=type(exc).__name__)
                fired = 0
            if fired < self.limit:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval)
