"""A booking's history, findings ledger and timers in Redis, changed in one atomic step.

`commit` is one Lua script per booking: it checks the version the caller read (optimistic
concurrency across replicas; with a revision drawn at random for each commit, so a
booking Redis lost and rebuilt to the same count still tells), stores the new events,
updates the ledger, appends each changed finding to the alerts stream (and the
open-findings index), re-arms the timers and XACKs the entries it applied. Entries that
only repeat stored events are acked after the same check (CONFIRM): a cache may save a
read, never a write.
A crash before it leaves everything pending; a crash after leaves nothing to redo. A booking
that is over (released, nothing left to time) expires after the retention period; a late
event makes it persist again. An agency's own record (events with no booking) never ends,
so a commit may also compact it: it drops the events and findings past the retention
period and records the instant they ended at (`compacted_before`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from holdwatch.adapters.keys import Keys
from holdwatch.app.ports import Commit, Snapshot

__all__ = ["BookingStore", "Commit", "Snapshot"]

#: One script call: its SHA, its keys, its arguments.
Call = tuple[str, list[str], list[Any]]

LOAD = """
return {redis.call('HMGET', KEYS[3], 'version', 'as_of', 'late', 'out_of_order', 'rev',
                   'compacted_before'),
        redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
"""

# The check both scripts begin with: the version and revision the caller read.
CHECK = """
local meta = redis.call('HMGET', KEYS[3], 'version', 'rev')
local v = tonumber(meta[1] or '0')
if v ~= tonumber(ARGV[2]) or (meta[2] or '') ~= ARGV[17] then return -1 end
"""

CONFIRM = (
    CHECK
    + """
if tonumber(ARGV[14]) > 0 then redis.call('XACK', KEYS[4], ARGV[1], unpack(ARGV, 22)) end
return v
"""
)

COMMIT = (
    CHECK
    + """
local n_events, n_changes, n_acks = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
local n_late, n_disorder = tonumber(ARGV[15]), tonumber(ARGV[16])
local n_forget_events, n_forget_findings = tonumber(ARGV[19]), tonumber(ARGV[20])
local i = 22
for _ = 1, n_events do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2
end
for _ = 1, n_changes do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'finding', ARGV[i + 1],
             'change', ARGV[i + 2], 'trigger', ARGV[i + 3], 'late_ms', ARGV[i + 4])
  if ARGV[i + 5] == '1' then redis.call('HSET', KEYS[9], ARGV[i], ARGV[i + 1])
  else redis.call('HDEL', KEYS[9], ARGV[i]) end
  redis.call('HSET', KEYS[10], ARGV[i], ARGV[5])
  i = i + 6
end
for _ = 1, n_forget_events do redis.call('HDEL', KEYS[1], ARGV[i]); i = i + 1 end
for _ = 1, n_forget_findings do
  redis.call('HDEL', KEYS[2], ARGV[i]); redis.call('HDEL', KEYS[10], ARGV[i]); i = i + 1
end
local function arm(member, score, data)
  if score == '' then
    redis.call('ZREM', KEYS[6], member); redis.call('HDEL', KEYS[7], member)
  else
    redis.call('ZADD', KEYS[6], score, member); redis.call('HSET', KEYS[7], member, data)
  end
end
arm(ARGV[5] .. '|deadline', ARGV[8], ARGV[9])
arm(ARGV[5] .. '|warning', ARGV[10], ARGV[11])
if ARGV[7] == '' then redis.call('HDEL', KEYS[8], ARGV[5])
else redis.call('HSET', KEYS[8], ARGV[5], ARGV[7]) end
redis.call('HSET', KEYS[3], 'version', v + 1, 'as_of', ARGV[6], 'rev', ARGV[18])
if ARGV[21] ~= '' then redis.call('HSET', KEYS[3], 'compacted_before', ARGV[21]) end
if n_late > 0 then redis.call('HINCRBY', KEYS[3], 'late', n_late) end
if n_disorder > 0 then redis.call('HINCRBY', KEYS[3], 'out_of_order', n_disorder) end
for k = 1, 3 do
  if ARGV[3] == '' then redis.call('PERSIST', KEYS[k])
  else redis.call('PEXPIRE', KEYS[k], ARGV[3]) end
