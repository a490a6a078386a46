"""California offense table and lookups for the Gov. Code §7282.5(a) conviction criteria.

Why: a jail may tell ICE a release date or transfer someone only after certain convictions
(§7282.5(a)(1)-(3)), never for a Prop 47 misdemeanor ((a)(6)). Booking data carries only a code
and a level, so this module supplies the facts those criteria turn on: serious (PC 1192.7(c)) or
violent (PC 667.5(c)) listing, wobbler status, state-prison punishment, and (a)(3) letters.

Sources: Penal Code (PC), Vehicle Code (VC) and Health & Safety Code (HS) sections as Gov. Code
§7282.5(a)(3) names them; the (a)(3) letters follow the chaptered SB 54 text. Those lists are "as
specified in, but not limited to", so the table is non-exhaustive and an unknown code yields
None, never "not listed". Punishment and serious/violent statuses are background knowledge with
spot checks, not verified from the text: counsel must review them. Where a status turns on facts
(degree, value, subdivision, priors, pleaded allegations) it is None, so the engine asks a human
(REVIEW) instead of guessing. Catch-alls that need pleaded facts (PC 1192.7(c)(8), (23), (28))
are carried by the enhancement codes (PC 12022, 12022.5, 12022.7, 186.22), not by every offense.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from holdwatch.policy.ca.offense_table import DEPENDS_ON, ROWS, Kind, Row

__all__ = [
    "CATEGORY_LETTERS",
    "FELONY_ONLY_CATEGORIES",
    "OFFENSES",
    "Level",
    "Offense",
    "categories_for",
    "category_name",
    "lookup",
    "normalize_code",
    "unknown_facts",
]

Level = Literal["felony", "misdemeanor", "infraction"]

CATEGORY_LETTERS: Final[tuple[str, ...]] = (
    *"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    *("AA", "AB", "AC", "AD", "AE"),
)
# (G) "but only for a conviction that is a felony"; (M) "the felony possession, sale, ...".
FELONY_ONLY_CATEGORIES: Final[frozenset[str]] = frozenset({"G", "M"})

SERIOUS_FELONY: Final = "serious_felony"
VIOLENT_FELONY: Final = "violent_felony"
STATE_PRISON_FELONY: Final = "state_prison_felony"
WOBBLER: Final = "wobbler"
PROP47: Final = "prop47"


@dataclass(frozen=True, slots=True)
class Offense:
    """One code section or subdivision and the facts §7282.5(a) turns on (None: depends)."""

    code: str
    title: str
    categories: frozenset[str]
    serious_felony: bool | None
    violent_felony: bool | None
    wobbler: bool | None
    felony_only: bool
    misdemeanor_only: bool
    state_prison: bool | None
    prop47: bool
    authority: str
    # Facts outside the fields above that decide whether `categories` apply at all
    # (e.g. the object offense of an attempt); categories_for withholds letters until known.
    depends_on: tuple[str, ...] = ()


# kind -> (wobbler, felony_only, misdemeanor_only, state_prison, prop47)
_KINDS: Final[Mapping[Kind, tuple[bool | None, bool, bool, bool | None, bool]]] = {
    "felony": (False, True, False, True, False),
    "felony_1170h": (False, True, False, False, False),
    "felony_prison_unknown": (False, True, False, None, False),
    "wobbler": (True, False, False, True, False),
    "wobbler_1170h": (True, False, False, False, False),
    "wobbler_prison_unknown": (True, False, False, None, False),
    "misdemeanor": (False, False, True, False, False),
    "varies": (None, False, False, None, False),
    "varies_prison": (None, False, False, True, False),
    "varies_1170h": (None, False, False, False, False),
    # Felony only with PC 667(e)(2)(C)(iv) or PC 290 priors (then PC 1170(h)(3) may apply).
    "prop47": (None, False, False, None, True),
}


def category_name(letter: str) -> str:
    """Contract string for a §7282.5(a)(3) letter, e.g. "7282.5(a)(3)(F)"."""
    if letter not in CATEGORY_LETTERS:
        raise ValueError(f"not a §7282.5(a)(3) category letter: {letter!r}")
    return f"7282.5(a)(3)({letter})"


def _letter_order(letter: str) -> tuple[int, str]:
    return (len(letter), letter)


def _build(row: Row) -> Offense:
    code, title, letters, serious, violent, kind, authority = row
    wobbler, felony_only, misdemeanor_only, state_prison, prop47 = _KINDS[kind]
    categories = frozenset(letters.split())
    cites = [authority]
    cites += [f"Gov. Code §7282.5(a)(3)({x})" for x in sorted(categories, key=_letter_order)]
    if prop47:
        cites.append("Prop 47 (2014); Gov. Code §7282.5(a)(6)")
    return Offense(
        code=code,
        title=title,
        categories=categories,
        serious_felony=serious,
        violent_felony=violent,
        wobbler=wobbler,
        felony_only=felony_only,
        misdemeanor_only=misdemeanor_only,
        state_prison=state_prison,
        prop47=prop47,
        authority="; ".join(cites),
        depends_on=DEPENDS_ON.get(code, ()),
    )


def _index(rows: tuple[Row, ...]) -> Mapping[str, Offense]:
    table: dict[str, Offense] = {}
    for row in rows:
        if row[0] in table:
            raise ValueError(f"duplicate offense row: {row[0]!r}")
        table[row[0]] = _build(row)
    return MappingProxyType(table)


OFFENSES: Final[Mapping[str, Offense]] = _index(ROWS)

# Code prefixes, compared after _prefix_key(); canonical names first.
_PREFIXES: Final[Mapping[str, tuple[str, ...]]] = {
    "PC": ("PC", "P.C.", "CPC", "PEN", "Pen. Code", "Penal Code", "Cal. Penal Code"),
    "VC": ("VC", "V.C.", "CVC", "VEH", "Veh. Code", "Vehicle Code", "Cal. Vehicle Code"),
    "HS": ("HS", "H.S.", "HSC", "H&S", "H&SC", "Health & Saf. Code", "Health and Safety Code"),
    "BP": ("BP", "B&P", "BPC", "Bus. & Prof. Code", "Business and Professions Code"),
    "WI": ("WI", "W&I", "WIC", "Welf. & Inst. Code", "Welfare and Institutions Code"),
}


def _prefix_key(text: str) -> str:
    key = re.sub(r"\bAND\b", "&", text.upper().replace(".", " "))
    return re.sub(r"\s*&\s*", "&", re.sub(r"\s+", " ", key)).strip()


_PREFIX_BY_KEY: Final[Mapping[str, str]] = {
    _prefix_key(alias): canon for canon, aliases in _PREFIXES.items() for alias in aliases
}

_NUM = r"\d+(?:\.\d+)?[A-Za-z]{0,2}"
_SUBS = r"(?:\s*\(\s*[A-Za-z0-9]{1,4}\s*\))*"
_SECTION = rf"(?P<num>{_NUM})(?:\s*/\s*(?P<target>{_NUM}))?(?P<subs>{_SUBS})"
_CODE = r"(?P<code>[A-Za-z][A-Za-z.&\s]*?)"
_SEP = r"(?:\s*,?\s*(?:§+|sec(?:tion)?\.?(?=[\s\d])|-)\s*|\s*)"
_PREFIX_FORM: Final = re.compile(rf"^\s*{_CODE}{_SEP}{_SECTION}\s*$", re.IGNORECASE)
_SUFFIX_FORM: Final = re.compile(rf"^\s*(?:§+\s*)?{_SECTION}\s+{_CODE}\s*$", re.IGNORECASE)
_SUB: Final = re.compile(r"\(\s*([A-Za-z0-9]+)\s*\)")
_MAX_CODE_CHARS: Final = 80


def _normalize_subs(subs: str) -> str:
    """Case by depth: (a) subdivision, (1) paragraph, (A) subparagraph, (i) clause."""
    out: list[str] = []
    previous = ""
    for part in _SUB.findall(subs):
        if part.isdigit():
            text, previous = part, "paragraph"
        elif previous == "paragraph":
            text, previous = part.upper(), "subparagraph"
        else:
            text, previous = part.lower(), "letters"
        out.append(f"({text})")
    return "".join(out)


def normalize_code(raw: str) -> str:
    """Canonical code, e.g. "pc245 (A)(1)" or "245(a)(1) PC" -> "PC 245(a)(1)".

    Accepts PC, VC, HS, BP and WI in their common spellings, before or after the section, and an
    attempt or conspiracy target ("PC 664/187"). Raises ValueError naming the input otherwise.
    """
    text = " ".join(raw.split())  # one space per run keeps the regexes linear
    match = None
    if len(text) <= _MAX_CODE_CHARS:
        match = _PREFIX_FORM.match(text) or _SUFFIX_FORM.match(text)
    if match is None:
        raise ValueError(f"not an offense code: {raw!r}")
    prefix = _PREFIX_BY_KEY.get(_prefix_key(match["code"]))
    if prefix is None:
        raise ValueError(f"unknown code prefix {match['code'].strip()!r} in {raw!r}")
    section = match["num"].lower()
    if match["target"]:
        section += "/" + match["target"].lower()
    return f"{prefix} {section}{_normalize_subs(match['subs'])}"


def _candidates(code: str) -> list[str]:
    """The code, then less specific forms: drop subdivisions, then an attempt's target."""
    out = [code]
    while out[-1].endswith(")"):
        out.append(out[-1][: out[-1].rindex("(")])
    if "/" in out[-1]:
        out.append(out[-1].split("/", 1)[0])
    return out


