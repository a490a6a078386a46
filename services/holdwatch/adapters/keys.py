"""Key names. A booking's key carries its hash tag, so one Lua script may touch it and the
keys of its previous layout (and the layout can move to Redis Cluster with partitioned
streams)."""

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

    def booking(self, tag: str) -> str:
        """STRING: the booking packed whole (adapters/booking_codec.py)."""
        return f"{self.prefix}:b:{tag}"

    def legacy_booking(self, tag: str) -> tuple[str, str, str]:
        """The previous layout's hashes: events, findings, meta (adapters/legacy_bookings.py)."""
        return (
            f"{self.prefix}:b:{tag}:events",
            f"{self.prefix}:b:{tag}:findings",
            f"{self.prefix}:b:{tag}:meta",
        )

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
