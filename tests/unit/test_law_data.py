"""Each jurisdiction's law as dated data, and the engine's profiles derived from it.

Properties over every law a jurisdiction ships: versions tile their dates, every duty
has a citation, a source and an evidence level; the profile the engine runs is the one
its data gives (so counsel reads what the engine does); a malformed law is refused.
"""

from __future__ import annotations

import importlib
import itertools
import re
from datetime import date

import pytest
from pydantic import ValidationError

from holdwatch.policy.ca import jurisdiction as ca
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.law import RULES, Duty, Law, Overlay, Version, profile_of
from holdwatch.policy.registry import BASES, JURISDICTIONS, resolve

LAWS: list[Law] = [
    law
    for j in JURISDICTIONS
    for law in vars(importlib.import_module(f"holdwatch.policy.{j.code}.law")).values()
    if isinstance(law, Law)
]
BY_ID = {law.id: law for law in LAWS}
OVERLAYS = [
    o
    for j in JURISDICTIONS
    for o in vars(importlib.import_module(f"holdwatch.policy.{j.code}.law")).values()
    if isinstance(o, Overlay)
]


def _duties() -> list[tuple[str, Duty]]:
    found = [(law.id, d) for law in LAWS for v in law.versions for d in v.duties]
    return found + [(o.id, d) for o in OVERLAYS for d in o.duties]


def test_every_profile_has_its_law_and_every_law_a_profile() -> None:
    assert sorted(BY_ID) == sorted(BASES)
    assert len(BY_ID) == len(LAWS)


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.id)
def test_versions_tile_their_dates_and_the_last_may_be_open(law: Law) -> None:
    versions = law.versions
    assert all(v.valid_to is not None for v in versions[:-1])
    for before, after in itertools.pairwise(versions):
        assert before.valid_to is not None
        assert (after.valid_from - before.valid_to).days == 1
    for v in versions:
        assert v.valid_to is None or v.valid_to >= v.valid_from


