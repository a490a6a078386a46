"""Offense table: code normalization, lookup fallbacks, coverage, and §7282.5(a) categories."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from holdwatch.policy.ca.offenses import (
    CATEGORY_LETTERS,
    OFFENSES,
    Level,
    Offense,
    categories_for,
    lookup,
    normalize_code,
    unknown_facts,
)

LEVELS: tuple[Level, ...] = ("felony", "misdemeanor", "infraction")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pc245(a)(1)", "PC 245(a)(1)"),
        ("PC  245 (a)(1)", "PC 245(a)(1)"),
        ("PC 245 (a) (1)", "PC 245(a)(1)"),
        ("Penal Code 245(a)(1)", "PC 245(a)(1)"),
        ("Pen. Code, § 245(a)(1)", "PC 245(a)(1)"),
        ("P.C. 459", "PC 459"),
        ("PC §459", "PC 459"),
        ("PC-459", "PC 459"),
        ("459 PC", "PC 459"),
        ("245(a)(1) P.C.", "PC 245(a)(1)"),
        ("PC 245(A)(1)", "PC 245(a)(1)"),
        ("PC 288A(C)", "PC 288a(c)"),
        ("pc 273AB", "PC 273ab"),
        ("PC 12022.53(d)", "PC 12022.53(d)"),
        ("PC 664/187(a)", "PC 664/187(a)"),
        ("PC 664 / 211", "PC 664/211"),
        ("VC 23152(a)", "VC 23152(a)"),
        ("vc23152 (B)", "VC 23152(b)"),
        ("Vehicle Code 20001(c)", "VC 20001(c)"),
        ("HS 11350", "HS 11350"),
        ("H&S 11350", "HS 11350"),
        ("h & s 11377(a)", "HS 11377(a)"),
        ("HSC 11351", "HS 11351"),
        ("Health and Safety Code section 11350", "HS 11350"),
        ("Health & Saf. Code, § 11350", "HS 11350"),
        ("11350 H&S", "HS 11350"),
        # Subdivision, paragraph, subparagraph, clause: (a)(1)(A)(i).
        ("HS 11360(A)(3)(a)(IV)", "HS 11360(a)(3)(A)(iv)"),
        ("B&P 4140", "BP 4140"),
        ("W&I 5150", "WI 5150"),
    ],
)
def test_normalize_code(raw: str, expected: str) -> None:
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "245(a)(1)",  # no code: cannot tell PC from VC
        "PC",
        "PC abc",
        "XX 245",
        "PC 245(a",
        "PC 245()",
        "PC 245(a)(1) burglary",
        "PC 245a1",
        "8 USC 1326",
        "PC 245.(a)",
    ],
)
def test_normalize_code_rejects_non_codes(raw: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(raw))):
        normalize_code(raw)


@pytest.mark.parametrize(
    "raw", ["PC" + " " * 5000 + "x", "a " * 3000 + "1 b", "PC 1" + "(a)" * 1000 + "("]
)
def test_long_input_fails_fast(raw: str) -> None:
    with pytest.raises(ValueError, match="not an offense code"):
        normalize_code(raw)
    assert lookup(raw) is None


@pytest.mark.parametrize(
    ("raw", "found"),
    [
        ("PC 245(a)(1)", "PC 245(a)(1)"),
        ("PC 245(a)(1)(A)", "PC 245(a)(1)"),
        ("PC 245(z)", "PC 245"),
        ("pc 273.5(a)", "PC 273.5"),
        ("PC 243(e)(2)", "PC 243"),
        ("PC 288(c)(2)", "PC 288"),
        ("PC 664/187", "PC 664"),
        ("PC 182(a)(1)", "PC 182"),
        ("PC 12022.53(d)", "PC 12022.53"),  # not PC 12022: another section
        ("VC 23152(e)", "VC 23152"),
        ("459 PC", "PC 459"),
    ],
)
def test_lookup_falls_back_to_less_specific(raw: str, found: str) -> None:
    offense = lookup(raw)
    assert offense is not None
    assert offense.code == found


@pytest.mark.parametrize("raw", ["PC 266e", "PC 99999", "BP 4140", "VC 12500(a)", "not a code", ""])
def test_lookup_unknown_or_malformed_is_none(raw: str) -> None:
    assert lookup(raw) is None


# Every section Gov. Code §7282.5(a)(3) names, by letter.
NAMED_IN_7282_5: dict[str, tuple[str, ...]] = {
    "A": ("217.1", "220", "240", "241.1", "241.4", "241.7", "244", "244.5", "245", "245.2",
          "245.3", "245.5", "4500", "4501"),
    "B": ("242", "243.1", "243.3", "243.4", "243.6", "243.7", "243.9", "273.5", "347", "4501.1",
          "4501.5"),
    "C": ("71", "76", "139", "140", "422", "601", "11418.5"),
    "D": ("266", "266a", "266b", "266c", "266d", "266f", "266g", "266h", "266i", "266j", "267",
          "269", "288", "288.5", "311.1", "311.3", "311.4", "311.10", "311.11", "647.6"),
    "E": ("270", "271", "271a", "273a", "273ab", "273d", "273.4", "278"),
    "F": ("211", "215", "459", "463", "470", "476", "487", "496", "503", "518", "530.5", "532",
          "550"),
    "H": ("69", "95", "95.1", "136.1", "148.10"),
    "I": ("67", "67.5", "68", "74", "85", "86", "92", "93", "137", "138", "165"),
    "J": ("107", "109", "110", "4530", "4530.5", "4532", "4533", "4534", "4535", "4536"),
    "K": ("171b", "171c", "171d", "246", "246.3", "247", "417", "417.3", "417.6", "417.8", "4574",
          "11418", "11418.1", "12021.5", "12022", "12022.2", "12022.3", "12022.4", "12022.5",
          "12022.53", "12022.55", "18745", "18750", "18755", "26100(c)", "26100(d)"),
    "N": ("594.7",),
    "O": ("186.22", "186.26", "186.28"),
    "P": ("664", "182"),
    "Q": ("245.6(d)", "187", "191.5", "192", "192.5", "12022.7", "12022.8", "12022.9"),
    "S": ("290", "290.002", "290.006"),
    "T": ("181", "210.5", "236", "236.1", "4503"),
    "U": ("186.2", "186.9", "186.10"),
    "V": ("203",),
    "W": ("219", "219.1", "219.2", "247.5", "404", "404.6", "405a", "451", "11413"),
    "X": ("368",),
    "Y": ("422.55",),
    "Z": ("646.9",),
    "AA": ("286(c)", "653j", "653.23"),
    "AB": ("12022.1",),
    "AC": ("261(a)(2)", "261(a)(6)", "262(a)(1)", "262(a)(4)", "264.1", "286(c)", "286(d)",
           "288a(c)", "288a(d)", "289(a)", "289(j)"),
    "AD": ("207", "209", "209.5"),
}  # fmt: skip
CATEGORY_COVERAGE = [
    *((letter, f"PC {section}") for letter, sections in NAMED_IN_7282_5.items()
      for section in sections),
    ("AE", "VC 20001(c)"),
    ("G", "VC 23152"), ("G", "VC 23152(a)"), ("G", "VC 23152(b)"), ("G", "VC 23153"),
    ("L", "PC 21310"), ("L", "PC 29800"),
    *(("M", f"HS {s}") for s in ("11351", "11352", "11359", "11360", "11378", "11379")),
    ("R", "PC 12022.5"), ("R", "PC 12022.53"),
]  # fmt: skip


@pytest.mark.parametrize(("letter", "code"), CATEGORY_COVERAGE)
def test_category_coverage(letter: str, code: str) -> None:
    offense = OFFENSES.get(normalize_code(code))  # an entry of its own, not a fallback
    assert offense is not None, code
    assert letter in offense.categories
    assert f"§7282.5(a)(3)({letter})" in offense.authority


def test_every_letter_is_covered() -> None:
    assert {letter for letter, _ in CATEGORY_COVERAGE} == set(CATEGORY_LETTERS)


@pytest.mark.parametrize(
    "code",
    ["PC 459.5", "PC 490.2", "PC 496(a)", "PC 473(b)", "PC 476a(b)", "PC 666", "HS 11350",
     "HS 11357", "HS 11377"],
)  # fmt: skip
def test_prop47_sections(code: str) -> None:
    offense = OFFENSES[code]
    assert offense.prop47
    assert "§7282.5(a)(6)" in offense.authority
    assert categories_for(offense, "misdemeanor") == {"prop47"}
    assert unknown_facts(offense, "misdemeanor") == ()


# (code, serious, violent, wobbler, state_prison)
SERIOUS_AND_VIOLENT = [
    ("PC 187", True, True, False, True),
    ("PC 192(a)", True, True, False, True),
    ("PC 203", True, True, False, True),
    ("PC 207", True, True, False, True),
    ("PC 209", True, True, False, True),
    ("PC 211", True, True, False, True),
    ("PC 215", True, True, False, True),
    ("PC 261(a)(2)", True, True, False, True),
    ("PC 261(a)(6)", True, True, False, True),
    ("PC 288(a)", True, True, False, True),
    ("PC 288", None, None, None, True),
    ("PC 451", True, None, False, True),
    ("PC 460(a)", True, None, False, True),
    ("PC 245(a)(1)", True, False, True, True),
    ("PC 245(a)(2)", True, False, True, True),
    ("PC 245(a)(3)", True, False, False, True),
    ("PC 245(a)(4)", False, False, True, True),
    ("PC 246", True, False, True, True),
    ("PC 422", True, False, True, True),
    ("PC 69", False, False, True, False),
    ("PC 136.1", True, None, None, True),
    ("PC 273.5", False, False, True, True),
    ("PC 12022.7", True, True, False, True),
    ("PC 12022.53", True, True, False, True),
]


@pytest.mark.parametrize(("code", "serious", "violent", "wobbler", "prison"), SERIOUS_AND_VIOLENT)
def test_serious_and_violent_offenses(
    code: str, serious: bool | None, violent: bool | None, wobbler: bool | None, prison: bool | None
) -> None:
    offense = OFFENSES[code]
    assert (offense.serious_felony, offense.violent_felony) == (serious, violent)
    assert (offense.wobbler, offense.state_prison) == (wobbler, prison)


# (code, categories, wobbler, misdemeanor_only)
BOOKING_CHARGES = [
    ("PC 148(a)(1)", "", False, True),
    ("PC 242", "B", False, True),
    ("PC 243(a)", "B", False, True),
    ("PC 243(e)(1)", "B", False, True),
    ("PC 459", "F", None, False),
    ("PC 484", "F", None, False),
    ("PC 488", "F", False, True),
    ("PC 594", "", None, False),
    ("PC 602", "", False, True),
    ("PC 647(f)", "", False, True),
    ("PC 653k", "", False, True),
    ("VC 23152(a)", "G", None, False),
    ("VC 23152(b)", "G", None, False),
    ("VC 23153", "G", True, False),
    ("VC 20001(a)", "", True, False),
    ("VC 20001(c)", "AE", False, False),
    ("VC 10851", "F", True, False),
    ("VC 14601.1", "", False, True),
    ("HS 11351", "M", False, False),
    ("HS 11352", "M", False, False),
    ("HS 11359", "M", None, False),
    ("HS 11360", "M", None, False),
    ("HS 11364", "", False, True),
    ("HS 11378", "M", False, False),
    ("HS 11379", "M", False, False),
]


@pytest.mark.parametrize(("code", "letters", "wobbler", "misdemeanor_only"), BOOKING_CHARGES)
def test_booking_charges(
    code: str, letters: str, wobbler: bool | None, misdemeanor_only: bool
) -> None:
    offense = OFFENSES[code]
    assert offense.categories == frozenset(letters.split())
    assert offense.wobbler is wobbler
    assert offense.misdemeanor_only is misdemeanor_only


A = "7282.5(a)(3)(A)"
F = "7282.5(a)(3)(F)"
G = "7282.5(a)(3)(G)"
M = "7282.5(a)(3)(M)"
Q = "7282.5(a)(3)(Q)"
FELONY_FACTS = ("serious_felony", "violent_felony", "state_prison")


@pytest.mark.parametrize(
    ("code", "level", "expected", "unknown"),
    [
        # Scenario S05: straight-misdemeanor battery is no wobbler, so (a)(3) is not met.
        ("PC 242", "misdemeanor", set(), ()),
        ("PC 243(a)", "misdemeanor", set(), ()),
        # Scenario S07: assault with a deadly weapon is a serious felony in category A.
        ("PC 245(a)(1)", "felony", {"serious_felony", "state_prison_felony", "wobbler", A}, ()),
        ("PC 245(a)(1)", "misdemeanor", {"wobbler", A}, ()),
        # Scenario S03: shoplifting is theft (F) but a Prop 47 misdemeanor.
        ("PC 459.5", "misdemeanor", {"prop47"}, ()),
        ("PC 459.5", "felony", {F}, ("state_prison",)),
        ("PC 487", "felony", {F, "wobbler"}, ("serious_felony", "state_prison")),
        ("PC 487", "misdemeanor", {F, "wobbler"}, ()),
        ("PC 487(a)", "felony", {F, "wobbler"}, ("state_prison_1170h",)),
        # DUI (G) counts only as a felony.
        ("VC 23152(a)", "misdemeanor", set(), ()),
        ("VC 23152(a)", "felony", {G}, ("state_prison",)),
        ("VC 23153", "felony", {G, "wobbler"}, ("serious_felony", "state_prison")),
        ("VC 23153", "misdemeanor", {"wobbler"}, ()),
        # So does M ("felony possession, sale, ..."), and the letters wait on the degree.
        ("HS 11359", "misdemeanor", set(), ()),
        ("HS 11378", "felony", {M}, ("state_prison_1170h",)),
        ("PC 459", "felony", {F}, FELONY_FACTS),
        ("PC 459", "misdemeanor", set(), ("wobbler",)),
        ("PC 460(a)", "felony", {"serious_felony", "state_prison_felony", F}, ()),
        ("PC 148(a)(1)", "misdemeanor", set(), ()),
        ("PC 187", "felony", {"serious_felony", "violent_felony", "state_prison_felony", Q}, ()),
        # An attempt's letter depends on what was attempted.
        ("PC 664", "felony", set(), (*FELONY_FACTS, "object_offense")),
        ("PC 664", "misdemeanor", set(), ("wobbler", "object_offense")),
        ("VC 10851", "misdemeanor", {"wobbler"}, ("taking_and_value",)),
        # A level the code cannot have is a data problem, not a qualifying conviction.
        ("PC 243(e)(1)", "felony", set(), ("level",)),
        ("PC 211", "misdemeanor", set(), ("level",)),
        # An infraction supports nothing.
        ("PC 245(a)(1)", "infraction", set(), ()),
        ("VC 23152(a)", "infraction", set(), ()),
    ],
)  # fmt: skip
def test_categories_for(
    code: str, level: Level, expected: set[str], unknown: tuple[str, ...]
) -> None:
    offense = lookup(code)
    assert offense is not None
    assert categories_for(offense, level) == expected
    assert unknown_facts(offense, level) == unknown


def test_unknown_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="level"):
        categories_for(OFFENSES["PC 242"], "petty")  # type: ignore[arg-type]


def _offenses() -> list[Offense]:
    return list(OFFENSES.values())


@pytest.mark.parametrize("offense", _offenses(), ids=lambda o: o.code)
def test_table_is_consistent(offense: Offense) -> None:
    assert normalize_code(offense.code) == offense.code
    assert offense.title
    assert offense.authority
    assert offense.categories <= set(CATEGORY_LETTERS)
    assert not (offense.felony_only and offense.misdemeanor_only)
    if offense.wobbler:
        assert not offense.felony_only
        assert not offense.misdemeanor_only
    if offense.felony_only or offense.misdemeanor_only:
        assert offense.wobbler is False
    if offense.misdemeanor_only or offense.prop47:
        assert not offense.felony_only
        assert offense.serious_felony is not True
        assert offense.violent_felony is not True
    if offense.serious_felony or offense.violent_felony:
        assert offense.state_prison is True  # PC 1170(h)(3): no county-jail term
    for level in LEVELS:
        cats = categories_for(offense, level)
        if level != "felony":
            assert not cats & {"serious_felony", "violent_felony", "state_prison_felony"}
        if level != "misdemeanor":
            assert "prop47" not in cats
        if level == "misdemeanor":
            assert not cats & {G, M}


_SECTIONS = st.from_regex(r"[1-9][0-9]{0,4}(\.[0-9]{1,3})?[a-z]?", fullmatch=True)
_SUBS = st.lists(st.sampled_from(["(a)", "(b)", "(1)", "(2)", "(A)", "(iv)", "(c)"]), max_size=4)


@given(
    prefix=st.sampled_from(["PC", "pc", "Penal Code", "VC", "HS", "H&S", "h & s"]),
    section=_SECTIONS,
    subs=_SUBS,
)
def test_normalize_is_idempotent(prefix: str, section: str, subs: list[str]) -> None:
    once = normalize_code(f"{prefix} {section}{''.join(subs)}")
    assert normalize_code(once) == once
    assert normalize_code(once.lower()) == once
