"""The live use cases: apply a batch of events, fire a batch of due timers.

Both end the same way: group the work by booking, load (or reuse) each booking's history
and ledger, `judge` it as of now, and commit every booking in one pipelined round trip.
A commit that meets a newer version (another replica got there first) is retried from a
fresh read; a booking whose judgement fails stays pending for the reclaimer, and the rest
of the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import structlog
from redis.exceptions import NoScriptError

from holdwatch.adapters.entries import BadEntry, event_payload, raw_payload
from holdwatch.adapters.keys import booking_tag, event_field
from holdwatch.adapters.redis_store import BookingStore, Commit
from holdwatch.app.agencies import AgencyMap, UnknownAgency
from holdwatch.app.booking_cache import BookingCache, Cached
from holdwatch.app.judge import Custody, Judgement, Wake, judge
from holdwatch.app.ports import Clock, DeadLetter, DeadLetters, Observer
from holdwatch.domain.contract import ContractError, parse_event
from holdwatch.domain.events import DetainerReceived, Event

log = structlog.get_logger("holdwatch.monitor")

Entry = tuple[str, Mapping[bytes, bytes]]  # stream entry id, fields


@dataclass(slots=True)
class Work:
    """What one batch brings to one booking."""

    agency: str
    booking_id: str | None
    events: list[tuple[Event, bytes]] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    due: datetime | None = None  # timer work: the instant that fell due
    late_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """A booking's commit (None: only repeats arrived, just ack) and what it leaves behind."""

    commit: Commit | None
    cached: Cached
    judgement: Judgement | None
    applied: tuple[Event, ...]


