"""One booking as one Redis string: a small header, its findings ledger, its events.

Why one string: a Redis hash keeps the compact listpack encoding only while every value is
at most 64 bytes, and an event's JSON is some 340; as three hashes (history, ledger, meta)
a typical booking took about 2 KB, a third of it per-entry overhead. Packed here it takes
about a third of that.

    header    'B' | version, late, out_of_order, ledger length (4-byte big-endian each)
              | rev (16), as_of (32): each a length byte and its text, padded to its width
    compacted a length byte and compacted_before (ISO 8601), or none
    ledger    '' or one raw deflate of [varint(len(id)) id varint(len(record)) record]...
    events    to the end: records, each varint(length) + raw deflate of
              varint(len(field)) field JSON

The scripts (adapters/redis_store.py) read and rewrite the header, append event records
and replace the ledger whole; only Python compresses. The header has a fixed size and the
events come last so that a long booking's commit is the header rewritten in place and its
new events appended, whatever the booking's length. Each event record is compressed
alone, so a commit sends only its new events; the ledger, rewritten only when a finding
changes, is compressed as one stream, since a booking's findings share most of their text.
Both use a preset dictionary (the contract's and the findings' recurring text) followed by
the booking's tag, which names its agency and booking id: most of a small event is then
back-references. The dictionaries are part of the format: stored bookings depend on
them, so they never change; another one would need another header byte.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

from holdwatch.app.ports import Snapshot

FORMAT = b"B"
_COUNTS = struct.Struct(">IIII")
REV_WIDTH = 16  # the monitor's revisions are 16 hex digits
AS_OF_WIDTH = 32  # an ISO 8601 instant with microseconds and a ±HH:MM offset
_REV_AT = 1 + _COUNTS.size
_AS_OF_AT = _REV_AT + 1 + REV_WIDTH
HEADER = _AS_OF_AT + 1 + AS_OF_WIDTH  # the fixed part, rewritten in place by a commit
_WBITS = -15  # raw deflate (no zlib header or checksum), the whole window for the dictionary

EVENT_DICTIONARY = (
    b'"recipients":["subject"],"detainer_id":"","intends_to_comply":true}'
    b'"publicly_available":false"in_response_to":"'
    b'"information":"release_date","type":"ice.notified","data":{'
    b'"type":"truth.notice_given","data":{"notice":"request_copy"'
    b'"probable_cause":["statements"],"attached_warrant":"I-200"'
    b'"issuing_office":"","issuing_district":"'
    b'"type":"detainer.received","data":{"detainer_id":"D-","form":"I-247A",'
    b'"form_revision":"","issued_at":"'
    b'"type":"warrant.received","data":{"warrant_id":"","kind":"judicial"'
    b'"type":"detainer.cancelled","type":"release.eligibility_revoked"'
    b'"type":"custody.released","data":{"to":"public"}}'
    b'"type":"release.eligible","data":{"reason":"sentence_served"'
    b'"type":"release.scheduled","data":{"expected_at":"'
    b'"prior_convictions":[{"code":"","level":"misdemeanor","convicted_on":"'
    b'"charges":[{"charge_id":"","code":"","description":"","level":"felony"}],'
    b'"type":"booking.created","data":{"facility":"","timezone":"America/'
    b'"person":{"person_id":"P-'
    b'{"specversion":"1.0","id":"","source":"urn:","time":"20'
    b'","agency":"","datacontenttype":"application/json","subject":"'
)

FINDING_DICTIONARY = (
    b" Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
    b" PST PDT MST MDT CST CDT EST EDT"
    b" no judicial warrant or judicial probable-cause determination"
    b" an arrest warrant, which ICE's own policy requires; qualifying conviction"
    b" before the person received a copy of detainer D-"
    b" and the agency's statement of whether it intends to comply."
    b" but the jail gave ICE the release date at  (bond posted)"
    b" on ICE detainer D- (I-247A) until  in all. The hold had to end by"
    b" The jail kept custody and is still held as of The person was eligible for release at "
    b'"calendar_ambiguous":false,"alternatives":[],"evidence_level":"verified"}'
    b'"rule":"","facility":"","timezone":"America/'
    b'"evidence":["],"status":"open"resolved"superseded"'
    b'"policy":"","citation":"","explanation":"'
    b'"violation_at":"20","ended_at":null,"duration_seconds":null,'
    b'{"finding_id":"","code":"","kind":"","severity":"high","agency":"",'
    b'"booking_id":"","detainer_id":'
)


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, pos
        shift += 7


def _deflate(data: bytes, dictionary: bytes) -> bytes:
    z = zlib.compressobj(6, zlib.DEFLATED, _WBITS, 8, zlib.Z_DEFAULT_STRATEGY, dictionary)
    return z.compress(data) + z.flush()


def _inflate(data: bytes, dictionary: bytes) -> bytes:
    z = zlib.decompressobj(_WBITS, zdict=dictionary)
    out = z.decompress(data) + z.flush()
    if not z.eof:
        raise ValueError("a truncated record")
    return out


def _event_dictionary(tag: str) -> bytes:
    return EVENT_DICTIONARY + tag.encode()


def pack_events(tag: str, events: Iterable[tuple[str, bytes]]) -> bytes:
    """Event records to append to a booking's events (history field → event JSON)."""
    dictionary = _event_dictionary(tag)
    out = bytearray()
    for name, raw in events:
        field = name.encode()
        record = _deflate(_varint(len(field)) + field + raw, dictionary)
        out += _varint(len(record))
        out += record
    return bytes(out)


