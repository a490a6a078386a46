"""The live use cases: apply a batch of events, fire a batch of due timers.

Both end the same way: group the work by booking, load (or reuse) each booking's history,
fold and ledger (an event's booking not seen before is taken for new, unread, while such
guesses pay: app/booking_cache.py `Guesses`), `judge` it as of the event-time frontier
(the clock's instant once nothing is outstanding, adapters/frontier.py), and commit every
booking in one batch (`BookingRepository`, app/ports.py: atomic per booking). A commit
that meets a newer version (another replica got there first, or Redis lost what was
cached) is retried from a fresh read; entries are acked only by a commit that checked the
version, even when they only repeat stored events. An event the core cannot apply is
dead-lettered alone; a booking whose stored history fails stays pending for the
reclaimer; the rest of the batch goes on.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import structlog

from holdwatch.adapters.keys import booking_tag
from holdwatch.app.agencies import AgencyMap
from holdwatch.app.applying import apply_events
from holdwatch.app.booking_cache import EMPTY, BookingCache, Cached, Guesses, Stored
from holdwatch.app.commits import Change, booking_commit, confirm
from holdwatch.app.compaction import compact, refold
from holdwatch.app.horizon import horizon
from holdwatch.app.intake import Entry, Work, gather_events, gather_timers
from holdwatch.app.judge import Judgement, judge_fold
from holdwatch.app.observe import observe
from holdwatch.app.ports import (
    BookingRepository,
    Clock,
    Commit,
    DeadLetter,
    DeadLetters,
    Frontier,
    Observer,
)
from holdwatch.domain.contract import ContractError
from holdwatch.domain.events import Event

log = structlog.get_logger("holdwatch.monitor")


@dataclass(frozen=True, slots=True)
class Plan:
    """A booking's commit (`confirms_only` when only repeats arrived) and what it leaves."""

    commit: Commit
    cached: Cached
    judgement: Judgement | None
    applied: tuple[Event, ...]
    #: events dated before what a compacted record keeps: acked, never applied
    expired: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class Parsed:
    """A batch of the events stream validated and grouped by booking (`Monitor.parse`):
    its first and last entry ids, its work, and a dead letter for each bad entry."""

    first: str
    last: str
    work: dict[str, Work]
    letters: list[DeadLetter]


@dataclass(frozen=True, slots=True)
class Storage:
    """Where the monitor reads and writes: bookings, dead letters, the stream's frontier."""

    bookings: BookingRepository
    dead_letters: DeadLetters
    frontier: Frontier


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    """The streams the monitor acks on, and how it keeps and retries bookings."""

    events_stream: str
    timers_stream: str
    #: a booking over (released, nothing left to time) is kept this long
    retention: timedelta = timedelta(days=400)
    #: an event applied this long after it happened counts as late (data fidelity)
    late_after: timedelta = timedelta(minutes=15)
    #: commits of one batch tried this often against newer versions, then left pending
    max_attempts: int = 8
    cache_size: int = 200_000


