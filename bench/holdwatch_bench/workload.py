"""The benchmarks' input: contract events from a synthetic, deterministic generator.

A realistic mix (see schemas/README.md): every booking has `booking.created`,
`release.eligible` and `custody.released`, some a `release.scheduled`; about 1.5% also
get a detainer (`detainer.received`, a TRUTH Act copy, sometimes `ice.notified`,
sometimes a hold past RE and a release to ICE); agency `lasd` is judged under ca-sb54.
Also the designed bookings of (c) and the long bookings of (g)."""

from __future__ import annotations

import functools
import json
import math
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROFILE_ID = "ca-sb54"
ZONE_NAME = "America/Los_Angeles"
ZONE = ZoneInfo(ZONE_NAME)
AGENCY = "lasd"
#: Bookings are spread over this year (UTC instants, rendered in Los Angeles local time).
PERIOD_START = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
PERIOD_SECONDS = 365 * 86_400
#: The evaluation instant: after every release, so every hold is closed.
AS_OF = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)

FACILITIES: tuple[tuple[str, str, float], ...] = (
    # (facility, source, weight)
    ("Men's Central Jail", "urn:jms:lasd:mcj", 0.40),
    ("Twin Towers Correctional Facility", "urn:jms:lasd:ttcf", 0.25),
    ("Century Regional Detention Facility", "urn:jms:lasd:crdf", 0.15),
    ("Inmate Reception Center", "urn:jms:lasd:irc", 0.12),
    ("Pitchess Detention Center North", "urn:jms:lasd:pdcn", 0.08),
)
FACILITY_WEIGHTS = [w for _, _, w in FACILITIES]

#: (code, description, level, weight) for both current charges and prior convictions.
OFFENSES: tuple[tuple[str, str, str, float], ...] = (
    ("PC 148(a)(1)", "Resisting, delaying or obstructing an officer", "misdemeanor", 0.20),
    ("PC 459", "Burglary", "felony", 0.18),
    ("PC 487", "Grand theft", "felony", 0.14),
    ("PC 245(a)(1)", "Assault with a deadly weapon", "felony", 0.12),
    ("HS 11350", "Possession of a controlled substance", "misdemeanor", 0.16),
    ("VC 23152(a)", "Driving under the influence", "misdemeanor", 0.20),
)
OFFENSE_WEIGHTS = [w for *_, w in OFFENSES]

ELIGIBILITY_REASONS = (
    ("bond_posted", 0.30),
    ("own_recognizance", 0.22),
    ("sentence_served", 0.20),
    ("charges_dropped", 0.12),
    ("court_order", 0.10),
    ("acquitted", 0.03),
    ("other", 0.03),
)
REASON_NAMES = [r for r, _ in ELIGIBILITY_REASONS]
REASON_WEIGHTS = [w for _, w in ELIGIBILITY_REASONS]

DETAINER_FORMS = (("I-247A", 0.84), ("I-247", 0.08), ("I-247N", 0.08))
FORM_NAMES = [f for f, _ in DETAINER_FORMS]
FORM_WEIGHTS = [w for _, w in DETAINER_FORMS]
FORM_REVISION = {"I-247A": "02/17", "I-247": "12/12", "I-247N": "05/15"}
ISSUING_OFFICES = ("PERC", "ERO Los Angeles", "ERO San Francisco")
PROBABLE_CAUSES = ("final_order", "pending_proceedings", "biometric_database", "statements")

#: Probabilities of the optional parts of a booking.
P_SCHEDULED = 0.58  # release.scheduled known in advance
P_TRUTH_COPY = 0.92  # detainer bookings: TRUTH Act copy given (else TRUTH_COPY_MISSING)
P_ICE_NOTIFIED = 0.35  # detainer bookings: release date sent to ICE
P_HELD = 0.25  # detainer bookings: held past RE and released to ICE

