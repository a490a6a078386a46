"""Key names, and how they are laid out over partitions.

A booking belongs to one partition, `crc32(tag) % N`; its own key (the booking packed
whole, adapters/booking_codec.py) and its partition's shared keys (alerts stream,
timers, fired timers, custody, the open-findings index) carry one slot tag, `{p<k>}`, so
the Lua commit that touches them all stays one atomic step on Redis Cluster, whose
scripts may only touch one slot. Readers of the shared keys (the notifier, the API, the
gauges) merge the partitions.

With one partition on one Redis (the default) no key is tagged, so the names are the
ones holdwatch has always used and a running deployment keeps its data.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cached_property
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


def slot_tag(name: str) -> str:
    """`{name}`: a key with this tag hashes to the slot of the key `name` itself (when
    `name` has no braces), so a script may touch both on a cluster."""
    return "{" + name + "}"


@dataclass(frozen=True, slots=True)
class Partition:
    """The shared keys of one partition (and, through `Keys`, its bookings' keys)."""

    index: int
    base: str  # the key prefix, with the slot tag when tagged
    alerts: str
    fired: str

    @property
    def timers(self) -> str:
        """ZSET: timer member → due instant (epoch ms)."""
        return f"{self.base}:timers:due"

    @property
    def timer_data(self) -> str:
        return f"{self.base}:timers:data"

    @property
    def custody(self) -> str:
        """HASH: booking tag → the person's custody summary while detainers are in force."""
        return f"{self.base}:custody"

    @property
    def open_findings(self) -> str:
        """HASH finding id → the finding, while its status is open (the API's list)."""
        return f"{self.base}:findings:open"

    @property
    def finding_bookings(self) -> str:
        """HASH finding id → its booking tag: where its ledger and history are."""
        return f"{self.base}:findings:booking"


@dataclass(frozen=True)
class Keys:
    """Every key holdwatch owns. `tagged` (a cluster) gives every key a slot tag, and
    `partitions` splits the bookings' shared keys; streams are named in the settings."""

    prefix: str
    partitions: int = 1
    tagged: bool = False
    alerts_stream: str = "holdwatch:alerts"
    timers_stream: str = "holdwatch:timers:fired"
    events_stream: str = "holdwatch:events"

    def __post_init__(self) -> None:
        if self.partitions < 1:
            raise ValueError("partitions: at least 1")

    @property
    def layered(self) -> bool:
        """Whether the shared keys are per partition (named with `{p<k>}`)."""
        return self.tagged or self.partitions > 1

    @cached_property
    def parts(self) -> tuple[Partition, ...]:
        if not self.layered:
            return (Partition(0, self.prefix, self.alerts_stream, self.timers_stream),)
        return tuple(
            Partition(
                k,
                f"{self.prefix}:{{p{k}}}",
                f"{self.alerts_stream}:{{p{k}}}",
                f"{self.timers_stream}:{{p{k}}}",
            )
            for k in range(self.partitions)
        )

    def partition(self, tag: str) -> Partition:
        """The partition of the booking (or agency record) with this tag."""
        if self.partitions == 1:
            return self.parts[0]
        return self.parts[zlib.crc32(tag.encode()) % self.partitions]

    def booking(self, tag: str) -> str:
        """STRING: the booking packed whole (adapters/booking_codec.py)."""
        return f"{self.partition(tag).base}:b:{tag}"

    def legacy_booking(self, tag: str) -> tuple[str, str, str]:
        """The previous layout's hashes: events, findings, meta (adapters/legacy_bookings.py);
        in the booking's slot, so one script reads both layouts."""
        base = f"{self.partition(tag).base}:b:{tag}"
        return f"{base}:events", f"{base}:findings", f"{base}:meta"

    @property
    def only(self) -> Partition:
        """The one partition, for code that predates partitions; refuses when there are more."""
        if len(self.parts) != 1:
            raise ValueError("partitions: this reader needs every partition, not one")
        return self.parts[0]

    @property
    def frontier(self) -> str:
        """STRING: the latest event time read from the events stream (epoch ms); on a
        cluster in the events stream's slot, since one script reads both."""
        if self.tagged:
            return f"{self.prefix}:frontier:{slot_tag(self.events_stream)}"
        return f"{self.prefix}:frontier:latest"

    @property
    def layout(self) -> str:
        """STRING: the partition count the bookings are stored with (bootstrap checks it)."""
        return f"{self.prefix}:layout"

    @property
    def calendar(self) -> str:
        """The prefix of the calendar secrets, whose two keys change in one transaction."""
        return f"{self.prefix}:{{api}}:calendar" if self.tagged else f"{self.prefix}:api:calendar"

    @staticmethod
    def timer(tag: str, kind: str) -> str:
        return f"{tag}|{kind}"
