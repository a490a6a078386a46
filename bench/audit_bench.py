"""Benchmark of the offline audit (`holdwatch audit`) on a synthetic, deterministic history.

Generates N bookings with a realistic mix (see schemas/README.md): every booking has
`booking.created`, `release.eligible` and `custody.released`, some a `release.scheduled`;
about 1.5% also get a detainer (`detainer.received`, a TRUTH Act copy, sometimes
`ice.notified`, sometimes a hold past RE and a release to ICE). The history is written as
JSON Lines to a temporary file, in event-time order like a JMS export, then timed:

- baseline: read the file and `json.loads` every line (the floor for any JSON consumer);
- audit: `holdwatch.app.audit.audit(...)` on the file handle, end to end (parsing,
  validation, fold, evaluation).

Usage:

    .venv/bin/python bench/audit_bench.py --events 1000000
    .venv/bin/python bench/audit_bench.py --events 200000 --profile-run

This is a benchmark, not a test: nothing is asserted beyond the audit accepting its input.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import pstats
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from holdwatch.app.audit import audit
from holdwatch.policy.registry import resolve

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


def baseline(path: Path) -> int:
    """The floor: read every line and `json.loads` it."""
    count = 0
    loads = json.loads
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                loads(line)
                count += 1
    return count


def run_audit(path: Path) -> list[Any]:
    profile = resolve(PROFILE_ID)
    with path.open("rb") as fh:
        return audit(fh, profile, AS_OF)


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best = math.inf
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def profile_audit(path: Path, top: int) -> None:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    run_audit(path)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        print(f"\n--- cProfile of audit(), top {top} by {order} ---")
        print(buf.getvalue().split("\n", 3)[-1].strip("\n"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="target total events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--detainer-rate", type=float, default=0.015)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument(
        "--profile-run", action="store_true", help="also run audit() under cProfile"
    )
    parser.add_argument("--top", type=int, default=25, help="profile entries to print")
    parser.add_argument("--keep", metavar="DIR", help="write the JSONL here and keep it")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="holdwatch-bench-") as tmp:
        directory = args.keep or tmp
        if args.keep:
            os.makedirs(directory, exist_ok=True)
        gen = generate(args.events, args.seed, args.detainer_rate, directory)
        print(f"python         {sys.version.split()[0]}")
        print(f"profile        {PROFILE_ID}  as_of {AS_OF.isoformat()}")
        print(f"seed           {args.seed}")
        print(f"events         {gen.events:,}")
        print(f"bookings       {gen.bookings:,}  ({gen.events / gen.bookings:.2f} events/booking)")
        print(f"detainer bkgs  {gen.detainer_bookings:,}")
        print(f"file           {gen.bytes / 1e6:.1f} MB  (generated in {gen.seconds:.1f} s)")

        base_s, base_n = best_of(args.repeat, lambda: baseline(gen.path))
        assert base_n == gen.events
        audit_s, findings = best_of(args.repeat, lambda: run_audit(gen.path))

        codes = Counter(f.code for f in findings)
        print(
            f"findings       {len(findings):,}  "
            + " ".join(f"{c}={n}" for c, n in sorted(codes.items()))
        )
        eps_base, eps_audit = gen.events / base_s, gen.events / audit_s
        print(f"baseline       {base_s:8.3f} s  {eps_base:12,.0f} events/s  (read + json.loads)")
        print(f"audit          {audit_s:8.3f} s  {eps_audit:12,.0f} events/s  (end to end)")
        print(f"audit/baseline {audit_s / base_s:8.1f} x  (best of {args.repeat} each)")

        if args.profile_run:
            profile_audit(gen.path, args.top)

        summary = {
            "events": gen.events,
            "bookings": gen.bookings,
            "detainer_bookings": gen.detainer_bookings,
            "findings": len(findings),
            "baseline_s": round(base_s, 3),
            "baseline_eps": round(gen.events / base_s),
            "audit_s": round(audit_s, 3),
            "audit_eps": round(gen.events / audit_s),
            "ratio": round(audit_s / base_s, 2),
            "seed": args.seed,
            "repeat": args.repeat,
            "python": sys.version.split()[0],
        }
        print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
