"""JSON Schema for the contract, generated from the models (CI fails when they drift).

`format` is an annotation that standard validators skip unless told to check it, so every
timestamp also carries a `pattern`: an event's the exact form and years of `Instant`, a
finding's the UTC offset.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from holdwatch.app.compare import Comparison
from holdwatch.domain.events import EVENT_MODELS, Event
from holdwatch.domain.findings import Finding
from holdwatch.domain.instants import OFFSET_PATTERN

SCHEMA_ID = "https://holdwatch.org/schemas/v1"


def _with_offset_pattern(node: Any) -> Any:
    """Every `date-time` without a pattern of its own gets the UTC-offset pattern."""
    if isinstance(node, dict):
        out = {k: _with_offset_pattern(v) for k, v in node.items()}
        if out.get("format") == "date-time" and "pattern" not in out:
            out["pattern"] = OFFSET_PATTERN
        return out
    if isinstance(node, list):
        return [_with_offset_pattern(v) for v in node]
    return node


def _schema(model: Any, name: str) -> dict[str, Any]:
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    schema: dict[str, Any] = _with_offset_pattern(adapter.json_schema(mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID}/{name}",
        **schema,
    }


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema: one per event type, the event union, the finding, and
    `audit --compare`'s output."""
    out: dict[str, dict[str, Any]] = {}
    for model in EVENT_MODELS:
        event_type = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
        out[f"events/{event_type}.json"] = _schema(model, f"events/{event_type}.json")
    out["event.json"] = _schema(Event, "event.json")
    out["finding.json"] = _schema(Finding, "finding.json")
    out["comparison.json"] = _schema(Comparison, "comparison.json")
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(directory: Path) -> list[Path]:
    written: list[Path] = []
    for name, schema in schemas().items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
