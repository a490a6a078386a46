"""The rulebook counsel reads, built from the law data the engine runs (`holdwatch law`).

Every id comes from the profile registry; the data behind it from its jurisdiction's
`policy/<code>/law.py` (each `Law` and `Overlay` there, found by id). Versions, duties and
their fields are walked generically: a field this module does not know is shown by name,
so new jurisdictions and new data appear without a change here. The result is plain
strings for a renderer (`rulebook_render`) to escape.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel

from holdwatch.app.code_instants import hours, when
from holdwatch.policy.core.law import Duty, Law, Overlay, Version
from holdwatch.policy.core.profile import Profile
from holdwatch.policy.core.rulebook import Jurisdiction, Rulebook
from holdwatch.policy.registry import JURISDICTIONS, OVERLAY_STATES, REGISTRY, Registry
from holdwatch.policy.us.law import EVERYWHERE

EVIDENCE = {
    "verified": "verified from the text",
    "secondary": "secondary source",
    "inferred": "inferred",
}
SUBJECTS = {
    "hold": "Hold on a detainer",
    "honor_detainer": "Honoring the detainer",
    "inform": "Telling the person of the hold",
    "release_notification": "Release-date notification to immigration authorities",
    "personal_information": "Personal information to immigration authorities",
    "transfer": "Transfer to immigration authorities",
    "interview": "Immigration interviews",
    "request_copy": "Copy of the request to the person",
    "release_notice": "Release notification copied to the person and counsel",
    "agreement_287g": "287(g) and Warrant Service Officer agreements",
    "civil_warrant_arrest": "Arrest on a civil immigration warrant",
    "reporting": "Reporting",
    "advisory": "For counsel",
    "status_check": "Nationality and immigration-status check",
    "charge_in_force": "State immigration crimes not in force",
    "release_timing": "Release timing",
}
RULES = {
    "barred": "barred",
    "judicial_warrant": "only with a judicial warrant",
    "criteria": "only when the criteria are met",
    "window": "within the detainer's window",
    "no_state_authority": "no state authority",
    "judicial_warrant_or_criteria": "only with a judicial warrant or when the criteria are met",
    "public_only": "public information only",
    "written_consent": "only with written consent",
    "annual": "every year",
    "quarterly": "every quarter",
    "per_refusal": "for each refusal",
    "flag": "flagged",
    "no_immigration_delay": "no delay for immigration enforcement",
    "time_limit": "within a time limit",
    "unsettled": "unsettled, each one flagged for counsel",
}
HOLD_WINDOWS = {
    "zero": "none: custody past release on a detainer is barred from its first minute",
    "window": "the detainer's own: 48 elapsed hours past release for an I-247A; 48 hours "
    "excluding Saturdays, Sundays and holidays for an I-247 (8 C.F.R. §287.7(d)); none for a "
    "form that does not ask for custody (HOLD_NOT_REQUESTED from release)",
    "criteria": "only when the criteria are met ({condition}), then the detainer's own window",
    "no_state_authority": "none: officers have no state-law authority to hold on a civil "
    "detainer, so custody past release on one is unlawful from its first minute; a judge's "
    "warrant is a basis",
}
_KNOWN = {
    Law: {"id", "zone", "state", "versions"},
    Overlay: {"id", "applies_to", "valid_from", "valid_to", "duties"},
    Version: {"valid_from", "valid_to", "title", "sources", "duties"},
    Duty: {"subject", "rule", "text", "citation", "source", "evidence", "codes", "operative_from"},
}

Kind = Literal["profile", "overlay"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One registry id: a profile or an overlay, its jurisdiction and its data if any."""

    id: str
    kind: Kind
    jurisdiction: str
    data: Law | Overlay | None
    note: str = ""  # what an overlay without data does

    @property
    def spans(self) -> tuple[tuple[date, date | None], ...]:
        """Each version's first and last day (None: still in force)."""
        if isinstance(self.data, Overlay):
            return ((self.data.valid_from, getattr(self.data, "valid_to", None)),)
        return tuple((v.valid_from, v.valid_to) for v in _versions(self.data))

    @property
    def dates(self) -> tuple[str, ...]:
        """Each version's dates, `2014-01-01 to 2017-12-31` or `from 2018-01-01`."""
        return tuple(span(start, end) for start, end in self.spans)


