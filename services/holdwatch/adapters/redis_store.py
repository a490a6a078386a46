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

A booking is one string (adapters/booking_codec.py): Python packs and deflates, the
scripts only read the header and splice bytes. A commit sends its new events, appended
as they are; the whole ledger when a finding changed (it is one deflated stream); all the
events when compaction dropped some. A booking still in the previous layout is read from
it and moved (adapters/legacy_bookings.py).

On a Redis Cluster the booking's key and its partition's keys share a slot (adapters/
keys.py), but the events stream has its own: there the entries are acked just after the
commit, and the scripts are sent to their nodes at once rather than pipelined (a cluster
refuses scripts in a pipeline).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from holdwatch.adapters.batched_script import batched, flatten
from holdwatch.adapters.booking_codec import (
    AS_OF_WIDTH,
    HEADER,
    REV_WIDTH,
    encode,
    pack_events,
    pack_ledger,
    read,
)
from holdwatch.adapters.keys import Keys
from holdwatch.adapters.legacy_bookings import MIGRATE, legacy_snapshot
from holdwatch.app.ports import Commit, Snapshot

__all__ = ["BookingStore", "Commit", "Snapshot"]

#: One script call: its SHA, its keys, its arguments.
Call = tuple[str, list[str], list[Any]]

# The booking's string (adapters/booking_codec.py), or when there is none, what the
# previous layout (three hashes) holds: `load` moves such a booking to the string.
LOAD = """
local blob = redis.call('GET', KEYS[1])
if blob then return {blob} end
return {false, redis.call('HMGET', KEYS[4], 'version', 'as_of', 'late', 'out_of_order', 'rev',
                          'compacted_before'),
        redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
"""

# Both scripts begin by reading the header (its fixed part: adapters/booking_codec.py) and
# checking the version and revision the caller read. A string too short to hold a header
# (edited or cut short) is a conflict: the caller reads it, and finds it unreadable. So is
# no string where the previous layout's meta hash (KEYS[9]) still stands: a caller that
# took the booking for new without reading it reads it then, and so moves it.
CHECK = """
local head = redis.call('GETRANGE', KEYS[1], 0, HEADER - 1)
local v, late, disorder, ledger_len, rev = 0, 0, 0, 0, ''
if head ~= '' and #head < HEADER then return -1 end
if head == '' and redis.call('EXISTS', KEYS[9]) == 1 then return -1 end
if head ~= '' then
  v, late, disorder, ledger_len = struct.unpack('>I4I4I4I4', head, 2)
  rev = string.sub(head, 19, 18 + string.byte(head, 18))
end
if v ~= tonumber(ARGV[2]) or rev ~= ARGV[17] then return -1 end
""".replace("HEADER", str(HEADER))

CONFIRM = (
    CHECK
    + """
if tonumber(ARGV[14]) > 0 then redis.call('XACK', KEYS[2], ARGV[1], unpack(ARGV, 23)) end
return v
"""
)

