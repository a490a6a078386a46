"""Which fields of a typed model are personal data, and the model without them.

A field is personal when its annotation carries `PERSONAL`
(`name: Annotated[str | None, PERSONAL] = None`). What any view shows is what its model
declares, an allowlist: attributes a model does not declare never reach it (the contract's
models ignore them), and a role that may not see personal data gets the declared fields
with the marked ones emptied (None, left out of the JSON), however deep they sit.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class _Personal:
    """The marker's type: one instance, compared by identity."""

    def __repr__(self) -> str:
        return "PERSONAL"


#: Annotated metadata marking a field as personal data (names, birth dates, A-numbers,
#: evidence, free text). It changes neither validation nor the JSON Schema.
PERSONAL: Final = _Personal()


def _personal_names(model: type[BaseModel]) -> frozenset[str]:
    found = _CACHE.get(model)
    if found is None:
        found = frozenset(
            name
            for name, info in model.model_fields.items()
            if any(m is PERSONAL for m in info.metadata)
        )
        _CACHE[model] = found
    return found


_CACHE: dict[type[BaseModel], frozenset[str]] = {}


def withhold(model: M) -> M:
    """A copy of `model` with every personal field, at any depth, emptied (None, even
    where the contract requires a value: the copy is for showing, never for judging)."""
    update: dict[str, Any] = {}
    personal = _personal_names(type(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in personal:
            if value is not None:
                update[name] = None
        elif isinstance(value, BaseModel):
            kept = withhold(value)
            if kept is not value:
                update[name] = kept
        elif isinstance(value, tuple) and any(isinstance(v, BaseModel) for v in value):
            items = tuple(withhold(v) if isinstance(v, BaseModel) else v for v in value)
            if any(a is not b for a, b in zip(items, value, strict=True)):
                update[name] = items
    return model.model_copy(update=update) if update else model


def personal_fields(model: BaseModel, prefix: str = "") -> list[str]:
    """The dotted paths of the personal fields that hold a value (e.g. `person.name`)."""
    out: list[str] = []
    personal = _personal_names(type(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if name in personal:
            if value is not None:
                out.append(path)
        elif isinstance(value, BaseModel):
            out += personal_fields(value, f"{path}.")
        elif isinstance(value, tuple):
            for i, v in enumerate(value):
                if isinstance(v, BaseModel):
                    out += personal_fields(v, f"{path}.{i}.")
    return out
