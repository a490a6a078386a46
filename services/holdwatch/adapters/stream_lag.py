"""How many entries of a stream a consumer group has not yet read, counted from the stream.

Redis 7's own `lag` (XINFO GROUPS) is `entries-added - entries-read`, and a restarted
Redis 7.0 can restore an `entries-read` older than the group's `last-delivered-id` (from
the base of its last AOF rewrite): the lag then stays in the thousands with everything
delivered. Redis 6.2 has no `lag` at all. Counting the entries after `last-delivered-id`
holds on both, whatever was restored, because it reads only the entries and the group's
position. The count is exact while the group is fewer than `cap` entries from either end
of the stream (entries after it, or XLEN minus the entries up to it); farther from both,
the answer is `cap`, meaning at least that many. A count walks at most 2 x `cap` entries,
in chunks, inside one read-only script.
"""

from __future__ import annotations

from redis.asyncio import Redis

#: The default bound on a count (the lag alert fires at 1,000).
LAG_CAP = 10_000

UNREAD = """
local key, last, cap = KEYS[1], ARGV[1], tonumber(ARGV[2])
local function count(from, to)
  local n = 0
  while n < cap do
    local want = math.min(1000, cap - n)
    local chunk = redis.call('XRANGE', key, from, to, 'COUNT', want)
    n = n + #chunk
    if #chunk < want then break end
    from = '(' .. chunk[#chunk][1]
  end
  return n
end
local after = count('(' .. last, '+')
if after < cap then return after end
local upto = count('-', last)
if upto < cap then return redis.call('XLEN', key) - upto end
return cap
"""


class StreamLag:
    """Entries of a stream after a consumer group's `last-delivered-id`, up to a cap."""

    def __init__(self, redis: Redis, cap: int = LAG_CAP) -> None:
        self.cap = cap
        self._unread = redis.register_script(UNREAD)

    async def unread(self, stream: str, last_delivered_id: str) -> int:
        return int(await self._unread(keys=[stream], args=[last_delivered_id, self.cap]))
