"""A booking packed into one string and read back (adapters/booking_codec.py): the same
events byte for byte, the same ledger and header, whatever the ids hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from holdwatch.adapters.booking_codec import (
    UNREADABLE,
    decode,
    encode,
    pack_events,
    pack_ledger,
    read,
    unpack_events,
    unpack_ledger,
)
from holdwatch.app.ports import Snapshot

TAG = "{lasd/B25-0003541}"
BOOKED = (
    b'{"specversion":"1.0","id":"B25-0003541-e1","source":"urn:jms:lasd:crdf",'
    b'"time":"2025-01-01T02:32:59-08:00","agency":"lasd","datacontenttype":"application/json",'
    b'"subject":"B25-0003541","type":"booking.created","data":{"facility":"Century Regional",'
    b'"person":{"person_id":"P-7c333e193b1a"}}}'
)
LONG = json.dumps({"data": {"note": "x" * 70_000}}).encode()  # lengths past one varint byte

SNAPSHOTS = {
    "empty": Snapshot(0, None),
    "a released booking": Snapshot(
        4,
        datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        {"urn:jms:lasd:crdf\x1fB25-0003541-e1": BOOKED, "urn:jms:lasd:pdcn\x1fe2": b"{}"},
        {},
        late=2,
        out_of_order=1,
        rev="0123456789abcdef",
    ),
    "findings, a conflicting repeat, an offset": Snapshot(
        7,
        datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-8))),
        {"s\x1fe1": BOOKED, "s\x1fe1\x1f0123456789abcdef": BOOKED.replace(b"Century", b"C")},
        {"f1": '{"finding_id":"f1","status":"open"}', "f2": '{"status":"resolved"}'},
        rev="fedcba9876543210",
    ),
    "an agency's compacted record, ids beyond ASCII": Snapshot(
        900,
        datetime(2025, 6, 1, tzinfo=UTC),
        {"urn:jms:j\u00e4il\x1fw\u00f6-1": LONG},
        {"f\u00e9": "{}"},
        compacted_before=datetime(2024, 5, 1, tzinfo=UTC),
        rev="r",
    ),
}


@pytest.mark.parametrize("snap", SNAPSHOTS.values(), ids=SNAPSHOTS.keys())
def test_a_booking_reads_back_as_it_was_written(snap: Snapshot) -> None:
    blob = encode(TAG, snap)
    assert decode(TAG, blob) == snap
    assert list(decode(TAG, blob).history) == list(snap.history)  # in the order stored


def test_events_appended_read_as_one_history() -> None:
    first = pack_events(TAG, [("a", BOOKED)])
    later = pack_events(TAG, [("b", b"{}"), ("c", LONG)])
    assert list(unpack_events(TAG, first + later)) == [("a", BOOKED), ("b", b"{}"), ("c", LONG)]


def test_packed_is_a_fraction_of_the_json() -> None:
    assert len(pack_events(TAG, [("urn:jms:lasd:crdf\x1fB25-0003541-e1", BOOKED)])) < 150
    ledger = {"f1": '{"finding_id":"f1","status":"open"}'}
    assert unpack_ledger(TAG, pack_ledger(TAG, ledger)) == ledger
    assert pack_ledger(TAG, {}) == b""


@pytest.mark.parametrize(
    "blob",
    [b"H" + bytes(40), encode(TAG, SNAPSHOTS["a released booking"])[:-3]],
    ids=["another format", "truncated"],
)
def test_a_string_that_is_not_a_whole_booking_is_refused(blob: bytes) -> None:
    with pytest.raises((ValueError, IndexError)):
        decode(TAG, blob)


@pytest.mark.parametrize(
    ("blob", "version"),
    [(encode(TAG, SNAPSHOTS["a released booking"])[:-3], 4), (b"B\x00", 0), (b"{}", 0)],
    ids=["an event cut short", "a header cut short", "not packed at all"],
)
def test_a_booking_that_does_not_decode_reads_as_one_unreadable_event(
    blob: bytes, version: int
) -> None:
    assert read(TAG, blob) == Snapshot(version, None, {UNREADABLE: b""})
