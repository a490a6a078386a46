"""Prometheus metrics. Counters count true events; every gauge is computed from Redis
state at scrape time, so replicas agree and nothing drifts. No person or booking id is
ever a label: form, code and outcome are closed sets, and agency and facility (named by
producers) pass through `place`, which bounds them (app/agencies.py `MetricPlaces`).
"""

from __future__ import annotations

import json
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis.asyncio import Redis
from redis.exceptions import RedisError

from holdwatch.adapters.keys import Keys
from holdwatch.adapters.stream_lag import LAG_CAP, StreamLag

LATENESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600)
#: event outcomes that are not a dead letter's reason
COUNTED_ONLY = frozenset({"applied", "duplicate", "expired"})
#: label sets whose counter children are kept (past it, `labels()` is asked each time)
MAX_KEPT_CHILDREN = 1_000
RELEASE_BUCKETS = tuple(
    m * 60 for m in (1, 5, 15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 10080)
)


class DeliveryCounter:
    """The notifier's `DeliveryObserver`: attempts by channel, notice and outcome."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.deliveries = Counter(
            "holdwatch_notifications",
            "Notification delivery attempts",
            ["channel", "notice", "outcome"],
            registry=registry,
        )

    def delivery(self, channel: str, notice: str, outcome: str) -> None:
        self.deliveries.labels(channel, notice, outcome).inc()


class PromObserver:
    """The `Observer` port, as Prometheus counters and histograms.

    Each event is counted: `labels()` (a lock and a tuple of checked strings) cost more
    than the count, so the children of the closed label sets are kept by their labels.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._event_children: dict[tuple[str, str], Callable[[], None]] = {}
        self._release_children: dict[bool, Callable[[float], None]] = {}
        self.events = Counter(
            "holdwatch_events", "Stream entries handled", ["type", "outcome"], registry=registry
        )
        self.findings = Counter(
            "holdwatch_findings",
            "Findings emitted to the alerts stream",
            ["code", "severity", "change"],
            registry=registry,
        )
        self.detainers = Counter(
            "holdwatch_detainers", "Detainers received", ["form", "warrant"], registry=registry
        )
        self.detainer_bases = Counter(
            "holdwatch_detainer_bases",
            "Probable-cause bases stated on detainers received (one detainer may state several)",
            ["basis"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "holdwatch_dead_letters", "Entries dead-lettered", ["reason"], registry=registry
        )
        self.lateness = Histogram(
            "holdwatch_timer_lateness_seconds",
            "How long after its due instant a deadline timer fired",
            buckets=LATENESS_BUCKETS,
            registry=registry,
        )
        self.release = Histogram(
            "holdwatch_release_latency_seconds",
            "From release eligibility to release, by whether a detainer was lodged",
            ["detainer"],
            buckets=RELEASE_BUCKETS,
            registry=registry,
        )

    def event(self, event_type: str, outcome: str) -> None:
        count = self._event_children.get((event_type, outcome))
        if count is None:
            count = self._event_counter(event_type, outcome)
        count()

    def _event_counter(self, event_type: str, outcome: str) -> Callable[[], None]:
        events = self.events.labels(event_type, outcome)
        count: Callable[[], None] = events.inc
        if outcome not in COUNTED_ONLY:
            count = partial(_both, events, self.dead_letters.labels(outcome))
        if len(self._event_children) < MAX_KEPT_CHILDREN:  # event types come from producers
            self._event_children[(event_type, outcome)] = count
        return count

    def finding(self, code: str, severity: str, change: str) -> None:
        self.findings.labels(code, severity, change).inc()

    def detainer(self, form: str, warrant: str, bases: tuple[str, ...]) -> None:
        self.detainers.labels(form, warrant).inc()
        for basis in bases or ("none stated",):
            self.detainer_bases.labels(basis).inc()

    def release_latency(self, seconds: float, detainer_lodged: bool) -> None:
        observe = self._release_children.get(detainer_lodged)
        if observe is None:
            child = self.release.labels("lodged" if detainer_lodged else "none")
            observe = self._release_children[detainer_lodged] = child.observe
        observe(seconds)

    def timer_fired(self, late_seconds: float) -> None:
        self.lateness.observe(late_seconds)


@dataclass
class StateSnapshot:
    """State read from Redis for one scrape."""

    ok: bool = False
    holds: Tally[tuple[str, str, str]] = field(default_factory=Tally)
    overdue: Tally[tuple[str, str, str]] = field(default_factory=Tally)
    detainers: Tally[tuple[str, str]] = field(default_factory=Tally)
    timers: int = 0
    oldest_overdue: float = 0.0
    #: (stream, group, pending, lag)
    groups: list[tuple[str, str, int, int]] = field(default_factory=list)
    dlq_length: int = 0
    redis_used_memory: int = 0
    redis_maxmemory: int = 0  # 0: no limit set


class StateCollector(Collector):
    """Gauges from the last `refresh`, which the /metrics route awaits before rendering."""

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        streams: Sequence[str],
        dlq: str,
        group: str,
        lag_cap: int = LAG_CAP,
        place: Callable[[str, str], tuple[str, str]] = lambda agency, facility: (agency, facility),
    ):
        self.redis = redis
        self.place = place
        self.keys = keys
        self.streams = streams
        self.dlq = dlq
        self.group = group
        self.lag = StreamLag(redis, lag_cap)
        self.snapshot = StateSnapshot()

    async def refresh(self) -> None:
        try:
            self.snapshot = await self._read()
        except RedisError:
            self.snapshot = StateSnapshot(ok=False)

    async def _read(self) -> StateSnapshot:
        snap = StateSnapshot(ok=True)
        async with self.redis.pipeline(transaction=False) as pipe:
            for part in self.keys.parts:  # a cluster's pipeline sends each to its slot's node
                pipe.hvals(part.custody)
                pipe.zcard(part.timers)
                pipe.zrange(part.timers, 0, 0, withscores=True)
            pipe.xlen(self.dlq)
            *rows, snap.dlq_length = await pipe.execute()
        now_ms = redis_ms(await self.redis.time())
        custody = [raw for i in range(0, len(rows), 3) for raw in rows[i]]
        snap.timers = sum(rows[i + 1] for i in range(0, len(rows), 3))
        firsts = [rows[i + 2][0][1] for i in range(0, len(rows), 3) if rows[i + 2]]
        if firsts:
            snap.oldest_overdue = max(0.0, (now_ms - min(firsts)) / 1000)
        for raw in custody:
            c = json.loads(raw)
            where = (*self.place(c["agency"], c["facility"]), c["profile"])
            for form, warrant in c["detainers"]:
                snap.detainers[(form, warrant)] += 1
            deadline = c["hold_deadline_ms"]
            if deadline is not None:
                snap.holds[where] += 1
                if deadline <= now_ms:
                    snap.overdue[where] += 1
        for stream in self.streams:
            try:
                groups = await self.redis.xinfo_groups(stream)
            except RedisError:
                continue  # the stream does not exist yet
            for g in groups:
                if _text(g["name"]) == self.group:
                    # Not XINFO's `lag`: a restarted Redis 7.0 can restore it stale.
                    lag = await self.lag.unread(stream, _text(g["last-delivered-id"]))
                    snap.groups.append((stream, self.group, int(g["pending"]), lag))
        memory = await self.redis.info("memory")  # noeviction: writes fail at maxmemory
        snap.redis_used_memory = int(memory.get("used_memory", 0))
        snap.redis_maxmemory = int(memory.get("maxmemory", 0))
        return snap

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        yield _gauge(
            "holdwatch_state_ok", "1 if the last scrape could read Redis", [], [((), s.ok)]
        )
        place = ["agency", "facility", "profile"]
        yield _gauge(
            "holdwatch_holds_active",
            "People held on a detainer past release eligibility (or heading for a hold deadline)",
            place,
            s.holds.items(),
        )
        yield _gauge(
            "holdwatch_holds_past_deadline",
            "Holds running past the instant they became unlawful",
            place,
            s.overdue.items(),
        )
        yield _gauge(
            "holdwatch_detainers_in_custody",
            "Detainers in force on people in custody, by form and attached warrant",
            ["form", "warrant"],
            s.detainers.items(),
        )
        yield _gauge("holdwatch_timers_scheduled", "Armed deadline timers", [], [((), s.timers)])
        yield _gauge(
            "holdwatch_timers_oldest_overdue_seconds",
            "How far past due the oldest unfired timer is (0: none overdue)",
            [],
            [((), s.oldest_overdue)],
        )
        yield _gauge(
            "holdwatch_stream_pending",
            "Entries read but not yet acknowledged",
            ["stream", "group"],
            [((st, g), p) for st, g, p, _lag in s.groups],
        )
        yield _gauge(
            "holdwatch_stream_lag",
            f"Entries not yet read by the group, counted up to {self.lag.cap}",
            ["stream", "group"],
            [((st, g), lag) for st, g, _p, lag in s.groups],
        )
        yield _gauge(
            "holdwatch_dlq_length", "Entries in the dead-letter stream", [], [((), s.dlq_length)]
        )
        yield _gauge(
            "holdwatch_redis_used_memory_bytes",
            "Memory Redis uses (INFO memory used_memory)",
            [],
            [((), s.redis_used_memory)],
        )
        yield _gauge(
            "holdwatch_redis_maxmemory_bytes",
            "Redis's maxmemory (0: no limit); at it, writes fail under noeviction",
            [],
            [((), s.redis_maxmemory)],
        )


def _both(events: Counter, dead: Counter) -> None:
    events.inc()
    dead.inc()


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _gauge(name: str, doc: str, labels: list[str], values: object) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for label_values, value in values:  # type: ignore[attr-defined]
        family.add_metric(list(label_values), float(value))
    return family


async def render(registry: CollectorRegistry, state: StateCollector) -> bytes:
    """The /metrics body, with gauges read from Redis now."""
    await state.refresh()
    return generate_latest(registry)


def monotonic() -> float:
    return time.monotonic()


def redis_ms(reply: Any) -> int:
    """TIME's (seconds, microseconds) in epoch ms; a cluster client answers per node."""
    if isinstance(reply, dict):
        reply = next(iter(reply.values()))
    seconds, micros = reply
    return int(seconds) * 1000 + int(micros) // 1000