#: Length of stay: log-normal, median 3 days, clamped to [2 h, 1 year].
STAY_MEDIAN_H = 72.0
STAY_SIGMA = 1.3
STAY_MIN_H = 2.0
STAY_MAX_H = 365 * 24.0

#: Average events per booking of the mix above (for deriving N from --events).
BASE_EVENTS = 3 + P_SCHEDULED
DETAINER_EXTRA = 1 + P_TRUTH_COPY + P_ICE_NOTIFIED


@dataclass(slots=True)
class Generated:
    path: Path
    events: int
    bookings: int
    detainer_bookings: int
    bytes: int
    seconds: float


def _stamp(instant: datetime) -> str:
    """RFC 3339 in local time with its UTC offset, to the second."""
    return instant.astimezone(ZONE).isoformat(timespec="seconds")


def _hours(h: float) -> timedelta:
    return timedelta(seconds=round(h * 3600))


class _Writer:
    """Builds CloudEvent envelopes for one booking; collects (utc instant, line) pairs."""

    __slots__ = ("booking_id", "out", "seq", "source")

    def __init__(self, source: str, booking_id: str, out: list[tuple[datetime, str]]) -> None:
        self.source = source
        self.booking_id = booking_id
        self.out = out
        self.seq = 0

    def emit(self, type_: str, at: datetime, data: dict[str, Any]) -> None:
        self.seq += 1
        envelope = {
            "specversion": "1.0",
            "id": f"{self.booking_id}-e{self.seq}",
            "source": self.source,
            "type": type_,
            "time": _stamp(at),
            "agency": AGENCY,
            "subject": self.booking_id,
            "datacontenttype": "application/json",
            "data": data,
        }
        self.out.append((at, json.dumps(envelope, separators=(",", ":"))))


def _offense(rng: random.Random) -> tuple[str, str, str]:
    code, description, level, _ = rng.choices(OFFENSES, OFFENSE_WEIGHTS)[0]
    return code, description, level


def _booking(
    rng: random.Random, number: int, detainer: bool, out: list[tuple[datetime, str]]
) -> None:
    facility, source, _ = rng.choices(FACILITIES, FACILITY_WEIGHTS)[0]
    booking_id = f"B25-{number:07d}"
    w = _Writer(source, booking_id, out)

    booked = PERIOD_START + timedelta(seconds=rng.randrange(PERIOD_SECONDS))
    stay_h = rng.lognormvariate(math.log(STAY_MEDIAN_H), STAY_SIGMA)
    stay_h = min(max(stay_h, STAY_MIN_H), STAY_MAX_H)
    eligible = booked + _hours(stay_h)

    charges = []
    for i in range(rng.choices((1, 2, 3), (0.55, 0.30, 0.15))[0]):
        code, description, level = _offense(rng)
        charges.append(
            {"charge_id": f"{booking_id}-c{i + 1}", "code": code, "description": description,
             "level": level}
        )  # fmt: skip
    priors = []
    for _ in range(rng.choices((0, 1, 2), (0.55, 0.30, 0.15))[0]):
        code, _, level = _offense(rng)
        convicted = booked.date() - timedelta(days=rng.randrange(60, 15 * 365))
        priors.append({"code": code, "level": level, "convicted_on": convicted.isoformat()})
    person = {"person_id": f"P-{rng.getrandbits(48):012x}"}
    w.emit(
        "booking.created",
        booked,
        {
            "facility": facility,
            "timezone": ZONE_NAME,
            "person": person,
            "charges": charges,
            "prior_convictions": priors,
        },
    )

    if rng.random() < P_SCHEDULED:
        known = booked + _hours(stay_h * rng.uniform(0.1, 0.9))
        expected = eligible + _hours(rng.uniform(-2.0, 2.0))
        w.emit("release.scheduled", known, {"expected_at": _stamp(expected)})

    held = False
    if detainer:
        detainer_id = f"D-{booking_id}"
        form = rng.choices(FORM_NAMES, FORM_WEIGHTS)[0]
        office = rng.choice(ISSUING_OFFICES)
        received = booked + _hours(stay_h * rng.uniform(0.05, 0.7))
        issued = received - _hours(rng.uniform(0.2, 6.0))
        data: dict[str, Any] = {
            "detainer_id": detainer_id,
            "form": form,
            "form_revision": FORM_REVISION[form],
            "issued_at": _stamp(issued),
            "issuing_office": office,
            "probable_cause": [rng.choice(PROBABLE_CAUSES)],
            "attached_warrant": rng.choices(("I-200", "I-205", "none"), (0.6, 0.1, 0.3))[0],
        }
        if office == "PERC":
            data["issuing_district"] = "C.D. Cal."
        w.emit("detainer.received", received, data)
        if rng.random() < P_TRUTH_COPY:
            given = received + _hours(rng.uniform(0.5, 12.0))
            w.emit(
                "truth.notice_given",
                min(given, eligible - timedelta(minutes=1)),
                {
                    "notice": "request_copy",
                    "recipients": ["subject"],
                    "detainer_id": detainer_id,
                    "intends_to_comply": rng.random() < 0.3,
                },
            )
        if rng.random() < P_ICE_NOTIFIED:
            told = received + _hours((eligible - received).total_seconds() / 3600 * 0.8)
            w.emit(
                "ice.notified",
                told,
                {"information": "release_date", "in_response_to": detainer_id},
            )
        held = form != "I-247N" and rng.random() < P_HELD

    w.emit("release.eligible", eligible, {"reason": rng.choices(REASON_NAMES, REASON_WEIGHTS)[0]})
    if held:
        released = eligible + _hours(rng.uniform(1.0, 47.5))
        w.emit("custody.released", released, {"to": "ice", "receiving_agency": "ICE ERO"})
    else:
        # RE is when the person walks out (out-processing done): released at that instant.
        w.emit("custody.released", eligible, {"to": "public"})