@dataclass(frozen=True, slots=True)
class DutyView:
    heading: str
    text: str
    facts: tuple[tuple[str, str], ...]  # (label, value), in reading order
    engine: tuple[tuple[str, str], ...]  # (code, at which instant)
    in_force: bool = True


@dataclass(frozen=True, slots=True)
class Section:
    """A version, an overlay, or the duties every profile applies."""

    heading: str
    facts: tuple[tuple[str, str], ...]
    duties: tuple[DutyView, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Book:
    spec: str
    on: date | None
    parameters: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]


def span(start: date, end: date | None) -> str:
    return f"from {start.isoformat()}" if end is None else f"{start} to {end}"


def _versions(data: Law | Overlay | None) -> tuple[Version, ...]:
    return data.versions if isinstance(data, Law) else ()


def _law_data(code: str) -> Mapping[str, Law | Overlay]:
    """Every `Law` and `Overlay` the jurisdiction package's `law` module defines, by id."""
    try:
        module = importlib.import_module(f"holdwatch.policy.{code}.law")
    except ModuleNotFoundError:
        return {}
    return {v.id: v for v in vars(module).values() if isinstance(v, Law | Overlay)}


def entries(
    registry: Registry = REGISTRY,
    jurisdictions: Iterable[Jurisdiction] = JURISDICTIONS,
    laws: Iterable[Law | Overlay] = (),
) -> tuple[Entry, ...]:
    """Every profile id, then every overlay name, of the registry, in name order.

    The data of each comes from its jurisdiction's `law` module, or from `laws`.
    """
    owner: dict[str, str] = {}
    data: dict[str, Law | Overlay] = {}
    for j in jurisdictions:
        name = j.code.rstrip("_")  # Oregon's package is `or_`: `or` is a Python keyword
        owner |= {rb.profile.id: name for rb in j.rulebooks} | dict.fromkeys(j.overlays, name)
        data |= _law_data(j.code)
    given = {law.id: law for law in laws}
    data |= given
    owner |= {i: "local" for i, law in given.items() if isinstance(law, Overlay)}
    states = {f"state-{s.lower()}": s for s in OVERLAY_STATES}
    out = [
        Entry(pid, "profile", owner.get(pid, "?"), data.get(pid)) for pid in sorted(registry.bases)
    ]
    for name in sorted(registry.overlays):
        state = states.get(name)
        note = (
            f"adds {state}'s state holidays to the legacy 48-hour window's calendar"
            if state
            else ""
        )
        where = state.lower() if state else owner.get(name, "?")
        out.append(Entry(name, "overlay", where, data.get(name), note))
    return tuple(out)