@pytest.mark.parametrize(
    ("owner", "duty"), _duties(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_duty_has_a_citation_a_source_and_an_evidence_level(owner: str, duty: Duty) -> None:
    assert duty.citation.strip() and duty.source.strip() and duty.text.strip()
    assert duty.evidence in ("verified", "secondary", "inferred")
    assert duty.rule in RULES[duty.subject]


@pytest.mark.parametrize("spec", sorted(BASES))
def test_the_engine_runs_the_profile_its_law_gives(spec: str) -> None:
    law = BY_ID[spec]
    profile = resolve(spec).profile
    assert profile == profile_of(law, EVERYWHERE)
    assert resolve(spec).label == f"{law.id}@{law.versions[-1].valid_from.isoformat()}"
    for i, version in enumerate(law.versions):
        edition = profile.at(i)
        assert edition.label == f"{law.id}@{version.valid_from.isoformat()}"
        assert edition.hold_citation == version.hold.citation
        assert (edition.version, edition.effective_to) == (version.valid_from, version.valid_to)
        levels = dict(edition.evidence)
        for duty in version.duties:
            assert all(c in levels for c in duty.codes)
        assert levels.get(version.hold.codes[0]) == version.hold.evidence


def test_the_overlay_the_engine_applies_is_its_data() -> None:
    local = resolve("ca-sb54+lasd-2020").profile.local
    assert local == ca.LASD_2020
    assert local is not None
    assert local.bars_release_notification and local.transfer_requires_judicial_warrant
    assert local.version == date(2020, 4, 24)


def test_the_hold_regime_follows_the_hold_duty() -> None:
    law = BY_ID["ca-sb54"]
    (version,) = law.versions
    window = version.hold.model_copy(update={"rule": "window"})
    duties = tuple(window if d.subject == "hold" else d for d in version.duties)
    changed = law.model_copy(update={"versions": (version.model_copy(update={"duties": duties}),)})
    assert profile_of(law).hold_regime == "zero"
    assert profile_of(changed).hold_regime == "window"
    assert profile_of(BY_ID["ca-trust-2014"]).hold_regime == "criteria"
    assert profile_of(law).judicial_warrant_condition
    assert not profile_of(BY_ID["ca-cdcr"]).judicial_warrant_condition


def test_a_duty_dated_inside_its_version_guards_its_rule() -> None:
    (version,) = BY_ID["ca-trust-2014"].versions
    dated = [d.subject for d in version.duties if d.operative_from == date(2017, 1, 1)]
    assert dated == ["request_copy", "release_notice", "interview"]
    names = [getattr(r, "__name__", "") for r in ca.TRUST_2014.rules]
    assert names[1:4] == [
        "copy_rule_from_2017-01-01",
        "release_notice_rule_from_2017-01-01",
        "interview_rule_from_2017-01-01",
    ]


DUTY = {
    "subject": "hold",
    "rule": "barred",
    "text": "No holds.",
    "citation": "Test Code §1",
    "source": "the test",
    "evidence": "verified",
}


def _version(start: date, end: date | None, **duty: object) -> Version:
    return Version(
        valid_from=start,
        valid_to=end,
        title="t",
        sources=("s",),
        duties=(Duty.model_validate({**DUTY, **duty}),),
    )


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Duty.model_validate({**DUTY, "rule": "required"}), "rule"),
        (lambda: Duty.model_validate({**DUTY, "evidence": "recollection"}), "evidence"),
        (lambda: Duty.model_validate({**DUTY, "citation": ""}), "citation"),
        (lambda: Duty.model_validate({**DUTY, "codes": ["NOT_A_CODE"]}), "codes"),
        (lambda: _version(date(2020, 1, 2), date(2020, 1, 1)), "valid_to"),
        (lambda: _version(date(2020, 1, 1), None, operative_from=date(2020, 1, 1)), "operative"),
        (
            lambda: Law(
                id="zz",
                zone="UTC",
                versions=(
                    _version(date(2020, 1, 1), date(2020, 6, 30)),
                    _version(date(2020, 7, 2), None),
                ),
            ),
            "gap or overlap",
        ),
        (
            lambda: Law(
                id="zz",
                zone="UTC",
                versions=(
                    _version(date(2020, 1, 1), date(2020, 6, 30)),
                    _version(date(2020, 6, 30), None),
                ),
            ),
            "gap or overlap",
        ),
        (
            lambda: Version(
                valid_from=date(2020, 1, 1),
                title="t",
                sources=("s",),
                duties=(Duty.model_validate(DUTY), Duty.model_validate(DUTY)),
            ),
            "exactly one hold duty",
        ),
    ],
)
def test_a_malformed_law_is_refused_naming_the_field(build: object, field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        build()  # type: ignore[operator]


def test_a_law_with_several_versions_gives_one_profile_per_version() -> None:
    two = Law(
        id="zz",
        zone="UTC",
        versions=(_version(date(2020, 1, 1), date(2020, 6, 30)), _version(date(2020, 7, 1), None)),
    )
    profile = profile_of(two)
    assert profile.label == "zz@2020-07-01"
    assert [profile.at(i).label for i in range(2)] == ["zz@2020-01-01", "zz@2020-07-01"]
    assert [profile.at(i).effective_to for i in range(2)] == [date(2020, 6, 30), None]
    days = [date(2019, 12, 31), date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1)]
    assert [profile.edition_index(d) for d in days] == [0, 0, 0, 1]


def test_a_law_the_engine_cannot_run_says_so() -> None:
    warrant_only = Law(
        id="zz",
        zone="UTC",
        versions=(_version(date(2017, 7, 24), None, rule="judicial_warrant"),),
    )
    with pytest.raises(ValueError, match="no hold regime 'judicial_warrant'"):
        profile_of(warrant_only)


@pytest.mark.parametrize(
    ("owner", "duty"), _duties(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_a_duty_the_engine_does_not_check_says_so(owner: str, duty: Duty) -> None:
    """A duty that requires or bars something and raises no code is marked, never silent."""
    if duty.codes or duty.rule == "allowed":
        return
    assert re.search(r"REVIEW|[Nn]ot check|does not check", duty.text), owner


@pytest.mark.parametrize("spec", sorted(BASES))
def test_the_versions_the_engine_runs_tile_their_dates(spec: str) -> None:
    profile = resolve(spec).profile
    count = len(profile.editions) or 1
    editions = [profile.at(i) for i in range(count)]
    for before, after in itertools.pairwise(editions):
        assert before.effective_to is not None
        assert (after.version - before.effective_to).days == 1
        assert profile.edition_index(before.effective_to) == editions.index(before)
        assert profile.edition_index(after.version) == editions.index(after)
    assert editions[-1].effective_to == profile.last_day
    assert editions[0].version == profile.first_day


@pytest.mark.parametrize("spec", sorted(BASES))
def test_every_code_a_version_raises_has_an_evidence_level(spec: str) -> None:
    profile = resolve(spec).profile
    for i in range(len(profile.editions) or 1):
        levels = dict(profile.at(i).evidence)
        assert levels, spec
        assert set(levels.values()) <= {"verified", "secondary", "inferred"}