def lookup(raw: str) -> Offense | None:
    """Most specific table entry for a code ("PC 245(a)(1)" -> "PC 245(a)" -> "PC 245").

    None when the code is unknown or malformed (the lists are non-exhaustive: unknown is not
    "unlisted"), so the caller raises REVIEW; use normalize_code to tell the two apart.
    """
    try:
        code = normalize_code(raw)
    except ValueError:
        return None
    for candidate in _candidates(code):
        offense = OFFENSES.get(candidate)
        if offense is not None:
            return offense
    return None


def _check_level(level: str) -> None:
    if level not in ("felony", "misdemeanor", "infraction"):
        raise ValueError(f"unknown conviction level: {level!r}")


def _level_conflict(offense: Offense, level: Level) -> bool:
    return (level == "felony" and offense.misdemeanor_only) or (
        level == "misdemeanor" and offense.felony_only
    )


def categories_for(offense: Offense, level: Level) -> frozenset[str]:
    """Contract categories a conviction at `level` carries (only what is certain).

    Serious, violent and state-prison status count only for a felony; §7282.5(a)(3) letters
    count for a felony, or for a misdemeanor when the offense is a wobbler, and G and M only for
    a felony; a Prop 47 misdemeanor carries only "prop47" ((a)(6): it supports nothing). An
    infraction, or a level the offense cannot have, carries nothing (see unknown_facts).
    """
    _check_level(level)
    if level == "infraction" or _level_conflict(offense, level):
        return frozenset()
    if level == "misdemeanor" and offense.prop47:
        return frozenset({PROP47})
    out: set[str] = set()
    if offense.wobbler:
        out.add(WOBBLER)
    letters = set() if offense.depends_on else set(offense.categories)
    if level == "felony":
        flags = (
            (offense.serious_felony, SERIOUS_FELONY),
            (offense.violent_felony, VIOLENT_FELONY),
            (offense.state_prison, STATE_PRISON_FELONY),
        )
        out.update(name for flag, name in flags if flag)
    elif offense.wobbler:
        letters -= FELONY_ONLY_CATEGORIES
    else:
        letters = set()
    out.update(category_name(x) for x in letters)
    return frozenset(out)


