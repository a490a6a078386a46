"""Key names. A booking's keys share one hash tag, so one Lua script may touch them all
(and the layout can move to Redis Cluster with partitioned streams)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from holdwatch.domain.events import Event

TIMER_KINDS = ("deadline", "warning")


#: What `quote(s, safe="")` leaves as it is; most ids are only this, and skip the call.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")


def _escape(part: str) -> str:
    return part if _UNQUOTED.fullmatch(part) else quote(part, safe="")


def booking_tag(agency: str, booking_id: str | None) -> str:
    """`{agency/booking}`; braces and slashes in ids are escaped so the tag stays whole."""
    return "{" + _escape(agency) + "/" + _escape(booking_id or "") + "}"


def event_field(event: Event) -> str:
    """The history field of an event: its idempotency key (`source`, `id`)."""
    return f"{event.source}\x1f{event.id}"


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str

    def history(self, tag: str) -> str:
        return f"{self.prefix}:b:{tag}:events"

    def ledger(self, tag: str) -> str:
        return f"{self.prefix}:b:{tag}:findings"

    def meta(self, tag: str) -> str:
        return f"{self.prefix}:b:{tag}:meta"

    def booking(self, tag: str) -> tuple[str, str, str]:
        return self.history(tag), self.ledger(tag), self.meta(tag)

    @property
    def timers(self) -> str:
        """ZSET: timer member → due instant (epoch ms)."""
        return f"{self.prefix}:timers:due"

    @property
    def timer_data(self) -> str:
        return f"{self.prefix}:timers:data"

    @property
    def frontier(self) -> str:
        """STRING: the latest event time read from the events stream (epoch ms)."""
        return f"{self.prefix}:frontier:latest"

    @property
    def custody(self) -> str:
        """HASH: booking tag → the person's custody summary while detainers are in force."""
        return f"{self.prefix}:custody"

    @property
    def open_findings(self) -> str:
        """HASH finding id → the finding, while its status is open (the API's list)."""
        return f"{self.prefix}:findings:open"

    @property
    def finding_bookings(self) -> str:
        """HASH finding id → its booking tag: where its ledger and history are."""
        return f"{self.prefix}:findings:booking"

    @staticmethod
    def timer(tag: str, kind: str) -> str:
        return f"{tag}|{kind}"
