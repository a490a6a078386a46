"""The law layer's shape: a neutral core, one package per jurisdiction, a registry.

- every annotation in `holdwatch.policy` resolves at run time (the profile no longer names
  the rule types it cannot import), and no policy module is part of an import cycle, not
  even through imports made only for type checking;
- the core imports no jurisdiction, and no jurisdiction another's;
- a jurisdiction is one package and one registry line: a test-only one, defined here,
  runs its own rule and its own hold criteria through the core unchanged.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
import typing
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pytest

import holdwatch.policy
from holdwatch.app.audit import audit
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.profile import Profile
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook
from holdwatch.policy.registry import BASES, JURISDICTIONS, Registry, resolve

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "services" / "holdwatch" / "policy"
S01 = ROOT / "tests" / "fixtures" / "scenarios" / "S01.jsonl"
AS_OF = datetime.fromisoformat("2031-01-01T00:00:00+00:00")
JURISDICTION_PACKAGES: tuple[str, ...] = ("us", "ca", "tx", "wa", "or_", "il", "nj", "ny", "co")
JURISDICTION_PACKAGES += ("ma", "ct", "nh")

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(holdwatch.policy.__path__, "holdwatch.policy.")
)


def _module_name(path: Path) -> str:
    rel = path.relative_to(POLICY.parent.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every holdwatch.policy module `path` imports, at run time or for type checking."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # `from holdwatch.policy.ca import values_act` imports a module too
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {name for name in found if name in GRAPH_NODES}


GRAPH_NODES = {_module_name(p) for p in POLICY.rglob("*.py")}
GRAPH = {_module_name(p): _imports(p) for p in POLICY.rglob("*.py")}


def _cycle() -> list[str] | None:
    """A cycle in the static import graph, if any (depth-first search)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(GRAPH):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_static_import_graph_of_the_policy_package_has_no_cycle() -> None:
    assert set(MODULES) <= GRAPH_NODES
    assert _cycle() is None


def test_the_core_imports_no_jurisdiction_and_no_jurisdiction_another() -> None:
    def package(name: str) -> str:  # holdwatch.policy.ca.values_act -> ca
        parts = name.split(".")
        return parts[2] if len(parts) > 2 else ""

    for module, imported in GRAPH.items():
        reached = {package(i) for i in imported} - {""}
        if package(module) == "core":
            assert reached <= {"core"}, module
        if package(module) in JURISDICTION_PACKAGES:
            assert reached <= {"core", package(module)}, module
    assert {package(m) for m in GRAPH} - {""} == {"core", "registry", *JURISDICTION_PACKAGES}


def test_each_policy_module_imports_first_in_a_fresh_interpreter() -> None:
    """Each module as the first of the package to load: a cycle fails whichever enters it."""
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('holdwatch')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


@pytest.mark.parametrize("name", MODULES)
def test_every_annotation_in_the_policy_package_resolves(name: str) -> None:
    module = importlib.import_module(name)
    for _, obj in inspect.getmembers(module):
        if getattr(obj, "__module__", None) != name:
            continue
        if inspect.isclass(obj) or inspect.isfunction(obj):
            typing.get_type_hints(obj)
        if inspect.isclass(obj):  # its own methods (not those it inherits from a library)
            for method in vars(obj).values():
                if inspect.isfunction(method):
                    typing.get_type_hints(method)


def test_the_profile_is_data_and_its_hints_resolve() -> None:
    hints = typing.get_type_hints(Profile)
    assert "rules" not in hints
    assert typing.get_type_hints(Rulebook)["profile"] is Profile


# A tiny jurisdiction, defined here and never shipped: its own rule and hold criteria.


@dataclass(frozen=True, slots=True)
class _Verdict:
    eligible: bool | None
    text: str


@dataclass(frozen=True, slots=True)
class _Criteria:
    eligible: bool | None
    citation: str = "Test Code §1(a)"
    condition: str = "test-listed offenses"

    def met(self, state: CustodyState, on: date) -> _Verdict:
        return _Verdict(self.eligible, f"judged on {on.isoformat()}")


def _own_rule(ctx: Context, out: Out) -> None:
    booking = ctx.state.booking
    if booking is not None:
        out.finding(
            "REVIEW",
            "zz.own",
            kind="review",
            severity="info",
            at=booking.booked_at,
            instant=True,
            anchor=booking.event_id,
            citation="Test Code §2",
            explanation="The test jurisdiction's own rule ran.",
            evidence=[booking.event_id],
        )


ZZ_TEST = Profile(
    id="zz-test",
    version=date(2020, 1, 1),
    title="Test jurisdiction: holds only for test-listed offenses",
    zone="America/Denver",
    sources=("Test Code §§1-2",),
    hold_regime="criteria",
    hold_citation="Test Code §1",
)


def _zz(eligible: bool | None) -> Jurisdiction:
    rules = (hold_rule, _own_rule, *SHARED)
    return Jurisdiction(code="zz", rulebooks=(Rulebook(ZZ_TEST, rules, _Criteria(eligible)),))


def test_a_new_jurisdiction_is_one_package_and_one_registry_line() -> None:
    registry = Registry(*JURISDICTIONS, _zz(False))
    findings = audit(S01.read_text().splitlines(), registry.resolve("zz-test"), AS_OF)
    by_rule = {f.rule: f for f in findings}
    hold = by_rule["hold"]
    assert hold.code == "HOLD_NOT_ELIGIBLE"
    assert hold.policy == "zz-test@2020-01-01"
    assert hold.citation == "Test Code §1"
    assert "only for test-listed offenses (judged on 2025-04-" in hold.explanation
    assert by_rule["zz.own"].citation == "Test Code §2"
    assert "gonzalez" in by_rule  # the core's shared rules run for it too
    # overlays and every shipped profile still resolve through the same registry
    assert registry.resolve("zz-test+state-co").profile.state == "CO"
    assert registry.resolve("ca-sb54+lasd-2020") == resolve("ca-sb54+lasd-2020")
    assert "zz-test" not in BASES  # test-only: not shipped


def test_unclear_criteria_are_a_review_citing_the_jurisdiction() -> None:
    registry = Registry(*JURISDICTIONS, _zz(None))
    findings = audit(S01.read_text().splitlines(), registry.resolve("zz-test"), AS_OF)
    review = next(f for f in findings if f.rule == "hold.criteria")
    assert (review.code, review.citation) == ("REVIEW", "Test Code §1(a)")
    met = audit(
        S01.read_text().splitlines(), Registry(*JURISDICTIONS, _zz(True)).resolve("zz-test"), AS_OF
    )
    assert not any(f.rule in ("hold", "hold.criteria") for f in met)


def test_a_profile_id_or_overlay_defined_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="profile: zz-test is defined twice"):
        Registry(_zz(False), _zz(True))
    twice = Jurisdiction(code="zz2", rulebooks=(), overlays={"state-ca": lambda r: r})
    with pytest.raises(ValueError, match="profile: overlay state-ca is defined twice"):
        Registry(twice)


def test_a_criteria_regime_needs_criteria_and_only_it_has_them() -> None:
    with pytest.raises(ValueError, match="zz-test needs hold criteria"):
        Rulebook(ZZ_TEST, ())
    with pytest.raises(ValueError, match="us-federal needs hold criteria"):
        Rulebook(BASES["us-federal"].profile, (), _Criteria(True))
    assert replace(BASES["ca-trust-2014"], rules=()).criteria is not None