# ARGV[12]: event records to append, or (flag 'E' in ARGV[19]) the whole events instead;
# ARGV[22]: with flag 'L', the whole ledger. A booking past APPEND_AFTER bytes whose
# ledger stays is changed in place (its header) and at its end (its new events), so a
# commit costs the same however long the booking; a smaller one is written whole, which
# leaves no spare room behind (APPEND reserves as much again as the string holds).
COMMIT = (
    CHECK
    + """
local APPEND_AFTER = 16384
local HEADER = """
    + str(HEADER)
    + """
local n_changes, n_acks = tonumber(ARGV[13]), tonumber(ARGV[14])
local n_forget_findings = tonumber(ARGV[20])
local i = 23
for _ = 1, n_changes do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'finding', ARGV[i + 1],
             'change', ARGV[i + 2], 'trigger', ARGV[i + 3], 'late_ms', ARGV[i + 4])
  if ARGV[i + 5] == '1' then redis.call('HSET', KEYS[7], ARGV[i], ARGV[i + 1])
  else redis.call('HDEL', KEYS[7], ARGV[i]) end
  redis.call('HSET', KEYS[8], ARGV[i], ARGV[5])
  i = i + 6
end
for _ = 1, n_forget_findings do redis.call('HDEL', KEYS[8], ARGV[i]); i = i + 1 end
local function arm(member, score, data)
  if score == '' then
    redis.call('ZREM', KEYS[4], member); redis.call('HDEL', KEYS[5], member)
  else
    redis.call('ZADD', KEYS[4], score, member); redis.call('HSET', KEYS[5], member, data)
  end
end
arm(ARGV[5] .. '|deadline', ARGV[8], ARGV[9])
arm(ARGV[5] .. '|warning', ARGV[10], ARGV[11])
if ARGV[7] == '' then redis.call('HDEL', KEYS[6], ARGV[5])
else redis.call('HSET', KEYS[6], ARGV[5], ARGV[7]) end
local function slot(text, width)
  return string.char(#text) .. text .. string.rep(' ', width - #text)
end
local function header(ledger_bytes)
  return 'B' .. struct.pack('>I4I4I4I4', v + 1, late + tonumber(ARGV[15]),
                            disorder + tonumber(ARGV[16]), ledger_bytes)
    .. slot(ARGV[18], """
    + str(REV_WIDTH)
    + """) .. slot(ARGV[6], """
    + str(AS_OF_WIDTH)
    + """)
end
local whole_events = string.find(ARGV[19], 'E', 1, true)
local new_ledger = string.find(ARGV[19], 'L', 1, true)
if head ~= '' and not whole_events and not new_ledger and ARGV[21] == ''
   and redis.call('STRLEN', KEYS[1]) > APPEND_AFTER then
  redis.call('SETRANGE', KEYS[1], 0, header(ledger_len))
  if ARGV[12] ~= '' then redis.call('APPEND', KEYS[1], ARGV[12]) end
else
  local compacted, ledger, events = '', '', ''
  if head ~= '' then
    local rest = redis.call('GETRANGE', KEYS[1], HEADER, -1)
    local n = string.byte(rest, 1)
    compacted = string.sub(rest, 2, 1 + n)
    ledger = string.sub(rest, 2 + n, 1 + n + ledger_len)
    events = string.sub(rest, 2 + n + ledger_len)
  end
  if ARGV[21] ~= '' then compacted = ARGV[21] end
  if new_ledger then ledger = ARGV[22] end
  if whole_events then events = ARGV[12] else events = events .. ARGV[12] end
  redis.call('SET', KEYS[1],
             header(#ledger) .. string.char(#compacted) .. compacted .. ledger .. events)
end
if ARGV[3] == '' then redis.call('PERSIST', KEYS[1])
else redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if n_acks > 0 then redis.call('XACK', KEYS[2], ARGV[1], unpack(ARGV, i, i + n_acks - 1)) end
return v + 1
"""
)


