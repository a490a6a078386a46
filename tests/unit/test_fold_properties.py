"""Properties of the fold and the evaluator over generated valid histories (hypothesis).

- the fold is order-independent: any arrival order gives the same state;
- it is idempotent: repeats of (source, id) change nothing;
- `evaluate` never raises on a valid history, under every profile, at any instant: also
  when the history's instants sit on the contract's first and last years and the
  evaluation instant lies anywhere a `datetime` can.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import fold
from holdwatch.domain.events import Event
from holdwatch.domain.findings import Finding
from holdwatch.domain.instants import FIRST_YEAR, LAST_YEAR
from holdwatch.policy.core.approaching import approaching
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.registry import BASES, resolve

BASE = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)
ZONES = ["America/Los_Angeles", "America/Chicago", "America/New_York", "Pacific/Honolulu"]
#: The zones furthest from UTC each way, where a reading of an extreme instant overflows.
EDGE_ZONES = [*ZONES, "Pacific/Kiritimati", "Etc/GMT-14", "Etc/GMT+12"]
CODES = ["PC 148(a)(1)", "PC 459", "PC 487", "PC 245(a)(1)", "PC 459.5", "HS 11350", "PC 9999"]


OFFSETS = [timedelta(hours=h) for h in (0, -8, -7, -5)]
#: The contract's first and last instants are read in the offset they are written in.
EDGE_OFFSETS = [timedelta(0), timedelta(hours=14), timedelta(hours=-12), timedelta(hours=5.5),
                timedelta(hours=23, minutes=59), -timedelta(hours=23, minutes=59)]  # fmt: skip
FIRST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LAST = datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def _written(at: datetime, offset: timedelta) -> str:
    """`at` as written in `offset`, moved onto the contract's bound if its year is outside."""
    tz = UTC if not offset else timezone(offset)
    local = at.astimezone(tz)
    if local.year < FIRST_YEAR:
        local = FIRST.replace(tzinfo=tz)
    elif local.year > LAST_YEAR:
        local = LAST.replace(tzinfo=tz)
    return local.isoformat()


@st.composite
def histories(
    draw: st.DrawFn,
    base: datetime = BASE,
    offsets: list[timedelta] = OFFSETS,
    zones: list[str] = ZONES,
) -> list[Event]:
    def _time(minutes: int, offset: timedelta) -> str:
        return _written(base + timedelta(minutes=minutes), offset)

    n = draw(st.integers(min_value=1, max_value=12))
    offset = draw(st.sampled_from(offsets))
    first_day, last_day = max(FIRST, base - timedelta(days=40 * 365)), min(LAST, base)
    detainer_ids = ["D1", "D2"]
    raw: list[dict[str, Any]] = []
    for i in range(n):
        minutes = draw(st.integers(min_value=-3000, max_value=6000))
        kind = draw(
            st.sampled_from(
                [
                    "booking.created", "release.eligible", "release.eligibility_revoked",
                    "detainer.received", "detainer.cancelled", "warrant.received",
                    "truth.notice_given", "ice.notified", "ice.interview", "citizenship.claimed",
                    "magistrate.held_to_answer", "custody.released", "release.scheduled",
                    "wso.activity",
                ]
            )
        )  # fmt: skip
        data: dict[str, Any]
        if kind == "booking.created":
            data = {
                "facility": "F",
                "timezone": draw(st.sampled_from(zones)),
                "person": {"person_id": "p"},
                "prior_convictions": [
                    {
                        "code": draw(st.sampled_from(CODES)),
                        "level": draw(st.sampled_from(["felony", "misdemeanor"])),
                        "convicted_on": draw(
                            st.dates(first_day.date(), last_day.date())
                        ).isoformat(),
                    }
                    for _ in range(draw(st.integers(0, 2)))
                ],
                "registrant": draw(st.sampled_from([None, True, False])),
            }
        elif kind == "release.eligible":
            data = {"reason": draw(st.sampled_from(["bond_posted", "charges_dropped", "other"]))}
        elif kind == "release.eligibility_revoked":
            data = {"reason": "new charge"}
        elif kind == "detainer.received":
            data = {
                "detainer_id": draw(st.sampled_from(detainer_ids)),
                "form": draw(
                    st.sampled_from(
                        ["I-247A", "I-247", "I-247D", "I-247N", "I-247X", "I-203", "other"]
                    )
                ),
                "probable_cause": draw(
                    st.lists(
                        st.sampled_from(["final_order", "biometric_database", "statements"]),
                        max_size=2,
                        unique=True,
                    )
                ),
                "attached_warrant": draw(st.sampled_from(["I-200", "I-205", "none", None])),
                "issuing_office": draw(st.sampled_from(["PERC", "ERO Houston", None])),
                "issued_at": draw(st.sampled_from([None, _time(minutes - 600, offset)])),
            }
        elif kind == "detainer.cancelled":
            data = {"detainer_id": draw(st.sampled_from(detainer_ids))}
        elif kind == "warrant.received":
            data = {
                "warrant_id": f"W{i}",
                "kind": draw(
                    st.sampled_from(
                        [
                            "judicial_criminal_immigration",
                            "judicial_probable_cause_determination",
                            "judicial_criminal_other",
                            "administrative",
                        ]
                    )
                ),
                "form": draw(st.sampled_from(["I-200", "I-205", None])),
            }
        elif kind == "truth.notice_given":
            data = {
                "notice": draw(
                    st.sampled_from(["request_copy", "release_notification", "interview_consent"])
                ),
                "recipients": draw(
                    st.lists(
                        st.sampled_from(["subject", "attorney", "designee"]),
                        min_size=1,
                        unique=True,
                    )
                ),
                "detainer_id": draw(st.sampled_from([None, *detainer_ids])),
                "intends_to_comply": draw(st.sampled_from([None, True, False])),
            }
        elif kind == "ice.notified":
            data = {
                "information": draw(
                    st.sampled_from(["release_date", "personal_information", "criminal_history"])
                ),
                "in_response_to": draw(st.sampled_from([None, *detainer_ids])),
                "publicly_available": draw(st.booleans()),
            }
        elif kind == "ice.interview":
            data = {"consent_form_given": draw(st.booleans()), "consented": draw(st.booleans())}
        elif kind == "citizenship.claimed":
            data = {
                "kind": draw(st.sampled_from(["us_citizen", "lawful_status"])),
                "evidence": draw(st.sampled_from([None, "passport"])),
            }
        elif kind == "magistrate.held_to_answer":
            data = {"charge_code": draw(st.sampled_from(CODES)), "categories": []}
        elif kind == "custody.released":
            data = {
                "to": draw(
                    st.sampled_from(
                        ["public", "ice", "cbp", "us_marshals", "other_agency", "hospital"]
                    )
                )
            }
        elif kind == "release.scheduled":
            data = {"expected_at": _time(minutes + 600, offset)}
        else:
            data = {
                "action": draw(
                    st.sampled_from(
                        ["agreement_signed", "officer_designated", "warrant_served", "arrest"]
                    )
                )
            }
        raw.append(
            {
                "specversion": "1.0", "id": f"e{i}", "source": "urn:test", "type": kind,
                "time": _time(minutes, offset), "subject": "B1", "agency": "a", "data": data,
            }
        )  # fmt: skip
    return [parse_event(json.dumps(e)) for e in raw]


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(histories(), st.randoms(use_true_random=False))
def test_fold_is_order_independent(events: list[Event], rnd: Any) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert fold(shuffled) == fold(events)


