"""`holdwatch audit --jobs N`: the same audit on N processes, partitioned by booking.

A booking is judged from its events alone, so bookings can be judged apart. The history
is read once, in this process; forked workers share it (copy-on-write) and each first
finds the booking of a slice of the lines (`line_key`: the envelope's `agency` and
`subject`, no validation), then judges every booking of one partition (a stable hash of
the booking) exactly as `audit_each` does, each booking validated as it is judged. Should
a validated event name another booking than its line's quick read, the history is judged
in this process instead (`audit_each`): a booking is never split. The output is the one
`audit_each` gives, to the byte: findings are put in the serial audit's order (bookings
by their first line, each booking's findings as its rules gave them) and sorted as it
sorts them; skipped bookings by their first line; unreadable lines all reported, in line
order.

A line whose envelope the quick read cannot place (`line_key` gives None) is validated
here before the workers judge: it is either an error line or a booking's event placed by
its validated envelope.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from holdwatch.app.audit import (
    Audit,
    AuditInputError,
    LineError,
    Misplaced,
    Placed,
    Skipped,
    audit_each,
    judge,
    judge_placed,
    sort_findings,
)
from holdwatch.app.line_key import RawKey, booking_key, line_key, raw_key
from holdwatch.domain.contract import (
    ContractError,
    FieldError,
    contract_errors,
    validate_event_json,
)
from holdwatch.domain.events import Event
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.profile import Agency
from holdwatch.policy.core.rulebook import Rulebook

#: the partition of a line no worker judges: blank, or already known to be unreadable
_NONE = 255
#: the partition of a line the quick read cannot place: this process validates it
_UNPLACED = 254
MAX_JOBS = 253
#: lines per slice of the first pass
_SLICE = 50_000


def cores() -> int:
    """The cores this process may run on (`--jobs 0` / `auto`)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def split_lines(data: bytes) -> list[bytes]:
    """Lines as iterating a binary file yields them (split at `\\n` only), so line numbers
    agree with the serial audit's."""
    return data.split(b"\n")


def _partition(key: RawKey, jobs: int) -> int:
    agency, subject = key
    return zlib.crc32(agency + b"\x00" + (b"\x01" + subject if subject is not None else b"")) % jobs


@dataclass(frozen=True, slots=True)
class _Job:
    lines: Sequence[bytes]
    profiles: Sequence[Rulebook]
    as_of: datetime
    jobs: int
    agencies: Mapping[str, Agency] | None = None


_JOB: _Job | None = None  # set before the workers fork; read by them
#: a worker's parsed partition, kept so that its result is sent without first freeing
#: hundreds of thousands of objects; a worker process ends with `os._exit`, freeing nothing
_KEPT: list[object] = []


def _place(bounds: tuple[int, int]) -> bytes:
    """The partition of each line in `lines[start:end]`, or `_NONE`, or `_UNPLACED`."""
    assert _JOB is not None
    lines, jobs = _JOB.lines, _JOB.jobs
    start, end = bounds
    out = bytearray(end - start)
    key_of = line_key
    for i in range(start, end):
        line = lines[i]
        if not line or line.isspace():
            out[i - start] = _NONE
            continue
        key = key_of(line)
        out[i - start] = _UNPLACED if key is None else _partition(key, jobs)
    return bytes(out)


@dataclass(frozen=True, slots=True)
class _Part:
    """One partition's result: per profile, findings with their merge key, and skipped
    bookings with their first line; or the partition's unreadable lines; or word that a
    line's quick key was not its event's (`line_key`)."""

    errors: list[tuple[int, tuple[FieldError, ...]]]  # `ContractError` does not pickle
    findings: list[list[tuple[int, int, Finding]]]
    skipped: list[list[tuple[int, Skipped]]]
    #: each agency's first line among this partition's bookings, and the agencies whose
    #: own record (events without a subject) is here
    agencies: dict[str, int] = field(default_factory=dict)
    records: frozenset[str] = frozenset()
    misplaced: bool = False


def _judge(task: tuple[int, bytes, list[tuple[int, Event]]]) -> _Part:
    """Partition `k`'s lines grouped by booking, then each booking validated and judged in
    turn, as `audit_each` does (`judge_placed`); line numbers from 1, as there."""
    assert _JOB is not None
    k, placed, extra = task
    lines = _JOB.lines
    groups: Placed = defaultdict(list)
    key_of = line_key
    enabled = gc.isenabled()
    gc.disable()  # as `audit_each`: the grouped lines are long-lived and acyclic
    try:
        pending = iter(extra)  # events placed here by this process, in line order
        nxt = next(pending, None)
        i = placed.find(k)
        while i != -1 or nxt is not None:
            if nxt is not None and (i == -1 or nxt[0] < i):
                number, event = nxt
                nxt = next(pending, None)
                groups[raw_key((event.agency, event.subject))].append((number + 1, event))
                continue
            line = lines[i]
            key = key_of(line)
            if key is None:  # placed by this very read: cannot be
                return _Part([], [], [], misplaced=True)
            groups[key].append((i + 1, line))
            i = placed.find(k, i + 1)
        errors: list[LineError] = []
        try:
            judged = judge_placed(
                groups, _JOB.profiles, _JOB.as_of, errors, isolate=True, agencies=_JOB.agencies
            )
        except Misplaced:
            return _Part([], [], [], misplaced=True)
        if errors:
            return _Part([(e.line, e.error.errors) for e in errors], [], [])
        _KEPT.append(groups)
        seen: dict[str, int] = {}
        records: set[str] = set()
        for raw, items in groups.items():
            agency, subject = booking_key(raw)
            seen[agency] = min(items[0][0], seen.get(agency, items[0][0]))
            if subject is None:
                records.add(agency)
        return _Part([], judged.findings, judged.skipped, seen, frozenset(records))
    finally:
        if enabled:
            gc.enable()


