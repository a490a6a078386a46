"""Durable deadline timers: a sorted set fired by one Lua script on the Redis clock.

The script moves due timers into the fired-timers stream (an outbox) and removes them in
one atomic step, so with any number of replicas polling each timer fires exactly once;
timers left due during an outage fire on recovery, and the entry says how late.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from holdwatch.adapters.keys import Keys

log = structlog.get_logger("holdwatch.timers")

FIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0,
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
        fired_stream: str,
        *,
        interval: float,
        limit: int = 500,
        maxlen: int = 1_000_000,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.fired_stream = fired_stream
        self.interval = interval
        self.limit = limit
        self.maxlen = maxlen
        self._fire = redis.register_script(FIRE)

    async def fire_due(self) -> int:
        fired = await self._fire(
            keys=[self.keys.timers, self.keys.timer_data, self.fired_stream],
            args=[self.limit, self.maxlen],
        )
        return int(fired)

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