class Monitor:
    def __init__(
        self,
        storage: Storage,
        agencies: AgencyMap,
        clock: Clock,
        observer: Observer,
        config: MonitorConfig,
    ) -> None:
        self.bookings = storage.bookings
        self.dead_letters = storage.dead_letters
        self.frontier = storage.frontier
        self.agencies = agencies
        self.clock = clock
        self.observer = observer
        # A commit's revision only has to differ from any other a booking was left at;
        # chance does that at no cost (a digest of the contents cost ~4% of the core).
        self._revisions = random.Random()  # noqa: S311 (not a secret)
        self.events_stream = config.events_stream
        self.timers_stream = config.timers_stream
        self.retention = config.retention
        self.late_after = config.late_after
        self.max_attempts = config.max_attempts
        self.cache = BookingCache(config.cache_size)
        self.guesses = Guesses()

    async def on_events(self, entries: Sequence[Entry]) -> None:
        """Apply a batch read from the events stream."""
        await self.apply(self.parse(entries))

    def parse(self, entries: Sequence[Entry]) -> Parsed:
        """The batch's entries validated and grouped: no state is read, so this may run
        while an earlier batch's commit is still in flight (app/overlap.py)."""
        work, letters = gather_events(entries, self.agencies)
        first, last = (entries[0][0], entries[-1][0]) if entries else ("", "")
        return Parsed(first, last, work, letters)

    async def apply(self, parsed: Parsed) -> None:
        """Judge and commit a parsed batch, once every earlier one is settled."""
        work = parsed.work
        self._standing(work)
        await self._dead_letter(self.events_stream, parsed.letters)
        if not work:
            return
        latest = max(e.time for item in work.values() for e, _raw in item.events)
        outstanding = await self.frontier.around(parsed.first, parsed.last, latest)
        await self._settle(
            work, self.events_stream, "event", horizon(self.clock(), outstanding, latest)
        )

    async def _dead_letter(self, stream: str, letters: Sequence[DeadLetter]) -> None:
        if letters:
            await self.dead_letters.send(stream, letters)
            for letter in letters:
                self.observer.event("unknown", letter.reason)

    def gather(self, entries: Sequence[Entry]) -> tuple[dict[str, Work], list[DeadLetter]]:
        """A batch's valid events grouped by booking, and a dead letter for each other
        entry, with the agencies' own records `_standing` adds."""
        parsed = self.parse(entries)
        self._standing(parsed.work)
        return parsed.work, parsed.letters

    def _standing(self, work: dict[str, Work]) -> None:
        """The agency's own record for each agency seen whose profile judges agencies on
        their own (`Rulebook.always`) and that this process has not judged yet, so that an
        agency with no event of that kind still gets its deadline armed (a timer at Texas's
        287(g) compliance instant)."""
        for agency in {item.agency for item in work.values()}:
            tag = booking_tag(agency, None)
            if tag in work or self.cache.get(tag) is not None:
                continue
            if self.agencies.profile_for(agency).always:
                work[tag] = Work(agency, None, standing=True)

    async def on_timers(self, entries: Sequence[Entry], stream: str | None = None) -> None:
        """Judge each booking whose timer fired, as of (at least) the instant it fell due;
        `stream` is the partition's fired-timers stream the entries came from."""
        stream = stream or self.timers_stream
        work, letters, lateness = gather_timers(entries)
        for seconds in lateness:
            self.observer.timer_fired(seconds)
        await self._dead_letter(stream, letters)
        if work:
            outstanding = await self.frontier.settled()
            await self._settle(
                work,
                stream,
                "timer",
                horizon(self.clock(), outstanding, outstanding.read),
            )

    async def _settle(
        self, work: dict[str, Work], stream: str, trigger: str, horizon: datetime
    ) -> None:
        for attempt in range(self.max_attempts):
            plans, guessed = await self._plan_all(work, stream, trigger, horizon, attempt == 0)
            if not plans:
                if any(tag in work for tag in guessed):
                    continue  # a guess failed to plan: judged again on what Redis holds
                return
            results = await self.bookings.commit(stream, [p.commit for p in plans.values()])
            for (tag, plan), result in zip(plans.items(), results, strict=True):
                if tag in guessed:
                    self.guesses.record(new=result is not None)
                if result is None:
                    self.cache.drop(tag)  # moved on by another replica, or lost: read again
                    continue
                self.cache.put(tag, plan.cached.at(result))
                item = work.pop(tag)
                try:
                    events = [e for e, _ in item.events]
                    observe(self.observer, events, plan.applied, plan.judgement, plan.expired)
                except Exception:  # the commit stands; a metric or log line must not undo it
                    log.exception("observe_failed", trigger=trigger)
        if work:
            log.warning(
                "commit_conflicts_persist", entries=[a for w in work.values() for a in w.acks]
            )

    async def _plan_all(
        self, work: dict[str, Work], stream: str, trigger: str, horizon: datetime, first: bool
    ) -> tuple[dict[str, Plan], set[str]]:
        """Each booking's plan, and the tags planned on a guess (`Guesses`): on a batch's
        `first` attempt, an event's booking that is not cached is unseen (new here, or
        evicted); on a retry it is one a conflict dropped, to be read."""
        unseen = first and trigger == "event"
        guess = unseen and self.guesses.worthwhile
        # A cached booking is used as it is: the commit checks its version, and a booking
        # another replica moved on comes back as a conflict, to be read again.
        cached: dict[str, Cached] = {}
        missing: list[str] = []
        guessed: set[str] = set()
        for tag in work:
            hit = self.cache.get(tag)
            if hit is not None:
                cached[tag] = hit
            elif guess:
                cached[tag] = EMPTY
                guessed.add(tag)
            else:
                missing.append(tag)
        plans: dict[str, Plan] = {}
        snapshots = await self.bookings.load(missing) if missing else []
        for tag, snap in zip(missing, snapshots, strict=True):
            if unseen:
                self.guesses.record(new=snap.version == 0)
            cached[tag] = Cached(
                snap.version,
                snap.as_of,
                snap.history,
                snap.ledger,
                snap.rev,
                compacted_before=snap.compacted_before,
            )
        letters: list[DeadLetter] = []
        for tag in list(work):
            try:
                plans[tag] = self.plan(tag, work[tag], cached[tag], trigger, horizon)
            except ContractError:  # only the stored events are parsed here
                log.exception("stored_history_unreadable", entries=work[tag].acks)
                del work[tag]
            except Exception:
                if tag in guessed:
                    continue  # blame nothing on a guess: planned again on what Redis holds
                plan = self._isolate(tag, work[tag], cached[tag], trigger, horizon, letters)
                if plan is None:
                    del work[tag]
                else:
                    plans[tag] = plan
        await self._dead_letter(stream, letters)
        return plans, guessed

    def _isolate(
        self,
        tag: str,
        item: Work,
        cached: Cached,
        trigger: str,
        horizon: datetime,
        letters: list[DeadLetter],
    ) -> Plan | None:
        """A booking whose judgement failed: find the events that make it fail, one at a
        time in order, and dead-letter them alone; the rest is planned without them.

        The core is pure, so an event that fails now fails on every delivery. When the
        booking fails with none of the new events (its stored history, a defect), nothing
        is blamed on them: the entries stay pending for the reclaimer."""
        try:
            self.plan(tag, replace(item, events=[], acks=[]), cached, "timer", horizon)
        except Exception:
            log.exception("booking_failed", entries=item.acks, trigger=trigger)
            return None
        kept = replace(item, events=[], acks=[])
        plan: Plan | None = None
        for (event, canonical), entry_id in zip(item.events, item.acks, strict=True):
            trial = replace(
                kept, events=[*kept.events, (event, canonical)], acks=[*kept.acks, entry_id]
            )
            try:
                plan = self.plan(tag, trial, cached, trigger, horizon)
            except Exception as exc:
                log.exception("event_unprocessable", entry=entry_id, event_type=event.type)
                why = f"could not be applied ({type(exc).__name__})"
                errors = (("event", why),)
                letters.append(
                    DeadLetter(entry_id, canonical, "unprocessable", f"event: {why}", errors)
                )
                continue
            kept = trial
        item.events, item.acks = kept.events, kept.acks
        return plan if kept.events else None

    def plan(
        self,
        tag: str,
        item: Work,
        cached: Cached,
        trigger: str,
        horizon: datetime | None = None,
    ) -> Plan:
        """What `item` does to one booking: its events applied, judged as of `horizon`
        (the clock's instant by default), the commit built.

        No I/O: this is the monitor's own share of the work (bench/stream_bench.py times it
        alone, as the bound on what any storage can let the whole reach)."""
        now = self.clock()
        done = apply_events(cached, item, now - self.late_after)
        fold, new, applied, expired = done.fold, done.new, done.applied, done.expired
        if trigger == "event" and not applied and not item.standing:
            kept = cached if cached.fold is fold else replace(cached, fold=fold)
            return Plan(confirm(tag, item, cached), kept, None, (), tuple(expired))
        stored = _stored(cached).with_(new)
        if not done.in_order:  # an event before one already applied: fold it all again
            fold = refold(item.agency, item.booking_id, stored)
        profile = self.agencies.profile_for(item.agency)
        as_of = _latest(horizon or now, cached.as_of, item.due)
        j = judge_fold(fold, profile, as_of, cached.ledger, now=now)
        ledger: Mapping[str, str] = cached.ledger  # never changed in place: shared till then
        if j.changes:
            ledger = {**ledger, **{c.finding.finding_id: c.record for c in j.changes}}
        compaction = None
        if item.booking_id is None:  # an agency's own record: it never ends, so compact it
            compaction = compact(
                item.agency, stored, ledger, j, profile, as_of, now, self.retention
            )
        if compaction is not None:
            stored, ledger, fold = compaction.stored, compaction.ledger, compaction.fold
        rev = f"{self._revisions.getrandbits(64):016x}"
        change = Change(new, done.late, done.disorder, rev, compaction, stored, ledger)
        commit = booking_commit(tag, item, cached, trigger, as_of, j, change, self.retention)
        before = compaction.before if compaction else cached.compacted_before
        kept = Cached(0, as_of, stored, ledger, rev, fold, before)
        return Plan(commit, kept, j, tuple(applied), tuple(expired))


def _latest(first: datetime, *others: datetime | None) -> datetime:
    """The latest of these instants, the first given on a tie (as `max`), Nones aside."""
    latest = first
    for t in others:
        if t is not None and t > latest:
            latest = t
    return latest


def _stored(cached: Cached) -> Stored:
    s = cached.stored
    return s if isinstance(s, Stored) else Stored(s)
