"""The notifier's durable state in Redis: delivery jobs, escalations, acknowledgements, log.

A job is one (finding, recipient, notice); its id is a hash of the three, so enqueueing it
twice — a re-read alert, a second replica — is a no-op, and a delivered job is never
queued again. Jobs and escalations wait in sorted sets scored by when they are due; a
replica claims due ones by pushing their score a lease ahead in one script, so no two
replicas hold the same job, and a replica that dies mid-send leaves it due again when the
lease runs out. Every attempt is appended to the delivery log stream.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from holdwatch.app.ports import Enqueue

__all__ = ["DeliveryStore", "Enqueue", "NotifyKeys"]

ENQUEUE = """
local now, n_findings = ARGV[2], tonumber(ARGV[3])
local i = 4
for _ = 1, n_findings do
  redis.call('HSET', KEYS[6], ARGV[i], ARGV[i + 1]); i = i + 2
end
local n_jobs = tonumber(ARGV[i]); i = i + 1
for _ = 1, n_jobs do
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], id) == 0 and redis.call('HEXISTS', KEYS[3], id) == 0 then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1]); redis.call('ZADD', KEYS[2], now, id)
  end
  i = i + 2
end
local n_esc = tonumber(ARGV[i]); i = i + 1
for _ = 1, n_esc do
  if redis.call('HSETNX', KEYS[5], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[4], ARGV[i + 1], ARGV[i])
  end
  i = i + 3
end
if i <= #ARGV then redis.call('XACK', KEYS[7], ARGV[1], unpack(ARGV, i, #ARGV)) end
return n_jobs
"""

CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), id)
  out[#out + 1] = id; out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out
"""

FINISH = """
redis.call('ZREM', KEYS[1], ARGV[1]); redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[2]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4, #ARGV))
return 1
"""

RETRY = """
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]); redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5, #ARGV))
return 1
"""


@dataclass(frozen=True, slots=True)
class NotifyKeys:
    """The notifier's keys; on a cluster (`tagged`) they share the slot tag `{notify}`,
    since each script touches several of them."""

    prefix: str
    tagged: bool = False

    @property
    def base(self) -> str:
        return f"{self.prefix}:{{notify}}:notify" if self.tagged else f"{self.prefix}:notify"

    @property
    def jobs(self) -> str:
        """HASH job id → the job (JSON) while it waits."""
        return f"{self.base}:jobs"

    @property
    def queue(self) -> str:
        """ZSET job id → when it is due (epoch ms)."""
        return f"{self.base}:queue"

    @property
    def delivered(self) -> str:
        """HASH job id → its delivery record: the at-most-once memory."""
        return f"{self.base}:delivered"

    @property
    def escalations(self) -> str:
        return f"{self.base}:escalations"

    @property
    def escalation_data(self) -> str:
        return f"{self.base}:escalation_data"

    @property
    def findings(self) -> str:
        """HASH finding id → the finding as last seen on the alerts stream."""
        return f"{self.base}:findings"

    @property
    def log(self) -> str:
        """STREAM: one entry per delivery attempt."""
        return f"{self.base}:log"

    @property
    def acks(self) -> str:
        """HASH finding id → who acknowledged it, when, with what note (JSON)."""
        return f"{self.prefix}:{{notify}}:acks" if self.tagged else f"{self.prefix}:acks"


