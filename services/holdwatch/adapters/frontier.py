"""The events stream's event-time frontier: the instant up to which everything is applied.

A monitor behind the stream's head (a backfill, a restart after downtime, a replica whose
neighbour holds older entries) must not judge a booking as of the wall clock: the
booking's later events may still be unread, and a finding that one of them would have
prevented would go to a defender although it was never true. In a stream written in event
time order, every entry that is not yet applied (pending in the group, or after the entries
in hand) is dated at or after the frontier; so judging as of just before the oldest of
them uses only what is known. With nothing outstanding the frontier is the clock's (None).

One script reads the bounding entries, so the answer is one round trip and consistent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.entries import BadEntry, event_payload
from holdwatch.app.horizon import Outstanding
from holdwatch.domain.instants import FIRST_YEAR, LAST_YEAR

# KEYS[1] events stream, KEYS[2] the latest event time read (epoch ms); ARGV[1] group,
# ARGV[2] first id of the entries in hand and ARGV[3] the last ('' for none: then the
# oldest pending entry and the first unread one), ARGV[4] the latest event time in hand
# (epoch ms, or ''), which raises KEYS[2]. Returns the fields of the oldest pending entry
# before the first id, of the first entry after the last id (or after the group's last
# delivered id), false when none, and the latest event time read.
BOUNDS = """
local stream, group, first, last = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local latest = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[4] ~= '' and tonumber(ARGV[4]) > latest then
  latest = tonumber(ARGV[4]); redis.call('SET', KEYS[2], ARGV[4])
end
local function fields(id)
  if not id then return false end
  local rows = redis.call('XRANGE', stream, id, id)
  if #rows == 0 then return false end
  return rows[1][2]
end
local before
if first == '' then
  before = redis.call('XPENDING', stream, group, '-', '+', 1)
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local info = {}
    for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
    if info['name'] == group then last = info['last-delivered-id'] end
  end
  if last == '' then return {false, false, latest} end
else
  before = redis.call('XPENDING', stream, group, '-', '(' .. first, 1)
end
local after = redis.call('XRANGE', stream, '(' .. last, '+', 'COUNT', 1)
local pending_id = before[1] and before[1][1]
return {fields(pending_id), after[1] and after[1][2] or false, latest}
"""


class RedisFrontier:
    """Reads the frontier from the stream and its consumer group."""

    def __init__(self, redis: Redis, stream: str, group: str, latest_key: str) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.latest_key = latest_key
        self._bounds = redis.register_script(BOUNDS)

    async def around(self, first: str, last: str, latest: datetime) -> Outstanding:
        """For the entries `first`..`last` in hand, whose latest event is dated `latest`."""
        return await self._read(first, last, str(int(latest.timestamp() * 1000)))

    async def settled(self) -> Outstanding:
        """For work with no entries in hand: the oldest pending and the first unread."""
        return await self._read("", "", "")

    async def _read(self, first: str, last: str, latest: str) -> Outstanding:
        rows: Any = await self._bounds(
            keys=[self.stream, self.latest_key], args=[self.group, first, last, latest]
        )
        before, after = (entry_time(_pairs(row)) if row else None for row in rows[:2])
        read = datetime.fromtimestamp(int(rows[2]) / 1000, UTC) if int(rows[2]) else None
        return Outstanding(before, after, read)


def _pairs(flat: list[bytes]) -> dict[bytes, bytes]:
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def entry_time(fields: Mapping[bytes, bytes]) -> datetime | None:
    """The event time of an entry; None when it has none an event could be applied at."""
    try:
        value = json.loads(event_payload(fields))["time"]
        at = datetime.fromisoformat(value)
    except (BadEntry, ValueError, TypeError, KeyError):
        return None
    # the contract's range only: an entry dated outside it is never applied, so bounds nothing
    if at.tzinfo is None or not FIRST_YEAR <= at.year <= LAST_YEAR:
        return None
    return at