class BookingStore:
    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        *,
        group: str,
        alerts_maxlen: int,
    ) -> None:
        self.redis = redis
        self.keys = keys
        #: On a cluster the events stream lives in another slot than the booking, so the
        #: script cannot ack it: the entries are acked after the commit (`_ack_after`).
        self.acks_in_script = not keys.tagged
        self.group = group
        #: the alerts kept in all, shared among the partitions' streams
        self.alerts_maxlen = -(-alerts_maxlen // keys.partitions)
        self._commit = redis.register_script(COMMIT)
        self._confirm = redis.register_script(CONFIRM)
        self._load = redis.register_script(LOAD)
        self._migrate = redis.register_script(MIGRATE)
        #: each script's batched form: a partition's calls of it in one call
        self._batched = {
            script.sha: redis.register_script(batched(body))
            for script, body in (
                (self._commit, COMMIT),
                (self._confirm, CONFIRM),
                (self._load, LOAD),
            )
        }

    async def load_scripts(self) -> None:
        """(Re)load the scripts; after NOSCRIPT (a restarted or flushed Redis) callers retry.

        Scripts are called by EVALSHA directly: redis-py's `Script` on a pipeline would ask
        SCRIPT EXISTS first, one more round trip for every batch.
        """
        for script in (self._load, self._commit, self._confirm, self._migrate):
            await self.redis.script_load(script.script)
        for script in self._batched.values():
            await self.redis.script_load(script.script)

    def _keys(self, tag: str) -> list[str]:
        return [self.keys.booking(tag), *self.keys.legacy_booking(tag)]

    async def load(self, tags: Sequence[str]) -> list[Snapshot]:
        """Full snapshots; each is read by one script, so history and version agree."""
        rows = await self._grouped([(self._load.sha, self._keys(tag), []) for tag in tags])
        snaps: list[Snapshot] = []
        moving: dict[str, Snapshot] = {}
        for tag, row in zip(tags, rows, strict=True):
            snaps.append(read(tag, row[0]) if row[0] else legacy_snapshot(*row[1:]))
            if not row[0] and snaps[-1].version:
                moving[tag] = snaps[-1]
        if moving:
            await self._move(moving)
        return snaps

    async def _move(self, snaps: dict[str, Snapshot]) -> None:
        """Bookings of the previous layout to the packed string (adapters/legacy_bookings.py)."""
        sha = self._migrate.sha
        await self._run(
            [
                (sha, self._keys(tag), [snap.version, snap.rev, encode(tag, snap)])
                for tag, snap in snaps.items()
            ]
        )

    async def commit(self, ack_stream: str, commits: Sequence[Commit]) -> list[int | None]:
        """Every commit in one round trip (one script call each); a Redis that lost the
        scripts (restarted, flushed, a promoted replica) gets them again and the calls are
        sent once more: the version check makes that safe, since a commit that did apply
        before the NOSCRIPT comes back as a conflict."""
        results = await self._grouped([self.call(ack_stream, c) for c in commits])
        versions = [None if r == -1 else int(r) for r in results]
        if not self.acks_in_script:
            await self._ack_after(ack_stream, commits, versions)
        return versions

    async def _grouped(self, calls: Sequence[Call]) -> list[Any]:
        """The calls, those of one script and one partition (one slot) made one call
        (adapters/batched_script.py): Redis pays a script call's fixed cost once per
        partition and script, not once per booking. Results come back in call order."""
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (sha, keys, _args) in enumerate(calls):
            # a booking's key begins with its partition's slot tag on a cluster; one
            # Redis takes any keys in one script
            slot = keys[0].partition("}")[0] if self.keys.tagged else ""
            groups.setdefault((sha, slot), []).append(i)
        merged: list[Call] = []
        for (sha, _slot), members in groups.items():
            if len(members) == 1:
                merged.append(calls[members[0]])
                continue
            keys, args = flatten([(calls[i][1], calls[i][2]) for i in members])
            merged.append((self._batched[sha].sha, keys, args))
        replies = await self._run(merged)
        out: list[Any] = [None] * len(calls)
        for ((_sha, _slot), members), reply in zip(groups.items(), replies, strict=True):
            for i, one in zip(members, reply if len(members) > 1 else [reply], strict=True):
                out[i] = one
        return out

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

    def commit_keys(self, tag: str, ack_stream: str) -> list[str]:
        """The keys a commit of the booking declares: its own and its partition's, the
        ack stream only where the script acks it (on a cluster it is another slot), and
        the previous layout's meta hash, which tells a booking not yet moved."""
        part = self.keys.partition(tag)
        return [
            self.keys.booking(tag),
            ack_stream if self.acks_in_script else part.alerts,
            part.alerts,
            part.timers,
            part.timer_data,
            part.custody,
            part.open_findings,
            part.finding_bookings,
            self.keys.legacy_booking(tag)[2],
        ]

    def call(self, ack_stream: str, c: Commit) -> Call:
        """The commit's script call; its result is the new version, or -1 on a conflict.

        New events are packed and appended; compaction, which drops events, sends them
        all; the ledger is sent whole when a finding changed or was dropped."""
        timer_data = orjson.dumps({"agency": c.agency, "booking_id": c.booking_id})
        acks = c.acks if self.acks_in_script else ()
        whole_history = bool(c.forget_events)
        whole_ledger = bool(c.alerts or c.forget_findings)
        if (whole_history and c.history is None) or (whole_ledger and c.ledger is None):
            raise ValueError("a commit that changes findings or forgets events carries them")
        events = c.history.items() if whole_history and c.history is not None else c.events
        as_of = c.as_of.isoformat()
        if len(c.rev.encode()) > REV_WIDTH or len(as_of) > AS_OF_WIDTH:
            raise ValueError(f"a revision or instant too long for the header: {c.rev}, {as_of}")
        args: list[Any] = [
            self.group,
            c.expected_version,
            "" if c.retain_ms is None else c.retain_ms,
            self.alerts_maxlen,
            c.tag,
            as_of,
            c.custody or "",
            "" if c.deadline_ms is None else c.deadline_ms,
            timer_data,
            "" if c.warning_ms is None else c.warning_ms,
            timer_data,
            pack_events(c.tag, events) if not c.confirms_only else "",
            len(c.alerts),
            len(acks),
            c.late,
            c.out_of_order,
            c.expected_rev,
            c.rev,
            ("E" if whole_history else "") + ("L" if whole_ledger else ""),
            len(c.forget_findings),
            "" if c.compacted_before is None else c.compacted_before.isoformat(),
            pack_ledger(c.tag, c.ledger) if whole_ledger and c.ledger is not None else "",
        ]
        late = "" if c.late_ms is None else str(c.late_ms)
        for fid, record, change, is_open in c.alerts:
            args += [fid, record, change, c.trigger, late, "1" if is_open else ""]
        args += c.forget_findings
        args += acks
        keys = self.commit_keys(c.tag, ack_stream)
        script = self._confirm if c.confirms_only else self._commit
        return script.sha, keys, args
