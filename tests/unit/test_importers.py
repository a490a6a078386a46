"""The importers: each public layout's rows become contract events naming their file and
row, with each source's outcome mapped as its README says; a row or booking that cannot
be imported is a reject naming its row, its booking and the column at fault."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from holdwatch.app.audit import audit
from holdwatch.app.importers import LAYOUTS
from holdwatch.app.importers.outcome import Imported, Outcome, Reject, checked
from holdwatch.domain.contract import parse_event
from holdwatch.policy.registry import resolve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def outcomes(layout: str, path: Path) -> list[Outcome]:
    return list(checked(LAYOUTS[layout](path)))


def events_of(found: list[Outcome]) -> list[dict[str, Any]]:
    return [e for o in found if isinstance(o, Imported) for e in o.events]


def imported(layout: str, name: str = "") -> list[dict[str, Any]]:
    found = outcomes(layout, FIXTURES / (name or f"{layout}_sample.csv"))
    assert [o for o in found if isinstance(o, Reject)] == []
    return events_of(found)


def by_booking(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        out[e["subject"]].append(e)
    return out


@pytest.mark.parametrize(("layout", "bookings"), [("pierce", 3), ("travis", 20), ("pa", 24)])
def test_every_event_meets_the_contract_and_names_its_row(layout: str, bookings: int) -> None:
    events = imported(layout)
    rows = sum(1 for _ in csv.DictReader((FIXTURES / f"{layout}_sample.csv").open()))
    for e in events:
        parse_event(json.dumps(e))
        assert e["provenancefile"] == f"{layout}_sample.csv"
        assert 1 <= e["provenancerow"] <= rows
    assert len(by_booking(events)) == bookings
    assert len({(e["source"], e["id"]) for e in events}) == len(events)  # ids are unique


@pytest.mark.parametrize(
    ("reason", "last"),
    [
        ("Booked into Detention", ("custody.released", "ice")),
        ("Detainer Declined by LEA", ("custody.released", "public")),
        ("Lifted", ("detainer.cancelled", None)),
        ("Case Closed", ("detainer.cancelled", None)),
        ("", ("detainer.received", None)),  # still open
    ],
)
def test_pa_lift_reasons_close_the_episode(reason: str, last: tuple[str, str | None]) -> None:
    rows = list(csv.DictReader((FIXTURES / "pa_sample.csv").open()))
    number = next(i for i, r in enumerate(rows, start=1) if r["detainer_lift_reason"] == reason)
    events = [e for e in imported("pa") if e["provenancerow"] == number]
    assert (events[-1]["type"], events[-1]["data"].get("to")) == last
    assert all(e["provenancesynthetic"] for e in events)


def test_travis_outcomes_and_day_precision() -> None:
    rows = list(csv.DictReader((FIXTURES / "travis_sample.csv").open()))
    events = by_booking(imported("travis"))
    for row in rows:
        mine = events[row["booking_key"]]
        assert all(e["provenanceprecision"] == "day" for e in mine)
        assert mine[0]["time"].startswith(row["booking_date"] + "T12:00:00")
        kind = row["detainer_disposition_type"]
        if kind == "RELEASED TO ICE":
            assert mine[-1]["type"] == "custody.released" and mine[-1]["data"]["to"] == "ice"
        elif kind == "WARRANT WITHDRAWN":
            assert mine[-1]["type"] == "detainer.cancelled"


def test_pierce_outcomes() -> None:
    last = {s: e[-1] for s, e in by_booking(imported("pierce")).items()}
    outcomes = sorted((e["type"], e["data"].get("to")) for e in last.values())
    assert outcomes == [
        ("custody.released", "ice"),
        ("custody.released", "other_agency"),
        ("custody.released", "public"),  # the cancelled detainer: released after it ended
    ]


@pytest.mark.parametrize(
    ("layout", "profile", "expected"),
    [
        # I-247D bookings from before April 2017: the window is unverified, so REVIEW
        ("pierce", "us-federal", {"REVIEW": 3}),
        # the form is not in the data ("other"): every booking gets a REVIEW, never a guess
        ("travis", "us-federal-legacy", {"REVIEW": 20, "HOLD_OVER_WINDOW": 1}),
        # synthesized closings a day after the detainer: no hold to judge
        ("pa", "us-federal-legacy", {}),
    ],
)
def test_imported_histories_can_be_audited(
    layout: str, profile: str, expected: dict[str, int]
) -> None:
    lines = [json.dumps(e).encode() for e in imported(layout)]
    findings = audit(lines, resolve(profile), datetime(2026, 1, 1, tzinfo=UTC))
    assert Counter(f.code for f in findings) == expected


def test_pierce_bookings_without_a_level_flag_are_imported_with_the_level_left_out() -> None:
    """UWCHR flags neither felony nor misdemeanor on 17 of the 204 hold bookings; the
    importer used to leave out the 10 of them with a criminal charge row."""
    events = by_booking(imported("pierce", "pierce_unflagged.csv"))
    assert sorted(events) == ["07470c1bd81e", "b5e3e9dc4b5f"]
    for mine in events.values():
        booked = mine[0]["data"]
        assert booked["charges"] and all("level" not in c for c in booked["charges"])
        assert [e["type"] for e in mine][:2] == ["booking.created", "detainer.received"]
        for e in mine:
            parse_event(json.dumps(e))


# --- rejects: every row or booking not imported, with its reason ----------------------

Rows = list[dict[str, str]]
PERSONAL = "JANE Q DOE 1980-02-30"  # a value that must never reach a reason


def _set(row: int, column: str, value: str = PERSONAL) -> Callable[[Rows], None]:
    def mutate(rows: Rows) -> None:
        rows[row - 1][column] = value

    return mutate


def _drop(row: int, column: str) -> Callable[[Rows], None]:
    def mutate(rows: Rows) -> None:
        del rows[row - 1][column]

    return mutate


def _repeat(row: int, of: int, column: str) -> Callable[[Rows], None]:
    def mutate(rows: Rows) -> None:
        rows[row - 1][column] = rows[of - 1][column]

    return mutate


NOT_A_DAY = "is not a date (YYYY-MM-DD)"
NOT_A_TIME = "is not a local time (YYYY-MM-DD HH:MM)"
YEARS = "is not in the years 1900-2200"  # sentinels such as 9999-12-31, and typos
P1, P3 = "107dfc6e2bae", "8b1bdfa86957"  # pierce_sample.csv bookings: rows 1-8, 14-16
TRAVIS_1, TRAVIS_2 = "TCB1745b8e07834", "TCB1647659791b3"
BEFORE = "2015-01-01 00:00:00"

REJECTS: list[tuple[str, Callable[[Rows], None], tuple[int, str | None, str]]] = [
    ("travis", _set(1, "booking_date", ""), (1, TRAVIS_1, "booking_date: is empty")),
    ("travis", _set(1, "booking_date"), (1, TRAVIS_1, f"booking_date: {NOT_A_DAY}")),
    ("travis", _set(2, "last_disposition_date"), (2, TRAVIS_2, f"last_disposition_date: {NOT_A_DAY}")),
    ("travis", _set(1, "detainer_disposition_date"), (1, TRAVIS_1, f"detainer_disposition_date: {NOT_A_DAY}")),
    ("travis", _set(1, "detainer_disposition_date", "9999-12-31"), (1, TRAVIS_1, f"detainer_disposition_date: {YEARS}")),
    ("travis", _set(3, "booking_key", ""), (3, None, "booking_key: is empty")),
    ("travis", _repeat(2, 1, "booking_key"), (2, TRAVIS_1, "booking_key: repeats an earlier row's")),
    ("travis", _drop(1, "detainer_level"), (1, TRAVIS_1, "row: not 12 cells like the header")),
    ("pa", _set(2, "detainer_prepare_date", ""), (2, "pa-401", "detainer_prepare_date: is empty")),
    ("pa", _set(2, "detainer_prepare_date"), (2, "pa-401", f"detainer_prepare_date: {NOT_A_DAY}")),
    ("pa", _set(2, "detainer_prepare_date", "0001-01-01"), (2, "pa-401", f"detainer_prepare_date: {YEARS}")),
    ("pa", _set(1, "detention_facility", ""), (1, "pa-1", "detention_facility: is empty")),
    ("pa", _repeat(2, 1, "detainer_seq"), (2, "pa-1", "detainer_seq: repeats an earlier row's")),
    ("pa", _drop(3, "detainer_type"), (3, "pa-801", "row: not 7 cells like the header")),
    ("pierce", _set(1, "booking_dt", ""), (1, P1, "booking_dt: is empty")),
    ("pierce", _set(1, "release_dt"), (1, P1, f"release_dt: {NOT_A_TIME}")),
    ("pierce", _set(1, "release_dt", "9999-12-31 23:59:00"), (1, P1, f"release_dt: {YEARS}")),
    ("pierce", _set(1, "booking_dt", "2016-01-19T11:44:00+00:00"), (1, P1, f"booking_dt: {NOT_A_TIME}")),
    ("pierce", _set(1, "release_dt", BEFORE), (1, P1, "release_dt: before booking_dt")),
    ("pierce", _set(3, "charge_release_dt", BEFORE), (3, P1, "charge_release_dt: before booking_dt")),
    ("pierce", _set(15, "charge_release_dt"), (15, P3, f"charge_release_dt: {NOT_A_TIME}")),
    # the hold of a cancelled detainer closes when it was cancelled
    ("pierce", _set(16, "charge_release_dt", "2017-03-01 00:00:00"), (16, P3, "charge_release_dt: before booking_dt")),
    ("pierce", _set(8, "is_immigration_hold_charge", "0"), (1, P1, "is_immigration_hold_charge: no row is the hold")),
    ("pierce", _set(7, "is_immigration_hold_charge", "1"), (1, P1, "is_immigration_hold_charge: more than one row is the hold")),
    ("pierce", _set(3, "booking_charge_desc", ""), (1, P1, "contract: data.charges.*.code: string should have at least 1 character")),
    ("pierce", _set(15, "booking_key", ""), (15, None, "booking_key: is empty")),
    # a malformed row leaves its whole booking out: imported without it, it would be wrong
    ("pierce", _drop(4, "is_immigration_hold_charge"), (4, P1, "row: not 31 cells like the header")),
]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: Rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows([row[c] for c in header if c in row] for row in rows)


def mutated(layout: str, mutate: Callable[[Rows], None], tmp: Path) -> Path:
    with (FIXTURES / f"{layout}_sample.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or ())
    mutate(rows)
    path = tmp / f"{layout}_sample.csv"
    write_csv(path, header, rows)
    return path


@pytest.mark.parametrize(("layout", "mutate", "expected"), REJECTS)
def test_a_row_that_cannot_be_imported_is_rejected_with_its_reason_and_nothing_else(
    layout: str,
    mutate: Callable[[Rows], None],
    expected: tuple[int, str | None, str],
    tmp_path: Path,
) -> None:
    found = outcomes(layout, mutated(layout, mutate, tmp_path))
    rejects = [o for o in found if isinstance(o, Reject)]
    assert [(r.row, r.booking, r.reason) for r in rejects] == [expected]
    assert PERSONAL not in rejects[0].as_json()
    # every other booking of the file is still imported: only the rejected one is missing
    # (a pierce row without its key belongs to no booking; a repeated key loses the repeat)
    clean = {o.booking for o in outcomes(layout, FIXTURES / f"{layout}_sample.csv")}
    kept = {o.booking for o in found if isinstance(o, Imported)}
    lost = clean - kept
    assert kept <= clean and len(lost) == (0 if (layout, expected[1]) == ("pierce", None) else 1)
    if expected[1] is not None and "repeats" not in expected[2]:
        assert lost == {expected[1]}
    for e in events_of(found):
        parse_event(json.dumps(e))


@pytest.mark.parametrize(
    ("layout", "mutate", "note"),
    [
        ("travis", _set(1, "detainer_disposition_type", "ERROR IN ENTRY"), "detainer_disposition_type: not mapped; detainer left open"),
        ("travis", _set(1, "detainer_disposition_date", ""), "detainer_disposition_date: is empty; detainer left open"),
        ("pa", _set(1, "detainer_lift_reason", "Died"), "detainer_lift_reason: not mapped; detainer left open"),
    ],
)  # fmt: skip
def test_an_outcome_the_layout_cannot_map_is_noted_not_dropped(
    layout: str, mutate: Callable[[Rows], None], note: str, tmp_path: Path
) -> None:
    found = outcomes(layout, mutated(layout, mutate, tmp_path))
    first = found[0]
    assert isinstance(first, Imported) and first.notes == (note,)
    closings = {"custody.released", "detainer.cancelled"}
    assert not closings & {e["type"] for e in first.events}
    clean = outcomes(layout, FIXTURES / f"{layout}_sample.csv")
    assert isinstance(clean[0], Imported) and clean[0].notes == ()
