"""schemas/README.md, the contract in prose, names every event type, every field of every
model and every allowed value, and states the instant rules holdwatch enforces."""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from holdwatch.domain import instants
from holdwatch.domain.events import EVENT_MODELS, WsoActivity
from holdwatch.domain.findings import Finding

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "schemas" / "README.md").read_text(encoding="utf-8")
#: Named as a range in the document: `7282.5(a)(3)(A)` to `7282.5(a)(3)(AE)`.
LETTERS = re.compile(r"7282\.5\(a\)\(3\)\([A-Z]+\)")


def _section(heading: str) -> str:
    """The text under a Markdown heading, up to the next heading of the same or higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\n", DOC, flags=re.M)
    assert match, f"no heading {heading!r}"
    level = len(match.group(1))
    rest = DOC[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


def _inner(annotation: Any) -> list[Any]:
    """`annotation` and every type inside it (unions, tuples, Annotated)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is Literal:
        return [annotation]
    return [annotation, *(t for a in args for t in _inner(a))]


def _required(model: type[BaseModel], prefix: str = "") -> dict[str, bool]:
    """Dotted path → whether the model requires the field, nested models included."""
    out: dict[str, bool] = {}
    for name, info in model.model_fields.items():
        out[prefix + name] = info.is_required()
        inner = _inner(info.annotation)
        listed = any(typing.get_origin(t) is tuple for t in inner)
        for t in inner:
            if isinstance(t, type) and issubclass(t, BaseModel):
                out |= _required(t, f"{prefix}{name}{'[]' if listed else ''}.")
    return out


def _fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, list[str]]]:
    """(dotted path, allowed values) for every field, nested models included."""
    out: list[tuple[str, list[str]]] = []
    for name, info in model.model_fields.items():
        inner = _inner(info.annotation)
        values = [v for t in inner if typing.get_origin(t) is Literal for v in typing.get_args(t)]
        out.append((prefix + name, [str(v) for v in values]))
        listed = any(typing.get_origin(t) is tuple for t in inner)
        for t in inner:
            if isinstance(t, type) and issubclass(t, BaseModel):
                out += _fields(t, f"{prefix}{name}{'[]' if listed else ''}.")
    return out


def _named(text: str, word: str) -> bool:
    return f"`{word}`" in text


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_every_event_type_and_data_field_is_documented(model: type[BaseModel]) -> None:
    event_type = typing.get_args(model.model_fields["type"].annotation)[0]
    section = _section(f"`{event_type}`")
    data = model.model_fields["data"].annotation
    assert isinstance(data, type) and issubclass(data, BaseModel)
    for path, values in _fields(data):
        assert _named(section, path), f"{event_type}: `{path}` is not documented"
        for value in values:
            if LETTERS.fullmatch(value):
                continue
            assert _named(DOC, value), f"{event_type}: {path} value `{value}` is not documented"


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: m.__name__)
def test_each_field_row_says_whether_the_model_requires_it(model: type[BaseModel]) -> None:
    event_type = typing.get_args(model.model_fields["type"].annotation)[0]
    rows = dict(re.findall(r"^\| `([^`]+)` \| (yes|no) \|", _section(f"`{event_type}`"), re.M))
    data = model.model_fields["data"].annotation
    assert isinstance(data, type) and issubclass(data, BaseModel)
    for path, required in _required(data).items():
        if path in rows:
            assert rows[path] == ("yes" if required else "no"), f"{event_type}: `{path}`"


def test_the_offense_letters_are_named_as_their_range() -> None:
    assert "`7282.5(a)(3)(A)` to `7282.5(a)(3)(AE)`" in DOC


def test_the_envelope_names_every_attribute() -> None:
    section = _section("The envelope: CloudEvents 1.0, structured JSON")
    for name in WsoActivity.model_fields:
        assert _named(section, name), name


def test_findings_name_every_field_and_value() -> None:
    section = _section("Findings")
    assert any(path.startswith("alternatives[].") for path, _ in _fields(Finding))
    for path, values in _fields(Finding):
        assert _named(section, path), path
        for value in values:
            assert _named(section, value), f"{path}: {value}"


def test_the_instant_rules_are_the_ones_enforced() -> None:
    section = _section("Instants and dates")
    for reason in (
        instants.FORM_REASON,
        instants.RANGE_REASON,
        instants.CALENDAR_REASON,
        instants.DATE_FORM_REASON,
        instants.DATE_CALENDAR_REASON,
    ):
        assert _named(section, reason), reason
    assert f"from {instants.FIRST_YEAR} to {instants.LAST_YEAR}" in section