def unknown_facts(offense: Offense, level: Level) -> tuple[str, ...]:
    """Facts that are unknown (None) and could change the §7282.5(a) outcome at `level`.

    Field names for None fields; "state_prison_1170h" for a PC 1170(h) county-jail felony, whose
    standing under (a)(2) is unsettled; "level" when the recorded level is
    impossible for this code; `depends_on` names when the letters wait on those facts.
    Empty when the answer is certain.
    """
    _check_level(level)
    if level == "infraction":
        return ()
    if _level_conflict(offense, level):
        return ("level",)
    facts: list[str] = []
    if level == "felony":
        if offense.serious_felony or offense.violent_felony:
            return ()  # (a)(1) is met outright, with no lookback.
        fields = (
            (offense.serious_felony, SERIOUS_FELONY),
            (offense.violent_felony, VIOLENT_FELONY),
            (offense.state_prison, "state_prison"),
        )
        facts += [name for value, name in fields if value is None]
        if offense.state_prison is False:
            facts.append("state_prison_1170h")
        if offense.categories:
            facts += offense.depends_on
        return tuple(facts)
    if offense.prop47 or offense.wobbler is False:
        return ()
    if offense.categories - FELONY_ONLY_CATEGORIES:
        if offense.wobbler is None:
            facts.append(WOBBLER)
        facts += offense.depends_on
    return tuple(facts)