@SETTINGS
@given(histories(), st.randoms(use_true_random=False))
def test_fold_is_idempotent(events: list[Event], rnd: Any) -> None:
    repeated = events + rnd.sample(events, k=len(events))
    assert fold(repeated) == fold(events)


PROFILE_SPECS = [*BASES, "ca-sb54+lasd-2020", "us-federal-legacy+state-ca"]


@SETTINGS
@given(histories(), st.sampled_from(PROFILE_SPECS), st.integers(min_value=-4000, max_value=12000))
def test_evaluate_never_raises_and_is_deterministic(
    events: list[Event], spec: str, minutes: int
) -> None:
    state = fold(events)
    profile = resolve(spec)
    as_of = BASE + timedelta(minutes=minutes)
    first = evaluate(state, profile, as_of)
    again = evaluate(fold(reversed(events)), profile, as_of)
    assert first == again
    for finding in first.findings:
        assert finding.violation_at.utcoffset() is not None
        assert finding.violation_at <= as_of, f"{finding.code} {finding.rule} lies after as_of"
        if finding.ended_at is not None:
            assert finding.ended_at >= finding.violation_at
            assert finding.duration_seconds is not None and finding.duration_seconds >= 0
    ids = [f.finding_id for f in first.findings]
    assert len(ids) == len(set(ids)), "finding ids must be unique within a booking"
    for deadline in first.deadlines:
        assert deadline.at > as_of


#: Evaluation instants from one end of `datetime` to the other, in the extreme offsets.
EXTREME_AS_OF = st.sampled_from(
    [
        datetime.min.replace(tzinfo=timezone(timedelta(hours=14))),
        datetime.min.replace(tzinfo=UTC),
        datetime.max.replace(tzinfo=UTC),
        datetime.max.replace(tzinfo=timezone(-timedelta(hours=23, minutes=59))),
        FIRST.replace(tzinfo=timezone(timedelta(hours=14))),
        LAST.replace(tzinfo=timezone(-timedelta(hours=12))),
    ]
)


@SETTINGS
@given(
    st.sampled_from([FIRST, LAST]).flatmap(lambda b: histories(b, EDGE_OFFSETS, EDGE_ZONES)),
    st.sampled_from(PROFILE_SPECS),
    st.integers(min_value=-4000, max_value=12000),
    st.none() | EXTREME_AS_OF,
)
def test_evaluate_never_raises_at_the_edges_of_the_contract(
    events: list[Event], spec: str, minutes: int, extreme: datetime | None
) -> None:
    state = fold(events)
    profile = resolve(spec)
    base = min(e.time for e in events)
    as_of = extreme if extreme is not None else base + timedelta(minutes=minutes)
    result = evaluate(state, profile, as_of)
    assert result == evaluate(fold(reversed(events)), profile, as_of)
    warnings = approaching(state, profile, as_of, result.deadlines)
    for finding in (*result.findings, *warnings):
        assert finding.violation_at <= as_of
        assert Finding.model_validate_json(finding.model_dump_json()) == finding
    for deadline in result.deadlines:
        assert deadline.at > as_of