def _plain(value: object) -> str:
    if isinstance(value, tuple | list):
        return "; ".join(_plain(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return _plain(tuple(f"{k}: {_plain(v)}" for k, v in value))
    return str(value)


def _extra(model: BaseModel) -> tuple[tuple[str, str], ...]:
    """Fields the renderer has no words for, by name, when set (new data shows as is)."""
    known = next((names for cls, names in _KNOWN.items() if isinstance(model, cls)), set())
    fields = type(model).model_fields
    return tuple(
        (name.replace("_", " ").capitalize(), _plain(getattr(model, name)))
        for name, info in fields.items()
        if name not in known and getattr(model, name) != info.default
    )


def _duty(
    d: Duty, start: date | None, end: date | None, on: date | None, profile: Profile
) -> DutyView:
    """A duty of a version from `start` to `end` (`start` None: of every profile)."""
    begins = d.operative_from or start
    valid = "with every profile and version" if begins is None else span(begins, end)
    if d.operative_from is not None:
        valid += f" (for bookings made from {d.operative_from.isoformat()})"
    in_force = on is None or begins is None or begins <= on
    if not in_force:
        valid += f"; not yet operative on {on}"
    subject = SUBJECTS.get(d.subject, d.subject.replace("_", " ").capitalize())
    rule = RULES.get(d.rule, d.rule.replace("_", " "))
    facts = (
        ("Citation", d.citation),
        ("Source", d.source),
        ("Evidence", EVIDENCE.get(d.evidence, d.evidence)),
        ("Valid", valid),
        *_extra(d),
    )
    engine = tuple((c, when(d.subject, c, profile.params)) for c in d.codes)
    what = ", ".join(d.codes) if d.rule == "flag" and d.codes else rule  # advisories: by code
    return DutyView(f"{subject}: {what}", d.text, facts, engine, in_force)


def _in_force(start: date, end: date | None, on: date | None) -> bool:
    return on is None or (start <= on and (end is None or on <= end))


def _law_sections(law: Law, profile: Profile, on: date | None) -> list[Section]:
    sections = []
    for v in law.versions:
        if not _in_force(v.valid_from, v.valid_to, on):
            continue
        facts = (
            ("In force", span(v.valid_from, v.valid_to)),
            ("Sources", "; ".join(v.sources)),
            *_extra(v),
        )
        duties = tuple(_duty(d, v.valid_from, v.valid_to, on, profile) for d in v.duties)
        sections.append(Section(f"{law.id}@{v.valid_from}: {v.title}", facts, duties))
    if not sections:
        dates = ", ".join(span(v.valid_from, v.valid_to) for v in law.versions)
        note = f"No version of {law.id} was in force on {on}; its versions: {dates}."
        sections.append(Section(law.id, (), (), note))
    return sections


def _overlay_section(entry: Entry, profile: Profile, on: date | None) -> Section:
    overlay = entry.data
    if not isinstance(overlay, Overlay):
        note = entry.note[:1].upper() + entry.note[1:] + "." if entry.note else "No law data."
        return Section(f"Overlay {entry.id}", (), (), note)
    end: date | None = getattr(overlay, "valid_to", None)
    facts = (
        ("Applies to", overlay.applies_to),
        ("In force", span(overlay.valid_from, end)),
        *_extra(overlay),
    )
    if not _in_force(overlay.valid_from, end, on):
        note = f"Not in force on {on}."
        return Section(f"Overlay {overlay.id}", facts, (), note)
    duties = tuple(_duty(d, overlay.valid_from, end, on, profile) for d in overlay.duties)
    return Section(f"Overlay {overlay.id}", facts, duties)


def _parameters(rulebook: Rulebook, law: Law | None) -> tuple[tuple[str, str], ...]:
    p = rulebook.profile
    window = HOLD_WINDOWS.get(p.hold_regime, p.hold_regime)
    if rulebook.criteria is not None:
        window = window.format(condition=rulebook.criteria.condition)
    calendar = "federal holidays" + (f", and {p.state}'s as another reading" if p.state else "")
    grace = p.params.hold_grace
    gonzalez = f"{p.params.gonzalez_from} to {p.params.gonzalez_to}"
    settlement = (
        f"{p.params.gonzalez_settlement_from} to {p.params.gonzalez_settlement_to} (end "
        f"excluded); covered offices: {', '.join(p.params.gonzalez_settlement_offices)}"
    )
    cap = (
        ()
        if rulebook.limit is None
        else (("State cap", f"{rulebook.limit.limit_citation}, from {rulebook.limit.valid_from}"),)
    )
    return (
        ("Zone", law.zone if law is not None else p.zone),
        ("Hold window", window),
        ("Legacy window calendar", calendar),
        ("Warning lead", f"{hours(p.params.warning_lead)} before a hold deadline (live only)"),
        ("Hold grace", "none" if grace == timedelta(0) else hours(grace)),
        ("TRUTH Act service level", hours(p.params.truth_sla)),
        ("Gonzalez injunction window", gonzalez),
        ("Gonzalez settlement window", settlement),
        *cap,
        *(_extra(law) if law is not None else ()),
    )


def book(
    spec: str,
    on: date | None = None,
    registry: Registry = REGISTRY,
    jurisdictions: Iterable[Jurisdiction] = JURISDICTIONS,
    laws: Iterable[Law | Overlay] = (),
) -> Book:
    """The rulebook of `spec` (a profile id, overlays joined with `+`), as of `on` or whole.

    Raises ValueError naming the unknown profile or overlay and the known ones.
    """
    rulebook = registry.resolve(spec)
    by_id = {e.id: e for e in entries(registry, jurisdictions, laws)}
    base_id, *names = spec.strip().split("+")
    base = by_id[base_id]
    sections: list[Section] = []
    law = base.data if isinstance(base.data, Law) else None
    if law is None:
        sections.append(Section(base_id, (), (), "No law data."))
    else:
        sections += _law_sections(law, rulebook.profile, on)
    sections += [_overlay_section(by_id[n], rulebook.profile, on) for n in names]
    everywhere = tuple(_duty(d, None, None, on, rulebook.profile) for d in EVERYWHERE)
    sections.append(Section("In every profile: federal law and ICE policy", (), everywhere))
    return Book(spec.strip(), on, _parameters(rulebook, law), tuple(sections))
