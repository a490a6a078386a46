"""A jail simulator: a realistic, seeded stream of contract events for demos and tests.

Calibrated on published numbers (the numbers and their sources below); where the public
record has no number the choice is marked ASSUMPTION. Deterministic for a seed: the same
arguments give the same events, byte for byte.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# --- calibration --------------------------------------------------------------------------
#: Pierce County (WA) jail, 2016-10-01 to 2018-07-31: 29,312 bookings (about 1,332 a month,
#: 43.8 a day), of which 188 had an ICE hold: 0.64%. UWCHR/ice-detainers-pierce,
#: analyze/output/data.yaml.
PIERCE_BOOKINGS_PER_DAY = 29_312 / 669
PIERCE_DETAINER_RATE = 188 / 29_312
#: Days in jail, all Pierce bookings: p25 1.08, p50 3.19, p75 23.24, mean 27.15
#: (analyze/descriptive_stats.csv). Fitted here as 69% lognormal(median 1.6 d, sigma 1.2)
#: plus 31% lognormal(median 50 d, sigma 1.0): p25 1.07, p50 3.2, p75 23.3, mean 27.8.
STAY_MIX = ((0.69, 1.6, 1.2), (0.31, 50.0, 1.0))
#: Days in jail with an ICE hold: median 34.77, mean 73.62 (data.yaml): lognormal with that
#: median and sigma 1.225 (mean = median * exp(sigma^2 / 2)).
HOLD_STAY = (34.77, 1.225)
#: Bookings by weekday, Monday first: Travis County (TX) bookings with a detainer,
#: 2000-2016, n = 9,533 (statesman/ice-travis-county).
WEEKDAY_WEIGHTS = (1412, 1078, 1035, 1158, 1162, 1776, 1912)
#: Bookings by local hour: Pierce County bookings with a hold, 2015-12 to 2018-07, n = 204
#: (UWCHR/ice-detainers-pierce), plus one per hour so no hour is impossible.
HOUR_WEIGHTS = tuple(
    n + 1 for n in (8, 15, 6, 14, 10, 9, 3, 3, 6, 14, 10, 10, 1, 8, 10, 8, 14, 11, 9, 6, 7, 9, 8, 5)
)
#: How Pierce hold bookings ended (n = 204): 125 released to immigration (61%), 13 with the
#: detainer cancelled (6%), the rest released elsewhere.
P_RELEASED_TO_ICE = 125 / 204
P_CANCELLED = 13 / 204
#: Detainer forms before the I-247A (in use from 2017-04-02): Pennsylvania's ICE detainers
#: of FY2015 whose type is recorded (n = 1,799): I-247 1,751, I-247D 38, I-247N 10 (the
#: replay corpus' pa_ice_detainers_fy2008_2015.csv; eads/geocode-pa-detainers). From then
#: on the I-247A replaced them.
I247A_FROM = datetime(2017, 4, 2, tzinfo=UTC)
FORMS_BEFORE_I247A = (("I-247", 1751 / 1799), ("I-247D", 38 / 1799), ("I-247N", 10 / 1799))
# ASSUMPTION (no record-level source in the corpus): the warrant and probable-cause mix of
# detainers lodged since the I-247A (April 2017); TRUTH Act copies and release-date
# notifications as a jail that mostly complies would give them. The I-247A lets ICE check
# several probable-cause boxes, and the database box mostly comes with another (statements,
# or proceedings already pending): a detainer resting on the database check alone
# (GONZALEZ_DB_ONLY) is the exception, one in ten here.
WARRANTS = (("I-200", 0.80), ("I-205", 0.15), ("none", 0.05))
PROBABLE_CAUSE: tuple[tuple[tuple[str, ...], float], ...] = (
    (("biometric_database", "statements"), 0.35),
    (("biometric_database", "pending_proceedings"), 0.20),
    (("final_order",), 0.15),
    (("pending_proceedings",), 0.15),
    (("biometric_database",), 0.10),
    (("statements",), 0.05),
)
P_TRUTH_COPY = 0.85
P_RELEASE_DATE_NOTICE = 0.5
CHARGES = (
    ("PC 459", "Burglary", "felony"),
    ("PC 273.5(a)", "Corporal injury to a spouse", "felony"),
    ("VC 23152(a)", "Driving under the influence", "misdemeanor"),
    ("HS 11350", "Possession of a controlled substance", "misdemeanor"),
    ("PC 148(a)(1)", "Resisting an officer", "misdemeanor"),
    ("VC 14601.1(a)", "Driving on a suspended license", "misdemeanor"),
)


@dataclass(frozen=True, slots=True)
class Jail:
    agency: str
    zone: str
    facility: str
    source: str
    bookings_per_day: float = PIERCE_BOOKINGS_PER_DAY


@dataclass(frozen=True, slots=True)
class Knobs:
    detainer_rate: float = PIERCE_DETAINER_RATE
    #: share of detainer bookings the jail keeps past release eligibility for ICE
    violation_rate: float = 0.10
    #: multiplies every length of stay: below 1 a short window shows whole custody episodes
    stay_scale: float = 1.0


JAILS = {
    "pierce": Jail("pierce", "America/Los_Angeles", "Pierce County Jail", "urn:jms:pierce"),
    "lasd": Jail("lasd", "America/Los_Angeles", "Men's Central Jail", "urn:jms:lasd:mcj"),
}
#: the ICE field office that lodges a jail's detainers, and the federal district it sits in:
#: Pierce County's Seattle office is outside California (no Gonzalez injunction reached it)
OFFICES = {"pierce": ("ERO Seattle", "W.D. Wash."), "lasd": ("ERO Los Angeles", "C.D. Cal.")}


def simulate(
    jail: Jail, start: datetime, days: float, seed: int, knobs: Knobs = Knobs()
) -> list[dict[str, Any]]:
    """Every event of the bookings made in [start, start + days), in event-time order.

    Events dated after the window's end are left out, as a jail's feed would not have them
    yet: a person still held at the end has no release event.
    """
    rng = random.Random(f"{seed}:{jail.agency}")  # noqa: S311  (a simulation, not a secret)
    end = start + timedelta(days=days)
    events: list[tuple[datetime, int, dict[str, Any]]] = []
    for n, booked in enumerate(_booking_times(rng, jail, start, days)):
        for at, event in _booking(
            rng, jail, f"{jail.agency.upper()}-{seed}-{n:06d}", booked, knobs
        ):
            if at < end:
                events.append((at, len(events), event))
    events.sort(key=lambda e: (e[0], e[1]))
    return [e for _, _, e in events]


def _booking_times(
    rng: random.Random, jail: Jail, start: datetime, days: float
) -> Iterator[datetime]:
    zone = ZoneInfo(jail.zone)
    whole = math.ceil(days)
    local_days = [(start + timedelta(days=d)).astimezone(zone).date() for d in range(whole)]
    mean = sum(WEEKDAY_WEIGHTS) / 7
    for day in local_days:
        expected = jail.bookings_per_day * WEEKDAY_WEIGHTS[day.weekday()] / mean
        for _ in range(_poisson(rng, expected)):
            hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
            local = datetime(
                day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60)
            )
            at = local.replace(tzinfo=zone).astimezone(UTC)
            if start <= at < start + timedelta(days=days):
                yield at


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: exact, and fast enough for tens a day."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _stay(rng: random.Random, detainer: bool) -> timedelta:
    if detainer:
        median, sigma = HOLD_STAY
    else:
        _, median, sigma = rng.choices(STAY_MIX, [w for w, _, _ in STAY_MIX])[0]
    return timedelta(days=rng.lognormvariate(math.log(median), sigma))


def _booking(
    rng: random.Random, jail: Jail, booking_id: str, booked: datetime, knobs: Knobs
) -> Iterator[tuple[datetime, dict[str, Any]]]:
    zone = ZoneInfo(jail.zone)
    seq = iter(range(1, 100))

    def event(type_: str, at: datetime, data: dict[str, Any]) -> tuple[datetime, dict[str, Any]]:
        at = at.replace(microsecond=0)
        return at, {
            "specversion": "1.0",
            "id": f"{booking_id}-e{next(seq)}",
            "source": jail.source,
            "type": type_,
            "time": at.astimezone(zone).isoformat(),
            "agency": jail.agency,
            "subject": booking_id,
            "datacontenttype": "application/json",
            "data": data,
        }

    detainer = rng.random() < knobs.detainer_rate
    stay = _stay(rng, detainer) * knobs.stay_scale
    eligible = booked + stay
    code, description, level = rng.choice(CHARGES)
    yield event(
        "booking.created",
        booked,
        {
            "facility": jail.facility,
            "timezone": jail.zone,
            "person": {"person_id": f"P-{rng.getrandbits(48):012x}"},
            "charges": [
                {
                    "charge_id": f"{booking_id}-c1",
                    "code": code,
                    "description": description,
                    "level": level,
                }
            ],
        },
    )
    release_to = "public"
    released = eligible
    if detainer:
        detainer_id = f"D-{booking_id}"
        received = booked + min(stay / 2, timedelta(hours=rng.uniform(1, 72)))
        warrant = _pick(rng, WARRANTS)
        basis = rng.choices([v for v, _ in PROBABLE_CAUSE], [w for _, w in PROBABLE_CAUSE])[0]
        office, district = OFFICES.get(jail.agency, ("ERO Los Angeles", "C.D. Cal."))
        form = "I-247A" if booked >= I247A_FROM else _pick(rng, FORMS_BEFORE_I247A)
        yield event(
            "detainer.received",
            received,
            {
                "detainer_id": detainer_id,
                "form": form,
                **({"form_revision": "02/17"} if form == "I-247A" else {}),
                "issuing_office": office,
                "issuing_district": district,
                "probable_cause": list(basis),
                "attached_warrant": warrant,
            },
        )
        if rng.random() < P_TRUTH_COPY:
            yield event(
                "truth.notice_given",
                received + timedelta(hours=rng.uniform(0.5, 12)),
                {"notice": "request_copy", "recipients": ["subject"], "detainer_id": detainer_id},
            )
        outcome = rng.random()
        if outcome < P_CANCELLED:
            yield event(
                "detainer.cancelled",
                received + (eligible - received) * rng.uniform(0.1, 0.9),
                {"detainer_id": detainer_id},
            )
        elif outcome < P_CANCELLED + P_RELEASED_TO_ICE:
            release_to = "ice"
            if rng.random() < P_RELEASE_DATE_NOTICE:
                yield event(
                    "ice.notified",
                    received + (eligible - received) * 0.8,
                    {"information": "release_date", "in_response_to": detainer_id},
                )
            if rng.random() < knobs.violation_rate:
                released = eligible + timedelta(hours=rng.uniform(1, 60))
    yield event(
        "release.eligible",
        eligible,
        {"reason": rng.choice(("bond_posted", "sentence_served", "charges_dropped"))},
    )
    data: dict[str, Any] = {"to": release_to}
    if release_to == "ice":
        data["receiving_agency"] = "ICE ERO"
    yield event("custody.released", released, data)


# --- the demo's live phase ----------------------------------------------------------------
#: The calibrated jail is quiet on a wall clock (at Pierce's rates a detainer comes every few
#: days), so a demo's live phase adds a trickle on the demo's own clock: each `interval`, one
#: person with a detainer becomes eligible for release and is kept for ICE a few intervals
#: more, and a few people without one come and go. Under a law that bars holds on a
#: detainer (the Values Act) each eligibility is a finding at once: with the default 30 s,
#: two eligibilities are never more than 48 s apart, so a minute always brings an alert.
LIVE_INTERVAL = timedelta(seconds=30)


def trickle(
    jail: Jail, start: datetime, duration: timedelta, seed: int, interval: timedelta = LIVE_INTERVAL
) -> list[dict[str, Any]]:
    """Live bookings in [start, start + duration): one eligibility on a detainer in each
    `interval` (somewhere in its middle three fifths), in event-time order."""
    rng = random.Random(f"trickle:{seed}:{jail.agency}")  # noqa: S311  (a simulation)
    zone = ZoneInfo(jail.zone)
    office, district = OFFICES.get(jail.agency, ("ERO Los Angeles", "C.D. Cal."))
    events: list[tuple[datetime, int, dict[str, Any]]] = []
    end = start + duration

    def add(booking_id: str, n: int, type_: str, at: datetime, data: dict[str, Any]) -> None:
        at = at.replace(microsecond=0)
        if at < end:
            events.append(
                (
                    at,
                    len(events),
                    {
                        "specversion": "1.0",
                        "id": f"{booking_id}-e{n}",
                        "source": jail.source,
                        "type": type_,
                        "time": at.astimezone(zone).isoformat(),
                        "agency": jail.agency,
                        "subject": booking_id,
                        "datacontenttype": "application/json",
                        "data": data,
                    },
                )
            )

    def booked(booking_id: str, at: datetime) -> None:
        code, description, level = rng.choice(CHARGES)
        charge = {"charge_id": f"{booking_id}-c1", "code": code, "description": description}
        add(
            booking_id,
            1,
            "booking.created",
            at,
            {
                "facility": jail.facility,
                "timezone": jail.zone,
                "person": {"person_id": f"P-{rng.getrandbits(48):012x}"},
                "charges": [charge | {"level": level}],
            },
        )

    count = 0
    for k in range(math.ceil(duration / interval)):
        window = start + interval * k
        due = window + interval * rng.uniform(0.2, 0.8)
        held = f"{jail.agency.upper()}-L{seed}-{count:06d}"
        count += 1
        booked(held, due - interval * 0.9)
        basis = rng.choices([v for v, _ in PROBABLE_CAUSE], [w for _, w in PROBABLE_CAUSE])[0]
        detainer = {
            "detainer_id": f"D-{held}",
            "form": "I-247A",
            "form_revision": "02/17",
            "issuing_office": office,
            "issuing_district": district,
            "probable_cause": list(basis),
            "attached_warrant": _pick(rng, WARRANTS),
        }
        add(held, 2, "detainer.received", due - interval * 0.6, detainer)
        if rng.random() < P_TRUTH_COPY:
            notice = {"notice": "request_copy", "recipients": ["subject"]}
            add(
                held,
                3,
                "truth.notice_given",
                due - interval * 0.4,
                notice | {"detainer_id": f"D-{held}"},
            )
        add(held, 4, "release.eligible", due, {"reason": "bond_posted"})
        released = due + interval * rng.uniform(2, 6)
        add(held, 5, "custody.released", released, {"to": "ice", "receiving_agency": "ICE ERO"})
        for _ in range(rng.randint(1, 3)):  # people without a detainer come and go
            free = f"{jail.agency.upper()}-L{seed}-{count:06d}"
            count += 1
            at = window + interval * rng.random()
            booked(free, at)
            out = at + interval * rng.uniform(1, 5)
            add(
                free,
                2,
                "release.eligible",
                out,
                {"reason": rng.choice(("bond_posted", "charges_dropped"))},
            )
            add(free, 3, "custody.released", out + interval * rng.uniform(0, 0.2), {"to": "public"})
    events.sort(key=lambda e: (e[0], e[1]))
    return [e for _, _, e in events]
