"""What-if: one history judged under two profiles, and what changes between them.

A finding's id hashes its policy, so the same act judged under two profiles never shares an
id. Findings are matched instead by what they are about — (agency, booking, detainer, code)
— and, where a key holds several findings, in order of their instants. A pair that agrees
on its instants (start, end, duration) and kind is the same finding and is not reported; a
pair that disagrees is the same code at another instant (or end, or kind); what is left
over on one side is a finding only under that profile. Leftovers pair with their closest
relative first: the same rule, then the same kind (`_AFFINITY`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from holdwatch.domain.findings import Code, Finding, Kind

MatchKey = tuple[str, str | None, str | None, str]


class Entry(BaseModel):
    """One difference: the key it is matched by, and the finding on each side it exists on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: str
    booking_id: str | None
    detainer_id: str | None
    code: Code
    a: Finding | None
    b: Finding | None


class Comparison(BaseModel):
    """`holdwatch audit --compare`'s JSON: profile A's and B's findings, set side by side."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile_a: str = Field(description="the profile of --profile, as given")
    profile_b: str = Field(description="the profile of --compare, as given")
    as_of: AwareDatetime = Field(description="the instant both were judged as of")
    only_a: tuple[Entry, ...] = Field(description="findings only under A (`b` is null)")
    only_b: tuple[Entry, ...] = Field(description="findings only under B (`a` is null)")
    moved: tuple[Entry, ...] = Field(
        description="the same code for the same booking and detainer under both, at another "
        "instant, end, duration or kind (both sides)"
    )

    @property
    def empty(self) -> bool:
        return not (self.only_a or self.only_b or self.moved)


def match_key(f: Finding) -> MatchKey:
    return (f.agency, f.booking_id, f.detainer_id, f.code)


def _when(f: Finding) -> tuple[datetime, datetime | None, int | None, Kind]:
    """What must agree for two findings to be the same (aware datetimes compare as instants)."""
    return (f.violation_at, f.ended_at, f.duration_seconds, f.kind)


def _order(f: Finding) -> tuple[datetime, datetime, int]:
    return (f.violation_at, f.ended_at or f.violation_at, f.duration_seconds or 0)


def _entry(key: MatchKey, a: Finding | None, b: Finding | None) -> Entry:
    agency, booking_id, detainer_id, _ = key
    side = a if a is not None else b
    assert side is not None, "an entry has a finding on at least one side"
    return Entry(
        agency=agency, booking_id=booking_id, detainer_id=detainer_id, code=side.code, a=a, b=b
    )


#: Which leftover findings pair first: the same rule, then the same kind, then any.
_AFFINITY: tuple[Callable[[Finding], object], ...] = (
    lambda f: f.rule,
    lambda f: f.kind,
    lambda f: None,
)


def _pair(key: MatchKey, a: list[Finding], b: list[Finding]) -> list[Entry]:
    """Drop the findings both sides share, then pair what is left in order of instants,
    closest relatives first (a TRUTH copy's hard violation with the other's violation,
    not with its soft advisory)."""
    rest_b = sorted(b, key=_order)
    rest_a: list[Finding] = []
    for f in sorted(a, key=_order):
        same = next((i for i, g in enumerate(rest_b) if _when(g) == _when(f)), None)
        if same is None:
            rest_a.append(f)
        else:
            del rest_b[same]
    out: list[Entry] = []
    for affinity in _AFFINITY:
        unpaired: list[Finding] = []
        for f in rest_a:
            match = next((i for i, g in enumerate(rest_b) if affinity(g) == affinity(f)), None)
            if match is None:
                unpaired.append(f)
            else:
                out.append(_entry(key, f, rest_b.pop(match)))
        rest_a = unpaired
    out += [_entry(key, x, None) for x in rest_a]
    out += [_entry(key, None, y) for y in rest_b]
    return out


def _sort_key(e: Entry) -> tuple[datetime, str, str, str, str]:
    first = min(f.violation_at for f in (e.a, e.b) if f is not None)
    return (first, e.agency, e.booking_id or "", e.detainer_id or "", e.code)


def compare(
    a: Iterable[Finding], b: Iterable[Finding], profile_a: str, profile_b: str, as_of: datetime
) -> Comparison:
    """Findings only under A, only under B, and the same code at another instant."""
    by_key: dict[MatchKey, tuple[list[Finding], list[Finding]]] = defaultdict(lambda: ([], []))
    for f in a:
        by_key[match_key(f)][0].append(f)
    for f in b:
        by_key[match_key(f)][1].append(f)
    entries = sorted(
        (e for key, (fa, fb) in by_key.items() for e in _pair(key, fa, fb)), key=_sort_key
    )
    return Comparison(
        profile_a=profile_a,
        profile_b=profile_b,
        as_of=as_of,
        only_a=tuple(e for e in entries if e.b is None),
        only_b=tuple(e for e in entries if e.a is None),
        moved=tuple(e for e in entries if e.a is not None and e.b is not None),
    )
