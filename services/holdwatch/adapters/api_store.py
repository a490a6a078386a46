"""What the API reads and writes in Redis, through the stores that own each key.

Findings come from the monitor's open-findings index and booking ledgers, holds from its
custody summary, acknowledgements from the notifier's store; the API adds one key of its
own, the audit log of personal-data reads (a stream: who, what, when).
"""

from __future__ import annotations

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

    async def open_findings(self) -> list[Finding]:
        rows: Any = await self.redis.hgetall(self.keys.open_findings)
        return [Finding.model_validate_json(v) for v in rows.values()]

    async def in_custody(self) -> dict[str, dict[str, Any]]:
        """Booking tag → custody summary, for people held with a detainer in force."""
        rows: Any = await self.redis.hgetall(self.keys.custody)
        return {k.decode(): json.loads(v) for k, v in rows.items()}

    async def booking(self, tag: str) -> Snapshot:
        return (await self.bookings.load([tag]))[0]

    async def booking_of(self, finding_id: str) -> str | None:
        tag: Any = await self.redis.hget(self.keys.finding_bookings, finding_id)
        return None if tag is None else str(tag.decode())

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
        """The alerts stream's newest entry id ("0-0" when empty): where a live page's
        updates begin, so nothing between rendering and subscribing is lost."""
        rows: Any = await self.redis.xrevrange(self.bookings.alerts_stream, count=1)
        return str(rows[0][0].decode()) if rows else "0-0"

    async def alerts_after(
        self, after: str, block_ms: int, count: int = 100
    ) -> list[tuple[str, Finding, str]]:
        """Alerts after entry `after` (waiting up to `block_ms` for one): entry id, the
        finding as it now stands, and the change ("new", "changed", "resolved", ...)."""
        reply: Any = await self.redis.xread(
            {self.bookings.alerts_stream: after}, count=count, block=block_ms
        )
        out: list[tuple[str, Finding, str]] = []
        for _stream, entries in reply or []:
            for entry_id, fields in entries:
                finding = Finding.model_validate_json(fields[b"finding"])
                out.append((entry_id.decode(), finding, fields.get(b"change", b"").decode()))
        return out

    async def audit_log(self, count: int) -> list[dict[str, str]]:
        rows: Any = await self.redis.xrevrange(self.audit_stream, count=count)
        return [{k.decode(): v.decode() for k, v in f.items()} for _i, f in rows]
