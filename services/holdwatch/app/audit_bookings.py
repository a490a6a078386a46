"""The audit's bookings: lines grouped by the booking they name, then each booking's
lines validated, judged and let go in turn, so that the parsed history is never all in
memory at once and each booking's events are judged while they are in the cache.

Grouping reads each line's envelope quickly (`line_key`) and checks it against every
validated event (`Misplaced`), so the result is the one validating every line first
gives (`audit.read_events` then `audit.audit_groups`): the same findings, skipped
bookings and unreadable lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from holdwatch.app.agencies import with_agency
from holdwatch.app.line_key import BookingKey, RawKey, booking_key, line_key, raw_key
from holdwatch.domain.contract import ContractError, contract_errors, validate_event_json
from holdwatch.domain.custody import History, project
from holdwatch.domain.events import Event
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.core.profile import Agency
from holdwatch.policy.core.rulebook import Rulebook


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    error: ContractError

    def __str__(self) -> str:
        return f"line {self.line}: {self.error}"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A booking the core failed to judge. Only the error's class is kept: its message
    may quote a value from the events, and those may be personal data."""

    agency: str
    booking_id: str | None
    error: str

    def __str__(self) -> str:
        key = _printable(f"{self.agency}/{self.booking_id or '-'}")
        return f"booking {key} not judged ({self.error})"


def _printable(text: str) -> str:
    """One line whatever the producer put in an id."""
    return "".join(c if c.isprintable() else "?" for c in text)


Item = tuple[int, "bytes | str | Event"]
"""A line of a booking: its number, and the line as read (or its event, when only
validating could place it)."""
#: lines grouped by the raw key of their booking (`line_key`), in first-line order
Placed = dict[RawKey, list[Item]]


class Misplaced(Exception):
    """A line's quick key (`line_key`) was not its event's: group by validated keys."""


def _parsed(number: int, line: str | bytes, errors: list[LineError]) -> Event | None:
    try:
        event: Event = validate_event_json(line)
    except ValidationError as exc:
        errors.append(LineError(number, ContractError(contract_errors(exc))))
        return None
    return event


def place(lines: Iterable[str | bytes]) -> tuple[Placed, list[LineError]]:
    """Lines grouped by the booking they name, unvalidated (`line_key`), bookings in their
    first line's order; a line the quick read cannot place is validated here."""
    groups: Placed = defaultdict(list)
    errors: list[LineError] = []
    key_of = line_key
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():
            continue
        key = key_of(line)
        if key is not None:
            groups[key].append((number, line))
        elif (event := _parsed(number, line, errors)) is not None:
            groups[raw_key((event.agency, event.subject))].append((number, event))
    return groups, errors


def events_of(key: BookingKey, items: list[Item], errors: list[LineError]) -> list[Event]:
    """A booking's events, validated now; each unreadable line goes to `errors`. Raises
    `Misplaced` when an event names another booking than its line was grouped under."""
    events: list[Event] = []
    validate = validate_event_json
    agency, subject = key
    for number, item in items:
        if isinstance(item, (bytes, str)):
            try:
                event: Event = validate(item)
            except ValidationError as exc:
                errors.append(LineError(number, ContractError(contract_errors(exc))))
                continue
        else:
            event = item
        if event.subject != subject or event.agency != agency:
            raise Misplaced
        events.append(event)
    return events


def regroup(groups: Placed) -> tuple[Placed, list[LineError]]:
    """`groups` validated line by line and grouped by each event's own key, in line order:
    where a quick key proved wrong (rare: see `line_key`)."""
    items = sorted((item for its in groups.values() for item in its), key=lambda i: i[0])
    exact: Placed = defaultdict(list)
    errors: list[LineError] = []
    for number, item in items:
        event = _parsed(number, item, errors) if isinstance(item, bytes | str) else item
        if event is not None:
            exact[raw_key((event.agency, event.subject))].append((number, event))
    return exact, errors


@dataclass(frozen=True, slots=True)
class Judged:
    """Per profile: findings with their merge key (the booking's first line, the finding's
    rank in it), and skipped bookings with their first line."""

    findings: list[list[tuple[int, int, Finding]]]
    skipped: list[list[tuple[int, Skipped]]]


def judge_placed(
    groups: Placed,
    profiles: Sequence[Rulebook],
    as_of: datetime,
    errors: list[LineError],
    *,
    isolate: bool,
    agencies: Mapping[str, Agency] | None = None,
    records: Sequence[str] = (),
) -> Judged:
    """Each booking validated, judged under each profile and let go; then the empty
    record of each agency in `records`, under each profile that judges agencies on their
    own (`with_agency_records`). Every line is validated; once one is unreadable (it is
    in `errors`) nothing more is judged. Without `isolate`, a profile's first error judging
    a booking is raised at the end, unless a line was unreadable."""
    facts = agencies or {}
    findings: list[list[tuple[int, int, Finding]]] = [[] for _ in profiles]
    skipped: list[list[tuple[int, Skipped]]] = [[] for _ in profiles]
    failures: list[Exception | None] = [None for _ in profiles]
    judging = list(enumerate(profiles))
    #: each profile as it judges each agency (`with_agency`), made once per agency
    rulebooks: dict[tuple[int, str], Rulebook] = {}

    def one(n: int, profile: Rulebook, key: BookingKey, events: list[Event], line: int) -> None:
        agency, booking_id = key
        try:  # `judge`, with each agency's rulebook made once
            state = project(agency, booking_id, History.of(events))
            rulebook = rulebooks.get((n, agency))
            if rulebook is None:
                rulebook = with_agency(profile, facts.get(agency, Agency()))
                rulebooks[n, agency] = rulebook
            found = evaluate(state, rulebook, as_of).findings
        except MemoryError:
            raise
        except Exception as exc:
            if not isolate:
                failures[n] = exc
                return
            skipped[n].append((line, Skipped(agency, booking_id, type(exc).__name__)))
            return
        if found:
            findings[n].extend([(line, rank, f) for rank, f in enumerate(found)])

    for raw, items in groups.items():
        key = booking_key(raw)
        events = events_of(key, items, errors)
        if errors or not judging:
            continue
        line = items[0][0] if items else 0
        for n, profile in judging:
            one(n, profile, key, events, line)
        if not isolate and any(failures):
            judging = [(n, p) for n, p in judging if failures[n] is None]
    if errors:
        return Judged(findings, skipped)
    after = 1 + max((items[-1][0] for items in groups.values() if items), default=0)
    for n, profile in judging:
        if profile.always:
            for rank, agency in enumerate(records):
                one(n, profile, (agency, None), [], after + rank)
    for failure in failures:
        if failure is not None:
            raise failure
    return Judged(findings, skipped)


def missing_records(groups: Placed) -> list[str]:
    """The agencies seen without a record of their own, by their first booking's order."""
    keys = [booking_key(raw) for raw in groups]
    have = {a for a, b in keys if b is None}
    return list(dict.fromkeys(a for a, _ in keys if a not in have))