def _slices(n: int) -> list[tuple[int, int]]:
    return [(s, min(s + _SLICE, n)) for s in range(0, n, _SLICE)]


def _place_the_rest(
    lines: Sequence[bytes], placed: bytearray, jobs: int
) -> tuple[list[list[tuple[int, Event]]], list[LineError]]:
    """Validate each line the quick read could not place: its partition, or its errors."""
    extra: list[list[tuple[int, Event]]] = [[] for _ in range(jobs)]
    errors: list[LineError] = []
    i = placed.find(_UNPLACED)
    while i != -1:
        try:
            event = validate_event_json(lines[i])
        except ValidationError as exc:
            errors.append(LineError(i + 1, ContractError(contract_errors(exc))))
        else:
            extra[_partition(raw_key((event.agency, event.subject)), jobs)].append((i, event))
        placed[i] = _NONE
        i = placed.find(_UNPLACED, i + 1)
    return extra, errors


def _agency_records(
    parts: Sequence[_Part], profile: Rulebook, as_of: datetime, after: int, job: _Job
) -> tuple[list[tuple[int, int, Finding]], list[tuple[int, Skipped]]]:
    """The empty record of each agency seen without one, judged here (`with_agency_records`):
    in the serial audit's order, after every booking, agencies by their first line."""
    if not profile.always:
        return [], []
    have = frozenset().union(*(p.records for p in parts))
    first: dict[str, int] = {}
    for p in parts:
        for agency, line in p.agencies.items():
            first[agency] = min(line, first.get(agency, line))
    missing = sorted((line, agency) for agency, line in first.items() if agency not in have)
    found: list[tuple[int, int, Finding]] = []
    skipped: list[tuple[int, Skipped]] = []
    for rank, (_, agency) in enumerate(missing):
        try:
            judged = judge(agency, None, [], profile, as_of, job.agencies)
        except MemoryError:
            raise
        except Exception as exc:  # as `audit_groups(isolate=True)`
            skipped.append((after + rank, Skipped(agency, None, type(exc).__name__)))
            continue
        found.extend((after + rank, n, f) for n, f in enumerate(judged))
    return found, skipped


def audit_each_jobs(
    lines: Sequence[bytes],
    profiles: Sequence[Rulebook],
    as_of: datetime,
    jobs: int,
    agencies: Mapping[str, Agency] | None = None,
) -> list[Audit]:
    """`audit_each` on `jobs` worker processes (2 to `MAX_JOBS`); the same result."""
    global _JOB  # noqa: PLW0603  (what forked workers read)
    if not 2 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs: 2 to {MAX_JOBS}")
    job = _JOB = _Job(lines, profiles, as_of, jobs, agencies)
    pool = multiprocessing.get_context("fork").Pool(jobs)
    try:
        placed = bytearray(b"".join(pool.map(_place, _slices(len(lines)))))
        extra, errors = _place_the_rest(lines, placed, jobs)
        frozen = bytes(placed)
        parts = pool.map(_judge, [(k, frozen, extra[k]) for k in range(jobs)], chunksize=1)
        misplaced = any(p.misplaced for p in parts)
        # Workers told to stop, not terminated: a SIGTERM could reach one waiting for the
        # task queue's lock, which `terminate` holds, and leave it (and the join) hanging.
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _JOB = None
    if misplaced:  # a quick key was wrong, so a booking may be split: judge here, exactly
        return audit_each(lines, profiles, as_of, agencies)
    errors.extend(LineError(n, ContractError(e)) for p in parts for n, e in p.errors)
    if errors:
        raise AuditInputError(sorted(errors, key=lambda e: e.line))
    out: list[Audit] = []
    for n, profile in enumerate(profiles):
        records, unjudged = _agency_records(parts, profile, as_of, len(lines) + 1, job)
        # the serial audit's order before its sort, then its sort (see `sort_findings`)
        found = [*(x for p in parts for x in p.findings[n]), *records]
        merged = sorted(found, key=lambda x: x[:2])
        findings = [f for *_, f in merged]
        sort_findings(findings)
        skipped = sorted([*(x for p in parts for x in p.skipped[n]), *unjudged], key=lambda x: x[0])
        out.append(Audit(findings, [s for _, s in skipped]))
    return out