class Monitor:
    def __init__(
        self,
        store: BookingStore,
        dead_letters: DeadLetters,
        agencies: AgencyMap,
        clock: Clock,
        observer: Observer,
        *,
        events_stream: str,
        timers_stream: str,
        retention: timedelta = timedelta(days=400),
        late_after: timedelta = timedelta(minutes=15),
        max_attempts: int = 8,
        cache_size: int = 200_000,
    ) -> None:
        self.store = store
        self.dead_letters = dead_letters
        self.agencies = agencies
        self.clock = clock
        self.observer = observer
        self.events_stream = events_stream
        self.timers_stream = timers_stream
        self.retention = retention
        #: an event applied this long after it happened counts as late (data fidelity)
        self.late_after = late_after
        self.max_attempts = max_attempts
        self.cache = BookingCache(cache_size)

    async def on_events(self, entries: Sequence[Entry]) -> None:
        """Apply a batch read from the events stream."""
        work, letters = self.gather(entries)
        if letters:
            await self.dead_letters.send(self.events_stream, letters)
            for letter in letters:
                self.observer.event("unknown", letter.reason)
        await self._settle(work, self.events_stream, "event")

    def gather(self, entries: Sequence[Entry]) -> tuple[dict[str, Work], list[DeadLetter]]:
        """A batch's valid events grouped by booking, and a dead letter for each other entry."""
        work: dict[str, Work] = {}
        letters: list[DeadLetter] = []
        for entry_id, fields in entries:
            try:
                raw = event_payload(fields)
                event = parse_event(raw)
                self.agencies.profile_for(event.agency)
            except BadEntry as exc:
                letters.append(DeadLetter(entry_id, raw_payload(fields), exc.reason, str(exc)))
                continue
            except ContractError as exc:
                errors = tuple((e.field, e.reason) for e in exc.errors)
                letters.append(
                    DeadLetter(entry_id, raw_payload(fields), "invalid_event", str(exc), errors)
                )
                continue
            except UnknownAgency:
                detail = "agency: no profile is configured for this agency"
                letters.append(DeadLetter(entry_id, raw, "unknown_agency", detail))
                continue
            tag = booking_tag(event.agency, event.subject)
            item = work.setdefault(tag, Work(event.agency, event.subject))
            item.events.append((event, raw))
            item.acks.append(entry_id)
        return work, letters

    async def on_timers(self, entries: Sequence[Entry]) -> None:
        """Judge each booking whose timer fired, as of (at least) the instant it fell due."""
        work: dict[str, Work] = {}
        letters: list[DeadLetter] = []
        for entry_id, fields in entries:
            try:
                member = fields[b"timer"].decode()
                data = json.loads(fields[b"data"])
                due_ms, fired_ms = int(fields[b"due_ms"]), int(fields[b"fired_ms"])
            except (KeyError, ValueError) as exc:
                detail = f"timer entry: unreadable ({type(exc).__name__})"
                letters.append(DeadLetter(entry_id, raw_payload(fields), "invalid_timer", detail))
                continue
            tag = member.rsplit("|", 1)[0]
            item = work.setdefault(tag, Work(data["agency"], data["booking_id"]))
            # Judged just past the instant: custody that lasts to a deadline breaks it after.
            due = datetime.fromtimestamp((due_ms + 1) / 1000, UTC)
            item.due = max(item.due or due, due)
            item.late_ms = max(item.late_ms or 0, fired_ms - due_ms)
            item.acks.append(entry_id)
            self.observer.timer_fired(max(0, fired_ms - due_ms) / 1000)
        if letters:
            await self.dead_letters.send(self.timers_stream, letters)
        await self._settle(work, self.timers_stream, "timer")

    async def _settle(self, work: dict[str, Work], stream: str, trigger: str) -> None:
        for _attempt in range(self.max_attempts):
            plans = await self._plan_all(work, trigger)
            if not plans:
                return
            async with self.store.redis.pipeline(transaction=False) as pipe:
                for tag, plan in plans.items():
                    if plan.commit is None:
                        pipe.xack(stream, self.store.group, *work[tag].acks)
                    else:
                        self.store.commit(pipe, stream, plan.commit)
                try:
                    results = await pipe.execute()
                except NoScriptError:
                    await self.store.load_scripts()
                    continue
            for (tag, plan), result in zip(plans.items(), results, strict=True):
                if plan.commit is not None and result == -1:
                    self.cache.drop(tag)  # another replica moved it on: read again
                    continue
                if plan.commit is not None:
                    self.cache.put(tag, replace(plan.cached, version=int(result)))
                item = work.pop(tag)
                try:
                    self._observe(item, plan)
                except Exception:  # the commit stands; a metric or log line must not undo it
                    log.exception("observe_failed", trigger=trigger)
        if work:
            log.warning(
                "commit_conflicts_persist", entries=[a for w in work.values() for a in w.acks]
            )

    async def _plan_all(self, work: dict[str, Work], trigger: str) -> dict[str, Plan]:
        # A cached booking is used as it is: the commit checks its version, and a booking
        # another replica moved on comes back as a conflict, to be read again.
        cached: dict[str, Cached] = {}
        missing: list[str] = []
        for tag in work:
            hit = self.cache.get(tag)
            if hit is None:
                missing.append(tag)
            else:
                cached[tag] = hit
        plans: dict[str, Plan] = {}
        snapshots = await self.store.load(missing) if missing else []
        for tag, snap in zip(missing, snapshots, strict=True):
            cached[tag] = Cached(snap.version, snap.as_of, snap.history, snap.ledger)
        for tag in list(work):
            try:
                plans[tag] = self.plan(tag, work[tag], cached[tag], trigger)
            except ContractError:  # only the stored events are parsed here
                log.exception("stored_history_unreadable", entries=work[tag].acks)
                del work[tag]
            except Exception:
                # Leave the entries pending: the reclaimer retries, then dead-letters them.
                log.exception("booking_failed", entries=work[tag].acks, trigger=trigger)
                del work[tag]
        return plans

    def plan(self, tag: str, item: Work, cached: Cached, trigger: str) -> Plan:
        """What `item` does to one booking: its events applied, judged, the commit built.

        No I/O: this is the monitor's own share of the work (bench/stream_bench.py times it
        alone, as the bound on what any storage can let the whole reach)."""
        history = cached.history()
        stored: list[tuple[str, bytes]] = []
        applied: list[Event] = []
        now = self.clock()
        latest = max((e.time for e in history.events.values()), default=None)
        late = disorder = 0
        for event, raw in item.events:
            name = event_field(event)
            known = history.events.get(event.key)
            if known is not None:
                if known == event:
                    continue  # a repeat of (source, id): already applied
                name += "\x1f" + hashlib.sha256(raw).hexdigest()[:16]  # a conflicting repeat
                if name in cached.stored or any(name == n for n, _ in stored):
                    continue
            history = history.add(event)
            stored.append((name, raw))
            applied.append(event)
            late += now - event.time > self.late_after
            disorder += latest is not None and event.time < latest
            latest = event.time if latest is None else max(latest, event.time)
        if trigger == "event" and not applied:
            return Plan(None, cached, None, ())
        profile = self.agencies.profile_for(item.agency)
        as_of = max(t for t in (now, cached.as_of, item.due) if t is not None)
        j = judge(item.agency, item.booking_id, history, profile, as_of, cached.ledger)
        ledger = dict(cached.ledger)
        ledger.update((c.finding.finding_id, c.record) for c in j.changes)
        commit = Commit(
            tag=tag,
            agency=item.agency,
            booking_id=item.booking_id,
            expected_version=cached.version,
            as_of=as_of,
            events=stored,
            alerts=[
                (c.finding.finding_id, c.record, c.change, c.finding.status == "open")
                for c in j.changes
            ],
            trigger=trigger,
            late_ms=item.late_ms,
            deadline_ms=_ms(j.wake.deadline),
            warning_ms=_ms(j.wake.warning),
            custody=_custody_json(j.custody),
            retain_ms=self._retain_ms(j, as_of),
            acks=item.acks,
            late=late,
            out_of_order=disorder,
        )
        kept = Cached(0, as_of, {**cached.stored, **dict(stored)}, ledger)
        return Plan(commit, kept, j, tuple(applied))

    def _retain_ms(self, j: Judgement, as_of: datetime) -> int | None:
        """Keep a booking while it can still change on its own; then for the retention."""
        release = j.state.release
        over = release is not None and release.at <= as_of and j.wake == Wake(None, None)
        return int(self.retention.total_seconds() * 1000) if over else None

    def _observe(self, item: Work, plan: Plan) -> None:
        applied = {e.key for e in plan.applied}
        for event, _raw in item.events:
            self.observer.event(event.type, "applied" if event.key in applied else "duplicate")
        j = plan.judgement
        if j is None:
            return
        for change in j.changes:
            f = change.finding
            self.observer.finding(f.code, f.severity, change.change)
            log.info(
                "finding",
                finding_id=f.finding_id,
                code=f.code,
                severity=f.severity,
                change=change.change,
                agency=f.agency,
                violation_at=f.violation_at.isoformat(),
            )
        lodged = {d.detainer_id: d for d in j.state.detainers}
        for event in plan.applied:
            if isinstance(event, DetainerReceived):
                # A second copy of a detainer on file is an anomaly, not a second detainer;
                # one dated past as_of is not in the state yet but was received all the same.
                d = lodged.get(event.data.detainer_id)
                if d is None or d.event_id == event.id:
                    data = event.data
                    bases = tuple(sorted(data.probable_cause))
                    self.observer.detainer(data.form, data.attached_warrant or "none", bases)
            elif event.type == "custody.released":
                self._release_latency(j)

    def _release_latency(self, j: Judgement) -> None:
        release = j.state.release
        if release is None:
            return
        spans = [s.at for s in j.state.eligibility if s.at <= release.at]
        if not spans:
            return
        lodged = any(d.received_at <= release.at for d in j.state.detainers)
        self.observer.release_latency((release.at - max(spans)).total_seconds(), lodged)


def _ms(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1000)


def _custody_json(c: Custody | None) -> str | None:
    if c is None:
        return None
    return json.dumps(
        {
            "agency": c.agency,
            "facility": c.facility,
            "profile": c.profile,
            "detainers": c.detainers,
            "hold_deadline_ms": _ms(c.hold_deadline),
        }
    )
