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
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.entries import BadEntry, event_payload
from holdwatch.app.horizon import Outstanding

#: Instants of the contract's range only; anything else cannot be applied and is ignored.
_EARLIEST = datetime.fromisoformat("1900-01-01T00:00:00+00:00")
_LATEST = datetime.fromisoformat("2200-01-01T00:00:00+00:00")

# KEYS[1] events stream; ARGV[1] group, ARGV[2] first id of the entries in hand and
# ARGV[3] the last ('' for none: then the oldest pending entry and the first unread one).
# Returns the fields of the oldest pending entry before the first id, and of the first
# entry after the last id (or after the group's last delivered id), false when none.
BOUNDS = """
local stream, group, first, last = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
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
  if last == '' then return {false, false} end
else
  before = redis.call('XPENDING', stream, group, '-', '(' .. first, 1)
end
local after = redis.call('XRANGE', stream, '(' .. last, '+', 'COUNT', 1)
local pending_id = before[1] and before[1][1]
return {fields(pending_id), after[1] and after[1][2] or false}
"""


class RedisFrontier:
    """Reads the frontier from the stream and its consumer group."""

    def __init__(self, redis: Redis, stream: str, group: str) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self._bounds = redis.register_script(BOUNDS)

    async def around(self, first: str, last: str) -> Outstanding:
        """For the entries `first`..`last` in hand."""
        return await self._read(first, last)

    async def settled(self) -> Outstanding:
        """For work with no entries in hand: the oldest pending and the first unread."""
        return await self._read("", "")

    async def _read(self, first: str, last: str) -> Outstanding:
        rows: Any = await self._bounds(keys=[self.stream], args=[self.group, first, last])
        before, after = (entry_time(_pairs(row)) if row else None for row in rows)
        return Outstanding(before, after)


def _pairs(flat: list[bytes]) -> dict[bytes, bytes]:
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def entry_time(fields: Mapping[bytes, bytes]) -> datetime | None:
    """The event time of an entry; None when it has none an event could be applied at."""
    try:
        value = json.loads(event_payload(fields))["time"]
        at = datetime.fromisoformat(value)
    except (BadEntry, ValueError, TypeError, KeyError):
        return None
    if at.tzinfo is None or not _EARLIEST <= at < _LATEST:
        return None
    return at
