"""Bookings in the previous layout (three hashes: events, findings, meta), moved on read.

A booking written before the packed string (adapters/booking_codec.py) is read as it is,
then moved in one checked step: the string is written with the same version and revision
(and the time left to live), and the three hashes are deleted, only if the string does not
exist yet and the hashes are still at what was read. If that check fails (another reader
moved it first), the snapshot read still stands: a commit made from it checks the string's
version and meets a conflict, or the move, as any commit would.

Only data at rest is moved: replicas of the previous release must be stopped before this
one starts, since they would go on writing the hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from holdwatch.app.ports import Snapshot

MIGRATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local meta = redis.call('HMGET', KEYS[4], 'version', 'rev')
if tonumber(meta[1] or '0') ~= tonumber(ARGV[1]) or (meta[2] or '') ~= ARGV[2] then
  return 0
end
local ttl = redis.call('PTTL', KEYS[4])
redis.call('SET', KEYS[1], ARGV[3])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
return 1
"""


def legacy_snapshot(meta: list[Any], history: list[Any], ledger: list[Any]) -> Snapshot:
    """A booking as the three hashes hold it (HMGET of the meta fields, two HGETALLs)."""
    version, as_of, late, disorder, rev, compacted = meta
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