class DeliveryStore:
    """`Deliveries` (app/ports.py) in Redis: each change is one script, so atomic."""

    def __init__(self, redis: Redis, keys: NotifyKeys, group: str, alerts_stream: str) -> None:
        self.redis = redis
        self.keys = keys
        self.group = group
        self.alerts_stream = alerts_stream
        self.log_maxlen = 1_000_000
        self._enqueue = redis.register_script(ENQUEUE)
        self._claim = redis.register_script(CLAIM)
        self._finish = redis.register_script(FINISH)
        self._retry = redis.register_script(RETRY)

    async def enqueue(self, e: Enqueue, now_ms: int) -> None:
        """Store the batch and ack its entries, all or nothing; on a cluster the alerts
        partition is in another slot, so its entries are acked after the script (a crash
        between leaves them pending, and enqueueing them again changes nothing)."""
        k = self.keys
        stream = e.stream or self.alerts_stream
        in_script = not k.tagged
        args: list[Any] = [self.group, now_ms, len(e.findings)]
        for pair in e.findings:
            args += pair
        args.append(len(e.jobs))
        for pair in e.jobs:
            args += pair
        args.append(len(e.escalations))
        for triple in e.escalations:
            args += triple
        if in_script:
            args += list(e.acks)
        keys = [
            k.jobs,
            k.queue,
            k.delivered,
            k.escalations,
            k.escalation_data,
            k.findings,
            stream if in_script else k.findings,
        ]
        await self._enqueue(keys=keys, args=args)
        if not in_script and e.acks:
            await self.redis.xack(stream, self.group, *e.acks)

    async def claim_jobs(self, lease_ms: int, limit: int) -> list[tuple[str, dict[str, Any]]]:
        return await self._claim_from(self.keys.queue, self.keys.jobs, lease_ms, limit)

    async def claim_escalations(
        self, lease_ms: int, limit: int
    ) -> list[tuple[str, dict[str, Any]]]:
        k = self.keys
        return await self._claim_from(k.escalations, k.escalation_data, lease_ms, limit)

    async def _claim_from(
        self, zset: str, data: str, lease_ms: int, limit: int
    ) -> list[tuple[str, dict[str, Any]]]:
        flat: list[bytes] = await self._claim(keys=[zset, data], args=[lease_ms, limit])
        out = []
        for i in range(0, len(flat), 2):
            if flat[i + 1]:  # data gone: finished elsewhere after this replica's read
                out.append((flat[i].decode(), json.loads(flat[i + 1])))
        return out

    async def delivered(
        self, job_id: str, record: Mapping[str, Any], log: Mapping[str, str]
    ) -> None:
        k = self.keys
        args: list[Any] = [job_id, json.dumps(record), self.log_maxlen, *_flat(log)]
        await self._finish(keys=[k.queue, k.jobs, k.delivered, k.log], args=args)

    async def failed(self, job_id: str, log: Mapping[str, str]) -> None:
        """Give up on a job: out of the queue, logged, never delivered."""
        k = self.keys
        args: list[Any] = [job_id, "", self.log_maxlen, *_flat(log)]
        await self._finish(keys=[k.queue, k.jobs, k.delivered, k.log], args=args)

    async def retry(
        self, job_id: str, job: Mapping[str, Any], due_ms: int, log: Mapping[str, str]
    ) -> None:
        k = self.keys
        args: list[Any] = [job_id, json.dumps(job), due_ms, self.log_maxlen, *_flat(log)]
        await self._retry(keys=[k.queue, k.jobs, k.delivered, k.log], args=args)

    async def escalation_done(self, escalation_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self.keys.escalations, escalation_id)
            pipe.hdel(self.keys.escalation_data, escalation_id)
            await pipe.execute()

    async def finding(self, finding_id: str) -> dict[str, Any] | None:
        raw = await self.redis.hget(self.keys.findings, finding_id)
        return None if raw is None else dict(json.loads(raw))

    async def acknowledgement(self, finding_id: str) -> dict[str, Any] | None:
        raw = await self.redis.hget(self.keys.acks, finding_id)
        return None if raw is None else dict(json.loads(raw))

    async def acknowledge(self, finding_id: str, record: Mapping[str, Any]) -> bool:
        """Record the first acknowledgement of a finding; False when it already had one."""
        return bool(await self.redis.hsetnx(self.keys.acks, finding_id, json.dumps(record)))


def _flat(fields: Mapping[str, str]) -> list[str]:
    return [x for pair in fields.items() for x in pair]
