"""What the API reads and writes in Redis, through the stores that own each key.

Findings come from the monitor's open-findings index and booking ledgers, holds from its
custody summary, acknowledgements from the notifier's store; the API adds one key of its
own, the audit log of personal-data reads (a stream: who, what, when).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.delivery_store import DeliveryStore
from holdwatch.adapters.keys import Keys
from holdwatch.adapters.redis_store import BookingStore, Snapshot
from holdwatch.domain.contract import parse_event
from holdwatch.domain.events import BookingCreated, BookingCreatedData
from holdwatch.domain.findings import Finding

#: A live page's cursor names one entry id per partition, in partition order.
CURSOR_SEPARATOR = "~"
#: How often a cluster's alerts streams are read while a live page waits.
POLL_MS = 250


def cursor_ids(cursor: str, partitions: int) -> list[str] | None:
    """The entry ids of a cursor; None for one made for another count of partitions."""
    ids = cursor.split(CURSOR_SEPARATOR)
    return ids if len(ids) == partitions else None


def is_cursor(value: str) -> bool:
    """Whether `value` is a cursor: entry ids (`ms` or `ms-seq`) joined by `~`."""
    for part in value.split(CURSOR_SEPARATOR):
        first, _dash, second = part.partition("-")
        if not (first.isdigit() and (second == "" or second.isdigit())):
            return False
    return True


class ApiStore:
    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        bookings: BookingStore,
        deliveries: DeliveryStore,
        dlq_stream: str,
    ) -> None:
        self.dlq_stream = dlq_stream
        self.redis = redis
        self.keys = keys
        self.bookings = bookings
        self.deliveries = deliveries
        self.audit_maxlen = 1_000_000

    @property
    def audit_stream(self) -> str:
        return f"{self.keys.prefix}:api:audit"

    async def _each(self, key: str) -> list[dict[bytes, bytes]]:
        """HGETALL of one shared key in every partition (one slot each on a cluster)."""
        parts = self.keys.parts
        rows: list[Any] = await asyncio.gather(
            *(self.redis.hgetall(getattr(p, key)) for p in parts)
        )
        return rows

    async def open_findings(self) -> list[Finding]:
        rows = await self._each("open_findings")
        return [Finding.model_validate_json(v) for part in rows for v in part.values()]

    async def in_custody(self) -> dict[str, dict[str, Any]]:
        """Booking tag → custody summary, for people held with a detainer in force."""
        rows = await self._each("custody")
        return {k.decode(): json.loads(v) for part in rows for k, v in part.items()}

    async def booking(self, tag: str) -> Snapshot:
        return (await self.bookings.load([tag]))[0]

    async def booking_of(self, finding_id: str) -> str | None:
        """The finding's booking: the id does not tell its partition, so each is asked."""
        tags: list[Any] = await asyncio.gather(
            *(self.redis.hget(p.finding_bookings, finding_id) for p in self.keys.parts)
        )
        return next((str(t.decode()) for t in tags if t is not None), None)

    async def acknowledgements(self, finding_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not finding_ids:
            return {}
        rows = await self.redis.hmget(self.deliveries.keys.acks, finding_ids)
        return {f: json.loads(r) for f, r in zip(finding_ids, rows, strict=True) if r}

    async def acknowledge(self, finding_id: str, record: Mapping[str, Any]) -> bool:
        return await self.deliveries.acknowledge(finding_id, record)

    async def audit(self, who: str, role: str, action: str, target: str, at: datetime) -> None:
        """Log a read of personal data: never the data, only who read which booking."""
        fields: dict[Any, Any] = {"who": who, "role": role, "action": action, "target": target}
        await self.redis.xadd(
            self.audit_stream,
            fields | {"at": at.isoformat()},
            maxlen=self.audit_maxlen,
            approximate=True,
        )

    async def audit_reads(
        self, who: str, role: str, action: str, targets: list[str], at: datetime
    ) -> None:
        """`audit` for many bookings read at once (a page of cards), in one round trip."""
        if not targets:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for target in targets:
                fields: dict[Any, Any] = {"who": who, "role": role, "action": action}
                pipe.xadd(
                    self.audit_stream,
                    fields | {"target": target, "at": at.isoformat()},
                    maxlen=self.audit_maxlen,
                    approximate=True,
                )
            await pipe.execute()

    async def bookings_created(self, tags: list[str]) -> dict[str, BookingCreatedData]:
        """Booking tag → its `booking.created` data: facility, time zone, the person
        (whole: callers show it through `Principal.shown`)."""
        if not tags:
            return {}
        found: dict[str, BookingCreatedData] = {}
        for tag, snap in zip(tags, await self.bookings.load(tags), strict=True):
            for raw in snap.history.values():
                if b'"booking.created"' not in raw:
                    continue
                event = parse_event(raw)
                if isinstance(event, BookingCreated):
                    found[tag] = event.data
                    break
        return found

    async def last_alert_id(self) -> str:
        """The alerts streams' newest entry ids ("0-0" for an empty one) as one cursor
        (`cursor`): where a live page's updates begin, so nothing between rendering and
        subscribing is lost."""
        newest: list[Any] = await asyncio.gather(
            *(self.redis.xrevrange(p.alerts, count=1) for p in self.keys.parts)
        )
        return CURSOR_SEPARATOR.join(str(r[0][0].decode()) if r else "0-0" for r in newest)

    async def alerts_after(
        self, after: str, block_ms: int, count: int = 100
    ) -> list[tuple[str, Finding, str]]:
        """Alerts after the cursor `after` (waiting up to `block_ms` for one): the cursor
        just past the entry, the finding as it now stands, and the change ("new",
        "changed", "resolved", ...).

        One partition is one blocking XREAD. Several are read together where one XREAD
        may name them all (one Redis); on a cluster each is its own slot, so they are
        read at once without blocking, again every `POLL_MS` until `block_ms` passed.
        """
        ids = cursor_ids(after, len(self.keys.parts))
        if ids is None:  # the partitions changed since: go on from now
            ids = (await self.last_alert_id()).split(CURSOR_SEPARATOR)
        streams: dict[Any, Any] = {p.alerts: i for p, i in zip(self.keys.parts, ids, strict=True)}
        loop = asyncio.get_running_loop()
        ends = loop.time() + block_ms / 1000
        while True:
            if not self.keys.tagged:
                replies = [await self.redis.xread(streams, count=count, block=block_ms)]
            else:
                replies = await asyncio.gather(
                    *(self.redis.xread({s: i}, count=count) for s, i in streams.items())
                )
            out = self._after(ids, replies)
            if out or not self.keys.tagged or loop.time() >= ends:
                return out
            await asyncio.sleep(min(POLL_MS / 1000, max(0.0, ends - loop.time())))

    def _after(self, ids: list[str], replies: list[Any]) -> list[tuple[str, Finding, str]]:
        where = {p.alerts: k for k, p in enumerate(self.keys.parts)}
        out: list[tuple[str, Finding, str]] = []
        for reply in replies:
            for stream, entries in reply or []:
                k = where[stream.decode() if isinstance(stream, bytes) else stream]
                for entry_id, fields in entries:
                    ids[k] = entry_id.decode()
                    finding = Finding.model_validate_json(fields[b"finding"])
                    change = fields.get(b"change", b"").decode()
                    out.append((CURSOR_SEPARATOR.join(ids), finding, change))
        return out

    async def audit_log(self, count: int) -> list[dict[str, str]]:
        rows: Any = await self.redis.xrevrange(self.audit_stream, count=count)
        return [{k.decode(): v.decode() for k, v in f.items()} for _i, f in rows]