def bookings_for(events: int, detainer_rate: float) -> int:
    per_booking = BASE_EVENTS + detainer_rate * DETAINER_EXTRA
    return max(1, round(events / per_booking))


def generate(events: int, seed: int, detainer_rate: float, directory: str) -> Generated:
    """Write the synthetic history as JSONL in event-time order; deterministic for a seed."""
    started = time.perf_counter()
    rng = random.Random(seed)
    n = bookings_for(events, detainer_rate)
    rows: list[tuple[datetime, str]] = []
    detainers = 0
    for number in range(1, n + 1):
        detainer = rng.random() < detainer_rate
        detainers += detainer
        _booking(rng, number, detainer, rows)
    rows.sort(key=lambda row: row[0])  # stable: same-instant events keep booking order
    path = Path(directory) / f"audit-bench-{events}-{seed}.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(f"{line}\n" for _, line in rows)
    return Generated(
        path=path,
        events=len(rows),
        bookings=n,
        detainer_bookings=detainers,
        bytes=path.stat().st_size,
        seconds=time.perf_counter() - started,
    )


#: agency of the designed latency bookings: not in the agencies file, so judged by the
#: default profile (us-federal: a hold may last 48 elapsed hours past release eligibility)
LATENCY_AGENCY = "pierce"


@functools.cache  # the same events for every mode of --appendfsync
def contract_events(n: int, seed: int, detainer_rate: float) -> list[bytes]:
    """`n` events (JSON lines) from the audit benchmark's generator, in event-time order."""
    target = int(n * 1.03) + 10  # the generator hits its target only approximately
    with tempfile.TemporaryDirectory(prefix="holdwatch-stream-bench-") as tmp:
        while True:
            gen = generate(target, seed, detainer_rate, tmp)
            lines = [line for line in gen.path.read_bytes().splitlines() if line.strip()]
            if len(lines) >= n:
                return lines[:n]
            target = int(target * 1.05) + 10


