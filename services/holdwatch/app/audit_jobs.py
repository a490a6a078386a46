"""`holdwatch audit --jobs N`: the same audit on N processes, partitioned by booking.

A booking is judged from its events alone, so bookings can be judged apart. The history
is read once, in this process, as one `bytes`; forked workers share it (copy-on-write)
and each splits it into lines of its own (so no worker writes to a page of this process's
objects, which would copy it), reads each line's booking (`line_key`: the envelope's
`agency` and `subject`, no validation), keeps the lines of one partition (a stable hash
of the booking) and judges its bookings exactly as `audit_each` does, each booking
validated as it is judged. A line the quick read cannot place (`line_key` gives None) is
validated by every worker, and kept by the one whose partition its event names. Should a
validated event name another booking than its line's quick read, the history is judged in
this process instead (`audit_each`): a booking is never split.

The output is the one `audit_each` gives, to the byte: findings are put in the serial
audit's order (bookings by their first line, each booking's findings as its rules gave
them) and sorted as it sorts them; skipped bookings by their first line; unreadable lines
all reported, in line order.
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

from holdwatch.app.audit import Audit, AuditInputError, audit_each, judge, sort_findings
from holdwatch.app.audit_bookings import LineError, Misplaced, Placed, Skipped, judge_placed
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

MAX_JOBS = 253


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
    data: bytes
    profiles: Sequence[Rulebook]
    as_of: datetime
    jobs: int
    agencies: Mapping[str, Agency] | None = None


_JOB: _Job | None = None  # set before the workers fork; read by them
#: a worker's grouped partition, kept so that its result is sent without first freeing
#: hundreds of thousands of objects; a worker process ends with `os._exit`, freeing nothing
_KEPT: list[object] = []


@dataclass(frozen=True, slots=True)
class _Part:
    """One partition's result: per profile, findings with their merge key, and skipped
    bookings with their first line; or the unreadable lines it saw; or word that a line's
    quick key was not its event's (`line_key`)."""

    errors: list[tuple[int, tuple[FieldError, ...]]]  # `ContractError` does not pickle
    findings: list[list[tuple[int, int, Finding]]]
    skipped: list[list[tuple[int, Skipped]]]
    #: each agency's first line among this partition's bookings, and the agencies whose
    #: own record (events without a subject) is here
    agencies: dict[str, int] = field(default_factory=dict)
    records: frozenset[str] = frozenset()
    misplaced: bool = False


def _partition_lines(k: int) -> tuple[Placed, list[LineError]]:
    """Partition `k`'s lines grouped by booking (line numbers from 1, as `place` gives
    them), and the unreadable lines among those the quick read could not place."""
    assert _JOB is not None
    jobs, key_of = _JOB.jobs, line_key
    groups: Placed = defaultdict(list)
    unplaced: list[LineError] = []
    for number, line in enumerate(split_lines(_JOB.data), start=1):
        if not line or line.isspace():
            continue
        key = key_of(line)
        if key is not None:
            if _partition(key, jobs) == k:
                groups[key].append((number, line))
            continue
        try:
            event: Event = validate_event_json(line)
        except ValidationError as exc:
            unplaced.append(LineError(number, ContractError(contract_errors(exc))))
            continue
        key = raw_key((event.agency, event.subject))
        if _partition(key, jobs) == k:
            groups[key].append((number, event))
    return groups, unplaced


def _judge(k: int) -> _Part:
    """Partition `k` judged as `audit_each` judges: `judge_placed` on its lines."""
    assert _JOB is not None
    enabled = gc.isenabled()
    gc.disable()  # as `audit_each`: the grouped lines are long-lived and acyclic
    try:
        groups, errors = _partition_lines(k)
        _KEPT.append(groups)
        try:
            judged = judge_placed(
                groups, _JOB.profiles, _JOB.as_of, errors, isolate=True, agencies=_JOB.agencies
            )
        except Misplaced:
            return _Part([], [], [], misplaced=True)
        if errors:
            return _Part([(e.line, e.error.errors) for e in errors], [], [])
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
    data = b"\n".join(lines)
    if data.count(b"\n") != max(len(lines) - 1, 0):  # a line holding a newline: not a split
        return audit_each(lines, profiles, as_of, agencies)
    return audit_data_jobs(data, profiles, as_of, jobs, agencies)


def audit_data_jobs(
    data: bytes,
    profiles: Sequence[Rulebook],
    as_of: datetime,
    jobs: int,
    agencies: Mapping[str, Agency] | None = None,
) -> list[Audit]:
    """`audit_each` of the lines of `data` (`split_lines`) on `jobs` worker processes (2 to
    `MAX_JOBS`); the same result."""
    global _JOB  # noqa: PLW0603  (what forked workers read)
    if not 2 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs: 2 to {MAX_JOBS}")
    job = _JOB = _Job(data, profiles, as_of, jobs, agencies)
    pool = multiprocessing.get_context("fork").Pool(jobs)
    try:
        parts = pool.map(_judge, range(jobs), chunksize=1)
        # Workers told to stop, not terminated: a SIGTERM could reach one waiting for the
        # task queue's lock, which `terminate` holds, and leave it (and the join) hanging.
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _JOB = None
    if any(p.misplaced for p in parts):  # a quick key was wrong: judge here, exactly
        return audit_each(split_lines(data), profiles, as_of, agencies)
    # every worker reports the unplaced lines it could not read: each line once
    unreadable = {n: e for p in parts for n, e in p.errors}
    if unreadable:
        raise AuditInputError(
            [LineError(n, ContractError(unreadable[n])) for n in sorted(unreadable)]
        )
    after = data.count(b"\n") + 2  # past the last line's number
    out: list[Audit] = []
    for n, profile in enumerate(profiles):
        records, unjudged = _agency_records(parts, profile, as_of, after, job)
        # the serial audit's order before its sort, then its sort (see `sort_findings`)
        found = [*(x for p in parts for x in p.findings[n]), *records]
        merged = sorted(found, key=lambda x: x[:2])
        findings = [f for *_, f in merged]
        sort_findings(findings)
        skipped = sorted([*(x for p in parts for x in p.skipped[n]), *unjudged], key=lambda x: x[0])
        out.append(Audit(findings, [s for _, s in skipped]))
    return out