end
if n_acks > 0 then redis.call('XACK', KEYS[4], ARGV[1], unpack(ARGV, i, i + n_acks - 1)) end
return v + 1
"""
)


class BookingStore:
    def __init__(self, redis: Redis, keys: Keys, *, group: str, alerts_maxlen: int) -> None:
        self.redis = redis
        self.keys = keys
        #: On a cluster the events stream lives in another slot than the booking, so the
        #: script cannot ack it: the entries are acked after the commit (`_ack_after`).
        self.acks_in_script = not keys.tagged
        self.group = group
        self.alerts_maxlen = alerts_maxlen
        self._commit = redis.register_script(COMMIT)
        self._confirm = redis.register_script(CONFIRM)
        self._load = redis.register_script(LOAD)

    async def load_scripts(self) -> None:
        """(Re)load the scripts; after NOSCRIPT (a restarted or flushed Redis) callers retry.

        Scripts are called by EVALSHA directly: redis-py's `Script` on a pipeline would ask
        SCRIPT EXISTS first, one more round trip for every batch.
        """
        for script in (self._load, self._commit, self._confirm):
            await self.redis.script_load(script.script)

    async def load(self, tags: Sequence[str]) -> list[Snapshot]:
        """Full snapshots; each is read by one script, so history and version agree."""
        rows = await self._run([(self._load.sha, list(self.keys.booking(tag)), []) for tag in tags])
        return [_snapshot(row) for row in rows]

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        """Every commit in one round trip (one script call each); a Redis that lost the
        scripts (restarted, flushed, a promoted replica) gets them again and the calls are
        sent once more: the version check makes that safe, since a commit that did apply
        before the NOSCRIPT comes back as a conflict."""
        results = await self._run([self.call(ack_stream, c) for c in commits])
        versions = [None if r == -1 else int(r) for r in results]
        if not self.acks_in_script:
            await self._ack_after(ack_stream, commits, versions)
        return versions

    async def _run(self, calls: Sequence[Call]) -> list[Any]:
        """The script calls, pipelined on one Redis. A cluster refuses scripts in a
        pipeline, so there each call goes to its slot's node, all at once."""
        for attempt in range(2):
            try:
                if self.acks_in_script:
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for sha, keys, args in calls:
                            pipe.evalsha(sha, len(keys), *keys, *args)
                        return list(await pipe.execute())
                return list(
                    await asyncio.gather(
                        *(self.redis.evalsha(sha, len(k), *k, *a) for sha, k, a in calls)
                    )
                )
            except NoScriptError:
                if attempt:
                    raise
                await self.load_scripts()
        raise AssertionError("unreachable")

    async def _ack_after(
        self, ack_stream: str, commits: Sequence[Commit], versions: Sequence[int | None]
    ) -> None:
        """Ack what the commits applied (a conflict's entries stay pending, as in the
        script). A crash before this leaves them pending: read again, they only repeat
        stored events, and are acked then (CONFIRM)."""
        ids = [i for c, v in zip(commits, versions, strict=True) if v is not None for i in c.acks]
        if ids:
            await self.redis.xack(ack_stream, self.group, *ids)

    def call(self, ack_stream: str, c: Commit) -> Call:
        """The commit's script call; its result is the new version, or -1 on a conflict."""
        history, ledger, meta = self.keys.booking(c.tag)
        part = self.keys.partition(c.tag)
        acks = c.acks if self.acks_in_script else ()
        timer_data = json.dumps({"agency": c.agency, "booking_id": c.booking_id})
        args: list[Any] = [
            self.group,
            c.expected_version,
            "" if c.retain_ms is None else c.retain_ms,
            self.alerts_maxlen,
            c.tag,
            c.as_of.isoformat(),
            c.custody or "",
            "" if c.deadline_ms is None else c.deadline_ms,
            timer_data,
            "" if c.warning_ms is None else c.warning_ms,
            timer_data,
            len(c.events),
            len(c.alerts),
            len(acks),
            c.late,
            c.out_of_order,
            c.expected_rev,
            c.rev,
            len(c.forget_events),
            len(c.forget_findings),
            "" if c.compacted_before is None else c.compacted_before.isoformat(),
        ]
        for name, raw in c.events:
            args += [name, raw]
        late = "" if c.late_ms is None else str(c.late_ms)
        for fid, record, change, is_open in c.alerts:
            args += [fid, record, change, c.trigger, late, "1" if is_open else ""]
        args += [*c.forget_events, *c.forget_findings]
        args += list(acks)
        keys = [
            history,
            ledger,
            meta,
            # the ack stream is declared only where the script acks it (one slot on a cluster)
            ack_stream if self.acks_in_script else part.alerts,
            part.alerts,
            part.timers,
            part.timer_data,
            part.custody,
            part.open_findings,
            part.finding_bookings,
        ]
        script = self._confirm if c.confirms_only else self._commit
        return script.sha, keys, args


def _snapshot(row: list[Any]) -> Snapshot:
    (version, as_of, late, disorder, rev, compacted), history, ledger = row
    return Snapshot(
        int(version) if version else 0,
        datetime.fromisoformat(as_of.decode()) if as_of else None,
        {history[i].decode(): history[i + 1] for i in range(0, len(history), 2)},
        {ledger[i].decode(): ledger[i + 1].decode() for i in range(0, len(ledger), 2)},
        int(late or 0),
        int(disorder or 0),
        rev.decode() if rev else "",
        datetime.fromisoformat(compacted.decode()) if compacted else None,
    )
