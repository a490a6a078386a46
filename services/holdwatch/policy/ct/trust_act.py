"""The TRUST Act's grounds for a hold (`HoldCriteria`), by the version in force on the day
the hold began.

Since the 2019 amendments a person may be held on a civil immigration detainer only on a
judicial warrant, a conviction of a class A or B felony, or a Terrorist Screening Database
match (not in the contract's record: never assumed). From Oct. 1, 2025 convictions of the
offenses the 2025 act added also qualify. The contract gives a felony's level, not its
class, so the class comes from the statute cited (Conn. Gen. Stat. title 53a): a felony
conviction under a section the table does not list, and a pending charge of an added
offense (whether "charged" counts is unverified), are a REVIEW, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.context import JUDICIAL_ANY

CITATION = "Conn. Gen. Stat. §54-192h"
#: the day the 2025 act's additions apply (HB 7212, effective Oct. 1, 2025)
ADDED_FROM = date(2025, 10, 1)

#: Class A and B felonies by section (inferred from the Penal Code's grading; REVIEW).
CLASS_A_OR_B: dict[str, str] = {
    "53a-54a": "murder (class A)",
    "53a-54b": "murder with special circumstances (class A)",
    "53a-92": "kidnapping in the first degree (class A)",
    "53a-111": "arson in the first degree (class A)",
    "53a-55": "manslaughter in the first degree (class B)",
    "53a-59": "assault in the first degree (class B)",
    "53a-70": "sexual assault in the first degree (class B)",
    "53a-94": "kidnapping in the second degree (class B)",
    "53a-101": "burglary in the first degree (class B)",
    "53a-134": "robbery in the first degree (class B)",
}
#: Sections known to be graded below class B (a conviction under them does not qualify).
BELOW_CLASS_B: frozenset[str] = frozenset(
    {"53a-135", "53a-60", "53a-71", "53a-72a", "53a-102", "53a-102a", "53a-64bb", "53a-223"}
)
#: The offenses the 2025 act added, by section (the list from secondary sources, the
#: sections inferred; family-violence assault needs a flag the record lacks: REVIEW).
ADDED_2025: dict[str, str] = {
    "53a-71": "sexual assault in the second degree",
    "53a-72a": "sexual assault in the third degree",
    "53-21": "risk of injury to a child",
    "53a-196d": "possession of child sexual abuse material, first degree",
    "53a-196e": "possession of child sexual abuse material, second degree",
    "53a-102a": "burglary with a firearm",
    "53a-64bb": "strangulation in the second degree",
    "53a-64aa": "strangulation in the first degree",
    "53a-60": "assault in the second degree",
    "53a-223": "criminal violation of a protective order",
    "53a-135": "robbery in the second degree",
}


def section(code: str) -> str:
    """`C.G.S. §53a-135(a)(1)` -> `53a-135`."""
    text = re.sub(r"(?i)c\.?\s*g\.?\s*s\.?|conn\.?\s*gen\.?\s*stat\.?|§|\s", "", code)
    return re.sub(r"\(.*$", "", text).lower()


@dataclass(frozen=True, slots=True)
class Verdict:
    eligible: bool | None
    text: str


@dataclass(frozen=True, slots=True)
class TrustAct:
    citation: str = CITATION
    condition: str = (
        "a judicial warrant, a conviction of a class A or B felony or a Terrorist Screening "
        "Database match (and, from Oct. 1, 2025, a conviction of an offense the 2025 act added)"
    )

    def met(self, state: CustodyState, on: date) -> Verdict:
        if any(w.kind in JUDICIAL_ANY and w.received_at.date() <= on for w in state.warrants):
            return Verdict(True, "a judicial warrant is on file")
        booking = state.booking
        if booking is None:
            return Verdict(None, "the booking is unknown")
        added = on >= ADDED_FROM
        questions: list[str] = []
        for c in booking.prior_convictions:
            if c.convicted_on > on:
                continue
            s = section(c.code)
            if s in CLASS_A_OR_B:
                return Verdict(True, f"has a conviction of {CLASS_A_OR_B[s]}")
            if added and s in ADDED_2025:
                return Verdict(True, f"has a conviction of {ADDED_2025[s]}, added in 2025")
            if c.level == "felony" and s not in BELOW_CLASS_B and s not in ADDED_2025:
                questions.append(f"a felony conviction under {c.code}, whose class is not known")
        if added:
            for code, _ in booking.charge_codes:
                if section(code) in ADDED_2025:
                    questions.append(
                        f"a pending charge of {ADDED_2025[section(code)]}, an added offense "
                        "(whether a charge counts is unverified)"
                    )
        if questions:
            return Verdict(None, f"the record shows {'; '.join(dict.fromkeys(questions))}")
        return Verdict(
            False,
            "the record shows no judicial warrant and no conviction that qualifies"
            + (
                " (a class A or B felony, or an offense added in 2025)"
                if added
                else " (a class A or B felony)"
            )
            + "; a Terrorist Screening Database match is not in the record",
        )
