"""The report's words: labels from the jurisdiction's own law, and a legend for every code
and category a report shows.

A measure that only one law asks for (a copy of the detainer for the person, the reporting
of transfers) is labelled with the citation of the profile's own duty, and plainly where
the profile has none, so a Washington jail's report never names a California statute. The
legend explains each code by the duties that raise it in the profile's law data (text,
citation, evidence, the instant the engine names) and each category by the contract's
vocabulary; only what no duty says (a code's one-line meaning, the words for a vocabulary
value) is written here, and a test keeps both complete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import get_args

from holdwatch.app.code_instants import when
from holdwatch.app.lawbook import EVIDENCE, entries
from holdwatch.domain.findings import Code, Kind
from holdwatch.domain.mutators import FORM_DEFAULT_REQUESTS
from holdwatch.domain.vocab import (
    AttachedWarrant,
    CitizenshipKind,
    DetainerForm,
    IceInformation,
    ProbableCause,
    TruthNotice,
)
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.law import Duty, Law, Overlay
from holdwatch.policy.core.rulebook import Rulebook

#: What each code finds, in one line (as the contract's table, schemas/README.md, says it).
MEANINGS: Mapping[str, str] = {
    "HOLD_BARRED": "custody past release eligibility on a detainer, where the law bars any "
    "such hold",
    "HOLD_OVER_WINDOW": "custody on a detainer past the window its form allows",
    "HOLD_NOT_ELIGIBLE": "a hold where the law then allowed one only after listed "
    "convictions, and there were none",
    "HOLD_AFTER_CANCEL": "custody on a detainer after ICE cancelled it",
    "TRANSFER_UNAUTHORIZED": "a hand-over to immigration authorities with no judicial "
    "warrant and no basis in the law or local policy",
    "TRANSFER_ON_7282_5B_ONLY": "a hand-over resting only on a magistrate's holding order",
    "NOTIFY_UNAUTHORIZED": "a release date or personal information given to ICE without a basis",
    "TRUTH_COPY_MISSING": "the person not given the detainer and the agency's intent in time "
    "(or, in Texas, not told of the hold)",
    "TRUTH_RELEASE_NOTICE_MISSING": "ICE told of a release the person and their attorney or "
    "designee were not told of",
    "TRUTH_INTERVIEW_NO_CONSENT": "an ICE interview without the written consent form, or "
    "without consent",
    "WSO_287G_BARRED": "Warrant Service Officer or 287(g) activity where barred",
    "CIVIL_WARRANT_ARREST": "an arrest on an administrative (civil) immigration warrant",
    "NO_ADMIN_WARRANT": "a detainer with no I-200 or I-205",
    "NO_JUDICIAL_WARRANT": "where the law conditions a hold or transfer on a judicial "
    "warrant: none on file at receipt",
    "GONZALEZ_DB_ONLY": "a detainer resting on a database check alone (Gonzalez v. ICE)",
    "USC_CLAIM": "a citizenship or status claim while a detainer is on file",
    "STATE_DUTY_NOT_HONORED": "where state law requires honoring detainers: a release without it",
    "DATA_QUALITY": "events that contradict each other, a booking record that never came, "
    "an offset that is not the jail's",
    "REVIEW": "a question the law or the record leaves open, for a person",
    "HOLD_DEADLINE_APPROACHING": "live only: a hold deadline is near; names it and the "
    "authority on file",
    "AGREEMENT_287G_MISSING": "about an agency (no booking): state law requires a 287(g) "
    "agreement and none is in force",
    "AGREEMENT_287G_TERMINATION_UNAPPROVED": "about an agency: a 287(g) agreement ended "
    "without the state approval the law requires",
    "STATUS_CHECK_LATE": "no nationality or immigration-status check recorded within the "
    "time state law allows after the booking",
    "ENJOINED_STATUTE_CHARGE": "a booking charge under a state immigration crime a court had "
    "barred the state from enforcing (an advisory)",
    "RELEASE_DELAYED_FOR_ICE": "release delayed past release eligibility for immigration "
    "officers (the person let go to them), where the law bars it even"
    " inside a release-time limit (Colorado SB25-276)",
    "RELEASE_TIME_LIMIT_EXCEEDED": "not released within the state's limit after a bond "
    "(Colorado: 6 elapsed hours)",
    "HOLD_WITHOUT_JUDICIAL_ORDER": "custody past release eligibility on a detainer without the "
    "judicial official's order the state requires (North Carolina)",
    "HOLD_NOT_REQUESTED": "custody past release eligibility when no detainer in force asks "
    "for custody (an I-247G, an I-247N, an I-247A with only the "
    "notice box), where the law does not bar the hold itself",
    "HOLD_NO_STATE_AUTHORITY": "custody past release eligibility on a civil detainer where the "
    "state's highest court held officers have no authority to hold on"
    " one (Massachusetts)",
    "GONZALEZ_SETTLEMENT_HOLD_REQUEST": "a detainer asking for custody from an office the "
    "Gonzalez v. ICE settlement covers, while it is in effect (an advisory)",
    "STATE_REPORT_DUE": "where state law has each refusal to honor a detainer reported "
    "(New Hampshire): a release that did not honor one (an advisory)",
}
KINDS: Mapping[str, str] = {
    "violation": "the record shows the law was broken",
    "advisory": "for counsel to look at: not itself a breach of the law",
    "review": "the law or the record leaves it open: a person must decide",
}
FORM_NAMES: Mapping[str, str] = {
    "I-247A": "Immigration Detainer – Notice of Action (DHS Form I-247A, 2017 on)",
    "I-247": "Immigration Detainer – Notice of Action (the legacy DHS Form I-247)",
    "I-247D": "Immigration Detainer – Request for Voluntary Action (DHS Form I-247D)",
    "I-247N": "Request for Voluntary Notification of Release (DHS Form I-247N)",
    "I-247G": "Immigration Detainer – notification only, no custody request (DHS Form I-247G)",
    "I-247X": "Request for Voluntary Transfer (DHS Form I-247X)",
    "I-203": "Order to Detain or Release (DHS Form I-203)",
    "other": "another or an unknown form",
}
REQUESTS: Mapping[str, str] = {
    "notify": "tell ICE the release date",
    "maintain_custody": "keep the person past release",
    "transfer": "hand the person to ICE",
}
WARRANTS: Mapping[str, str] = {
    "I-200": "an administrative arrest warrant (Form I-200), signed by an ICE officer",
    "I-205": "an administrative removal warrant (Form I-205), signed by an ICE officer",
    "none": "no warrant attached",
}
PROBABLE_CAUSE: Mapping[str, str] = {
    "final_order": "a final order of removal",
    "pending_proceedings": "removal proceedings under way",
    "biometric_database": "a match in a federal biometric database, with other records",
    "statements": "the person's own statements",
    "other_evidence": "other evidence",
    "none stated": "the detainer states no basis",
}
NOTICES: Mapping[str, str] = {
    "request_copy": "a copy of ICE's request given to the person",
    "release_notification": "the person (and counsel) told that ICE was given the release date",
    "interview_consent": "the consent form for an ICE interview given to the person",
}
INFORMATION: Mapping[str, str] = {
    "release_date": "a release date or time",
    "personal_information": "personal information (an address, a phone number, …)",
    "criminal_history": "criminal history",
}
CLAIMS: Mapping[str, str] = {
    "us_citizen": "a claim to be a United States citizen",
    "lawful_status": "a claim to lawful immigration status",
}
#: The vocabulary behind each counted section, the Literal that must have words for all.
VOCABULARIES: tuple[tuple[str, str, Mapping[str, str], object], ...] = (
    ("detainers_by_form", "Detainer forms", FORM_NAMES, DetainerForm),
    ("detainers_by_warrant", "Warrants attached to a detainer", WARRANTS, AttachedWarrant),
    (
        "detainers_by_basis",
        "Probable-cause bases (Form I-247A, box 1)",
        PROBABLE_CAUSE,
        ProbableCause,
    ),
    ("truth_notices", "Notices to the person", NOTICES, TruthNotice),
    ("notifications_by_information", "Information given to ICE", INFORMATION, IceInformation),
    ("citizenship_claims", "Citizenship and status claims", CLAIMS, CitizenshipKind),
)
ALL_CODES: tuple[str, ...] = get_args(Code)
ALL_KINDS: tuple[str, ...] = get_args(Kind)


def item_words(section_key: str, item: str) -> str:
    """A counted item in words (`biometric_database` → a match in a … database); producers'
    own text (a recorded legal basis) and unknown values come back as they are."""
    if section_key == "findings_by_code" and item in MEANINGS:
        return MEANINGS[item][:1].upper() + MEANINGS[item][1:]
    for key, _title, words, _literal in VOCABULARIES:
        if key == section_key:
            return words.get(item, item)
    return item


def form_words(form: str) -> str:
    """A detainer form with what it asks the jail to do (from the contract's defaults)."""
    asks = FORM_DEFAULT_REQUESTS.get(form, frozenset())
    wants = " and ".join(REQUESTS[r] for r in sorted(asks))
    return f"{FORM_NAMES.get(form, form)}: asks the jail to {wants}" if wants else form


@cache
def _laws() -> Mapping[str, Law | Overlay]:
    return {e.id: e.data for e in entries() if e.data is not None}


def duties_of(rulebook: Rulebook, start: date, end: date) -> tuple[Duty, ...]:
    """Every duty of the profile's law (and overlays) in force on some day of [start, end),
    then those every profile applies: what the report's labels and legend may cite."""
    base_id, *overlays = rulebook.profile.id.split("+")
    found: list[Duty] = []
    law = _laws().get(base_id)
    if isinstance(law, Law):
        during = [
            v
            for v in law.versions
            if v.valid_from < end and (v.valid_to is None or v.valid_to >= start)
        ]
        # a period before the law's first version: the engine judged by that version
        for v in during or law.versions[:1]:
            found += v.duties
    for name in overlays:
        overlay = _laws().get(name)
        if isinstance(overlay, Overlay) and overlay.valid_from < end:
            found += overlay.duties
    return (*found, *EVERYWHERE)


def _cited(duties: Iterable[Duty], *subjects: str) -> str:
    citations = dict.fromkeys(d.citation for d in duties if d.subject in subjects)
    return "; ".join(citations)


@dataclass(frozen=True, slots=True)
class Labels:
    """The words of the measures that depend on the law: neutral where it says nothing."""

    copy_item: str = "copy of the request given to the person"
    transfers_section: str = "Transfers to ICE or CBP, by recorded legal basis"
    notices_section: str = "Notices given to the person, by kind"
    law_title: str = ""

    @classmethod
    def of(cls, rulebook: Rulebook | None, start: date, end: date) -> Labels:
        if rulebook is None:
            return cls()
        duties = duties_of(rulebook, start, end)
        neutral = cls(law_title=rulebook.profile.title)
        copy, report = _cited(duties, "request_copy"), _cited(duties, "reporting")
        notices = _cited(duties, "request_copy", "release_notice", "interview")
        return cls(
            copy_item=f"{neutral.copy_item} ({copy})" if copy else neutral.copy_item,
            transfers_section=(
                f"{neutral.transfers_section} (reported under {report})"
                if report
                else neutral.transfers_section
            ),
            notices_section=(
                f"{neutral.notices_section} ({notices})" if notices else neutral.notices_section
            ),
            law_title=rulebook.profile.title,
        )


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """A code in the legend: its meaning, then each duty of the law that raises it."""

    code: str
    meaning: str
    duties: tuple[tuple[str, str, str, str], ...]  # (text, citation, evidence, instant)


def code_entries(
    codes: Iterable[str], rulebook: Rulebook | None, start: date, end: date
) -> tuple[CodeEntry, ...]:
    """The legend's entries for `codes`, in the contract's order, from the profile's law."""
    duties = duties_of(rulebook, start, end) if rulebook is not None else ()
    wanted = set(codes)
    out = []
    for code in ALL_CODES + tuple(sorted(wanted - set(ALL_CODES))):
        if code not in wanted:
            continue
        raised = tuple(
            dict.fromkeys(
                (
                    d.text,
                    d.citation,
                    EVIDENCE.get(d.evidence, d.evidence),
                    when(d.subject, code, rulebook.profile.params) if rulebook else "",
                )
                for d in duties
                if code in d.codes
            )
        )
        out.append(
            CodeEntry(code, MEANINGS.get(code, "a code this version does not describe"), raised)
        )
    return tuple(out)