def unpack_events(tag: str, packed: bytes) -> Iterator[tuple[str, bytes]]:
    dictionary = _event_dictionary(tag)
    pos = 0
    while pos < len(packed):
        size, pos = _read_varint(packed, pos)
        plain = _inflate(packed[pos : pos + size], dictionary)
        pos += size
        n, start = _read_varint(plain, 0)
        yield plain[start : start + n].decode(), plain[start + n :]


def pack_ledger(tag: str, ledger: Mapping[str, str]) -> bytes:
    """A booking's whole ledger (finding id → finding JSON); '' when it has none."""
    if not ledger:
        return b""
    plain = bytearray()
    for fid, record in ledger.items():
        for part in (fid.encode(), record.encode()):
            plain += _varint(len(part))
            plain += part
    return _deflate(bytes(plain), FINDING_DICTIONARY + tag.encode())


def unpack_ledger(tag: str, packed: bytes) -> dict[str, str]:
    if not packed:
        return {}
    plain = _inflate(packed, FINDING_DICTIONARY + tag.encode())
    parts: list[str] = []
    pos = 0
    while pos < len(plain):
        n, pos = _read_varint(plain, pos)
        parts.append(plain[pos : pos + n].decode())
        pos += n
    return dict(zip(parts[::2], parts[1::2], strict=True))


def _slot(text: str, width: int) -> bytes:
    raw = text.encode()
    if len(raw) > width:
        raise ValueError(f"a header field is longer than {width} bytes: {text!r}")
    return bytes((len(raw),)) + raw + b" " * (width - len(raw))


def _unslot(blob: bytes, pos: int) -> str:
    return blob[pos + 1 : pos + 1 + blob[pos]].decode()


def header(version: int, late: int, disorder: int, ledger_len: int, rev: str, as_of: str) -> bytes:
    """The fixed part, `HEADER` bytes, as the commit script writes it."""
    return (
        FORMAT
        + _COUNTS.pack(version, late, disorder, ledger_len)
        + _slot(rev, REV_WIDTH)
        + _slot(as_of, AS_OF_WIDTH)
    )


def encode(tag: str, snap: Snapshot) -> bytes:
    """The whole string for `snap`, as the commit script writes it (the migration's)."""
    ledger = pack_ledger(tag, snap.ledger)
    compacted = snap.compacted_before.isoformat().encode() if snap.compacted_before else b""
    as_of = snap.as_of.isoformat() if snap.as_of else ""
    return (
        header(snap.version, snap.late, snap.out_of_order, len(ledger), snap.rev, as_of)
        + bytes((len(compacted),))
        + compacted
        + ledger
        + pack_events(tag, snap.history.items())
    )


#: A booking whose string does not decode (edited by hand, a defect) is given as this one
#: event, which no parser accepts: the monitor then leaves its entries pending, as for any
#: stored event that is not valid, and the other bookings of the batch go on.
UNREADABLE = "\x1funreadable"


def read(tag: str, blob: bytes | None) -> Snapshot:
    """`decode`, or for a string that is not a whole booking, the `UNREADABLE` event at
    the version its header gives (0 if not even that reads)."""
    try:
        return decode(tag, blob)
    except (ValueError, IndexError, struct.error, zlib.error):
        assert blob is not None
        try:
            version = _COUNTS.unpack_from(blob, 1)[0] if blob[:1] == FORMAT else 0
        except struct.error:
            version = 0
        return Snapshot(version, None, {UNREADABLE: b""})


def decode(tag: str, blob: bytes | None) -> Snapshot:
    """The booking `blob` holds (None: no booking, version 0)."""
    if not blob:
        return Snapshot(0, None)
    if blob[:1] != FORMAT:
        raise ValueError(f"not a packed booking (format {blob[:1]!r})")
    version, late, disorder, ledger_len = _COUNTS.unpack_from(blob, 1)
    rev = _unslot(blob, _REV_AT)
    as_of = _unslot(blob, _AS_OF_AT)
    compacted = _unslot(blob, HEADER)
    pos = HEADER + 1 + blob[HEADER]
    return Snapshot(
        version,
        datetime.fromisoformat(as_of) if as_of else None,
        dict(unpack_events(tag, blob[pos + ledger_len :])),
        unpack_ledger(tag, blob[pos : pos + ledger_len]),
        late,
        disorder,
        rev,
        datetime.fromisoformat(compacted) if compacted else None,
    )
