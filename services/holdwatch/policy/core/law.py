"""A jurisdiction's law as dated data: versions, and the duties each version sets.

Each jurisdiction package keeps its law in one module of data (`ca/law.py`, …) that counsel
can read without reading the rules: for every version its dates, and for every duty what
the law requires, where it says so, where that text was read and how sure we are of it
(`verified` from the text, a `secondary` source, or `inferred`, our reading). The engine's
`Profile` is derived from it (`profile_of`), so what the engine runs and what counsel reads
cannot drift. Models are pydantic, so the same schema can validate a data file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from holdwatch.domain.findings import Code
from holdwatch.policy.core.profile import Edition, Evidence, HoldRegime, LocalPolicy, Profile

__all__ = ["Duty", "Evidence", "Law", "Overlay", "Version", "local_policy_of", "profile_of"]
Subject = Literal[
    "hold",  # custody past release on a detainer
    "honor_detainer",  # a state duty to comply with the detainer's requests
    "inform",  # telling the person they are held on a detainer
    "release_notification",  # telling immigration authorities a release date
    "personal_information",
    "transfer",  # handing the person to immigration authorities
    "interview",  # immigration interviews and consent
    "request_copy",  # a copy of the request to the person
    "release_notice",  # the release notification, copied to the person and counsel
    "agreement_287g",  # 287(g) / Warrant Service Officer agreements and activity
    "civil_warrant_arrest",
    "reporting",
    "advisory",  # what counsel is told to look at; no duty of the jail
    "release_timing",  # how soon release must follow eligibility (no delay for ICE)
    "status_check",  # a nationality or immigration-status check owed on each booking
    "charge_in_force",  # a state crime on the books but enjoined, or not yet in force
]
#: What each subject's `rule` may say.
RULES: dict[str, frozenset[str]] = {
    "hold": frozenset({"barred", "judicial_warrant", "criteria", "window", "no_state_authority"}),
    "honor_detainer": frozenset({"required"}),
    "inform": frozenset({"required", "status_rights"}),
    "release_notification": frozenset({"allowed", "criteria", "barred", "unsettled", "required"}),
    "personal_information": frozenset({"allowed", "public_only"}),
    "transfer": frozenset({"allowed", "judicial_warrant", "judicial_warrant_or_criteria"}),
    "interview": frozenset({"allowed", "written_consent", "court_order_or_consent"}),
    "request_copy": frozenset({"required"}),
    "release_notice": frozenset({"required"}),
    "agreement_287g": frozenset({"banned", "allowed", "required"}),
    "civil_warrant_arrest": frozenset({"banned"}),
    "reporting": frozenset({"annual", "quarterly", "monthly", "per_refusal"}),
    "advisory": frozenset({"flag"}),
    "release_timing": frozenset({"no_immigration_delay", "time_limit"}),
    "status_check": frozenset({"required"}),
    "charge_in_force": frozenset({"enjoined"}),
}
_HOLD_REGIME: dict[str, HoldRegime] = {
    "barred": "zero",
    "criteria": "criteria",
    "window": "window",
    "no_state_authority": "no_state_authority",
}
_FROZEN = ConfigDict(frozen=True, extra="forbid", strict=True)


class Duty(BaseModel):
    """One thing the law requires or bars, as the engine reads it."""

    model_config = _FROZEN

    subject: Subject
    rule: str
    text: str = Field(min_length=1)  # plain words, for counsel
    citation: str = Field(min_length=1)
    source: str = Field(min_length=1)  # where the text was read
    evidence: Evidence
    #: the codes the engine raises on it (none: documented, not checked)
    codes: tuple[Code, ...] = ()
    #: a duty that starts inside its version applies to bookings made from this day
    operative_from: date | None = None

    @model_validator(mode="after")
    def _rule_fits_subject(self) -> Duty:
        allowed = RULES[self.subject]
        if self.rule not in allowed:
            raise ValueError(f"rule: must be one of {', '.join(sorted(allowed))}")
        return self


class Version(BaseModel):
    """The law in force from `valid_from` to `valid_to` (inclusive; None: still in force)."""

    model_config = _FROZEN

    valid_from: date
    valid_to: date | None = None
    title: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    duties: tuple[Duty, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_hold_duty_within_dates(self) -> Version:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to: must not be before valid_from")
        if sum(d.subject == "hold" for d in self.duties) != 1:
            raise ValueError("duties: a version states exactly one hold duty")
        for day in (d.operative_from for d in self.duties):
            after_end = day is not None and self.valid_to is not None and day > self.valid_to
            if day is not None and (day <= self.valid_from or after_end):
                raise ValueError("operative_from: must fall inside the version, after its start")
        return self

    def duty(self, subject: Subject) -> Duty | None:
        return next((d for d in self.duties if d.subject == subject), None)

    @property
    def hold(self) -> Duty:
        return next(d for d in self.duties if d.subject == "hold")


class Law(BaseModel):
    """A profile's law: its id, where it applies, and its versions in date order."""

    model_config = _FROZEN

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    zone: str
    #: two-letter state whose holidays may also count in legacy windows
    state: str | None = None
    versions: tuple[Version, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _versions_tile(self) -> Law:
        for before, after in pairwise(self.versions):
            if before.valid_to is None or before.valid_to + timedelta(days=1) != after.valid_from:
                raise ValueError("versions: must follow one another without gap or overlap")
        return self


class Overlay(BaseModel):
    """A local law or policy stricter than its state's (a sheriff's policy, an ordinance)."""

    model_config = _FROZEN

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    applies_to: str
    valid_from: date
    duties: tuple[Duty, ...] = Field(min_length=1)


def edition_of(law: Law, version: Version, shared: tuple[Duty, ...] = ()) -> Edition:
    """What the engine reads of one version: its hold regime, citations, evidence levels."""
    hold = version.hold
    if hold.rule not in _HOLD_REGIME:
        raise ValueError(f"profile: {law.id}: the engine has no hold regime {hold.rule!r}")
    transfer = version.duty("transfer")
    evidence: dict[str, Evidence] = {}
    for duty in (hold, *version.duties, *shared):  # the hold duty first: it owns REVIEW
        for code in duty.codes:
            evidence.setdefault(code, duty.evidence)
    return Edition(
        version=version.valid_from,
        effective_to=version.valid_to,
        title=version.title,
        sources=version.sources,
        hold_regime=_HOLD_REGIME[hold.rule],
        hold_citation=hold.citation,
        judicial_warrant_condition=transfer is not None
        and transfer.rule in ("judicial_warrant", "judicial_warrant_or_criteria"),
        evidence=tuple(evidence.items()),
    )


def profile_of(law: Law, shared: tuple[Duty, ...] = ()) -> Profile:
    """The engine's profile for a law: its latest version, and every version when there are
    several (the engine judges each act by the one in force at its instant, `Profile.at`).
    `shared` are the duties every profile also applies (the federal advisories)."""
    editions = tuple(edition_of(law, v, shared) for v in law.versions)
    profile = Profile(
        id=law.id,
        version=editions[-1].version,
        title=editions[-1].title,
        zone=law.zone,
        sources=editions[-1].sources,
        hold_regime=editions[-1].hold_regime,
        hold_citation=editions[-1].hold_citation,
        state=law.state,
        editions=editions if len(editions) > 1 else (),
    )
    return profile.at(len(editions) - 1) if len(editions) > 1 else _single(profile, editions[0])


def _single(profile: Profile, e: Edition) -> Profile:
    return replace(
        profile,
        effective_to=e.effective_to,
        judicial_warrant_condition=e.judicial_warrant_condition,
        evidence=e.evidence,
    )


def local_policy_of(overlay: Overlay) -> LocalPolicy:
    """The engine's view of an overlay: which state-allowed acts it bars."""
    notify = next((d for d in overlay.duties if d.subject == "release_notification"), None)
    transfer = next((d for d in overlay.duties if d.subject == "transfer"), None)
    citations = dict.fromkeys(d.citation for d in overlay.duties)
    if len(citations) != 1:
        raise ValueError(f"profile: overlay {overlay.id} must cite one policy")
    return LocalPolicy(
        id=overlay.id,
        version=overlay.valid_from,
        citation=next(iter(citations)),
        bars_release_notification=notify is not None and notify.rule == "barred",
        transfer_requires_judicial_warrant=transfer is not None
        and transfer.rule == "judicial_warrant",
    )
