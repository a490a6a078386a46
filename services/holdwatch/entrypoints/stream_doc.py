"""The stream contract as an AsyncAPI 3.0 document: the events and alerts channels.

FastStream writes the document from the monitor's own declarations (`monitor.declare`),
so channels, operations and bindings are the running app's. Two things FastStream cannot
know are set after: a batch subscriber's handler takes a list, while each stream entry is
one event; and the payload schemas are the committed JSON Schemas (schemas/event.json,
schemas/finding.json, with the patterns a default validator enforces), their `$defs`
lifted into `components.schemas`, so the document and the schemas cannot disagree.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from faststream.redis import RedisBroker
from faststream.redis.annotations import RedisBatchStreamMessage
from faststream.specification import AsyncAPI

from holdwatch.app.schemas import render, schemas
from holdwatch.entrypoints.monitor import declare
from holdwatch.settings import Settings

FILE = "asyncapi.json"
#: channel title -> (the committed schema its entries carry, the component it becomes)
PAYLOADS = {"events": ("event.json", "Event"), "alerts": ("finding.json", "Finding")}
#: where the document's server points: the default, not this machine's
SERVER = "redis://localhost:6379/0"


def _defaults() -> Settings:
    """The default settings, whatever this environment sets: the document is committed."""
    fields = Settings.model_fields.items()
    values = {n: f.get_default(call_default_factory=False) for n, f in fields}
    return Settings.model_construct(**values | {"consumer": "$HOLDWATCH_CONSUMER"})


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/$defs/", "#/components/schemas/")
                if k == "$ref" and isinstance(v, str)
                else _rewrite(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def _lift(schema: dict[str, Any], name: str, into: dict[str, Any]) -> None:
    """`schema`'s definitions into components (refs rewritten); itself under `name`."""
    top = {k: v for k, v in schema.items() if k not in ("$defs", "$schema", "$id")}
    for key, value in [*schema.get("$defs", {}).items(), (name, top)]:
        lifted = _rewrite(value)
        if into.setdefault(key, lifted) != lifted:
            raise ValueError(f"two schemas named {key} differ")


async def _ignore(msg: RedisBatchStreamMessage, *stream: str) -> None:
    """The document's broker never runs: its handlers are never called."""


def document() -> dict[str, Any]:
    broker = RedisBroker(SERVER, logger=logging.getLogger("holdwatch.broker"))
    declare(broker, _defaults(), _ignore, _ignore)
    spec = AsyncAPI(
        broker,
        title="holdwatch streams",
        version="1",
        description="The Redis streams holdwatch reads and writes: the jail's events in, "
        "findings out. Every payload is the JSON Schema committed in schemas/.",
        schema_version="3.0.0",
    )
    doc: dict[str, Any] = spec.to_specification().to_jsonable()
    contract = schemas()
    components: dict[str, Any] = {}
    messages = doc["components"]["messages"]
    if set(doc["channels"]) != set(PAYLOADS):
        raise ValueError(f"channels {sorted(doc['channels'])}, expected {sorted(PAYLOADS)}")
    for title, channel in doc["channels"].items():
        file, name = PAYLOADS[title]
        _lift(contract[file], name, components)
        for ref in channel["messages"].values():
            message = messages[ref["$ref"].rsplit("/", 1)[1]]
            message.pop("correlationId", None)  # FastStream's header: a raw entry has none
            message |= {
                "title": name,
                "payload": {"$ref": f"#/components/schemas/{name}"},
                "contentType": "application/json",
            }
    doc["components"]["schemas"] = dict(sorted(components.items()))
    return doc


def export(directory: Path) -> Path:
    path = directory / FILE
    path.write_text(render(document()), encoding="utf-8")
    return path


@cache
def served() -> bytes:
    """The document as the API serves it (built once per process)."""
    return json.dumps(document(), sort_keys=True).encode()