def designed_booking(n: int, now: datetime) -> list[bytes]:
    """A booking whose HOLD_OVER_WINDOW is due already once its eligibility is applied."""
    booking = f"HX-{n:06d}"
    source = "urn:jms:pierce:bench"

    def event(suffix: str, type_: str, at: datetime, data: dict[str, Any]) -> bytes:
        envelope = {
            "specversion": "1.0",
            "id": f"{booking}-{suffix}",
            "source": source,
            "type": type_,
            "time": at.isoformat(timespec="seconds"),
            "agency": LATENCY_AGENCY,
            "subject": booking,
            "datacontenttype": "application/json",
            "data": data,
        }
        return json.dumps(envelope, separators=(",", ":")).encode()

    eligible = now - timedelta(hours=50)
    return [
        event(
            "bk",
            "booking.created",
            eligible - timedelta(hours=10),
            {
                "facility": "Pierce County Jail",
                "timezone": "America/Los_Angeles",
                "person": {"person_id": f"P-{booking}"},
                "charges": [{"charge_id": f"{booking}-c1", "code": "RCW 9A.56", "level": "felony"}],
            },
        ),
        event(
            "dt",
            "detainer.received",
            eligible - timedelta(hours=5),
            {
                "detainer_id": f"D-{booking}",
                "form": "I-247A",
                "issuing_office": "ERO Seattle",
                "probable_cause": ["pending_proceedings"],
                "attached_warrant": "I-200",
            },
        ),
        event("re", "release.eligible", eligible, {"reason": "bond_posted"}),
    ]


def latency_payloads(total: int, share: float, seed: int, detainer_rate: float) -> list[bytes]:
    """The realistic mix with a designed booking (3 events) spliced in at a fixed stride."""
    designed_n = max(1, round(total * share / 3))
    realistic = contract_events(max(1, total - 3 * designed_n), seed, detainer_rate)
    stride = max(1, len(realistic) // designed_n)
    now = datetime.now(UTC).replace(microsecond=0)
    out: list[bytes] = []
    made = 0
    for i, payload in enumerate(realistic):
        if i % stride == 0 and made < designed_n:
            out.extend(designed_booking(made, now))
            made += 1
        out.append(payload)
    while made < designed_n:
        out.extend(designed_booking(made, now))
        made += 1
    return out[:total] if len(out) > total else out


#: agency of (g)'s bookings: judged under the audit workload's profile (ca-sb54)
LENGTH_AGENCY = AGENCY


def long_booking(name: str, length: int, start: datetime) -> list[bytes]:
    """One booking of `length` events in time order, an hour apart: booked, a detainer
    (I-247A) on file, then the jail updating the expected release date again and again,
    as a long pre-trial custody does. No release: the booking stays open, its detainer
    judged on every event."""
    if length < 2:
        raise ValueError("length: a booking and its detainer at least")
    source = "urn:jms:lasd:mcj"

    def event(n: int, type_: str, data: dict[str, Any]) -> bytes:
        envelope = {
            "specversion": "1.0",
            "id": f"{name}-e{n}",
            "source": source,
            "type": type_,
            "time": _stamp(start + timedelta(hours=n)),
            "agency": LENGTH_AGENCY,
            "subject": name,
            "datacontenttype": "application/json",
            "data": data,
        }
        return json.dumps(envelope, separators=(",", ":")).encode()

    charges = [{"charge_id": f"{name}-c1", "code": "PC 459", "level": "felony"}]
    out = [
        event(
            0,
            "booking.created",
            {
                "facility": FACILITIES[0][0],
                "timezone": ZONE_NAME,
                "person": {"person_id": f"P-{name}"},
                "charges": charges,
            },
        ),
        event(
            1,
            "detainer.received",
            {
                "detainer_id": f"D-{name}",
                "form": "I-247A",
                "issuing_office": "ERO Los Angeles",
                "probable_cause": ["pending_proceedings"],
                "attached_warrant": "none",
            },
        ),
    ]
    for n in range(2, length):
        expected = start + timedelta(hours=length + 24 * n)
        out.append(event(n, "release.scheduled", {"expected_at": _stamp(expected)}))
    return out
