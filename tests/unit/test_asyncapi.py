"""The streams' AsyncAPI document: FastStream's, from the monitor's own declarations, with
the committed JSON Schemas as its payloads; committed as schemas/asyncapi.json (drift
fails here). The API serving it: tests/integration/test_deadlines.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from faststream.specification import AsyncAPI
from jsonschema import Draft202012Validator

from holdwatch.app.audit import audit
from holdwatch.app.schemas import render, schemas
from holdwatch.bootstrap import build, build_notifier
from holdwatch.entrypoints.monitor import create_app
from holdwatch.entrypoints.notify import create_notify_app
from holdwatch.entrypoints.stream_doc import document
from holdwatch.policy.registry import resolve
from holdwatch.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = document()


def _resolve(node: Any, root: dict[str, Any], prefix: str) -> Any:
    """`node` with every local `$ref` under `prefix` replaced by what it points to."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(prefix):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part]
            return _resolve(target, root, prefix)
        return {k: _resolve(v, root, prefix) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, root, prefix) for v in node]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_the_committed_document_matches_the_code() -> None:
    committed = (ROOT / "schemas" / "asyncapi.json").read_text(encoding="utf-8")
    assert committed == render(DOC), "schemas/asyncapi.json drifted: run `make schemas`"


def test_the_document_is_asyncapi_3_with_the_two_channels_and_their_operations() -> None:
    assert DOC["asyncapi"] == "3.0.0" and DOC["info"]["title"] and DOC["info"]["version"]
    assert set(DOC["channels"]) == {"events", "alerts"}  # the internal timers stream is not
    assert DOC["channels"]["events"]["address"] == "holdwatch:events"
    assert DOC["channels"]["alerts"]["address"] == "holdwatch:alerts"
    actions = {name: op["action"] for name, op in DOC["operations"].items()}
    assert actions == {"events": "receive", "alerts": "send"}
    for name, op in DOC["operations"].items():
        assert op["channel"] == {"$ref": f"#/channels/{name}"}
    for ref in _refs(DOC):  # every reference resolves inside the document
        assert ref.startswith("#/"), ref
        target: Any = DOC
        for part in ref[2:].split("/"):
            assert part in target, ref
            target = target[part]
    assert "EmptyPayload" not in json.dumps(DOC)


@pytest.mark.parametrize(
    ("channel", "file"), [("events", "event.json"), ("alerts", "finding.json")]
)
def test_each_payload_is_the_committed_json_schema(channel: str, file: str) -> None:
    (message_ref,) = DOC["channels"][channel]["messages"].values()
    message = _resolve(message_ref, DOC, "#/components/messages/")
    payload = _resolve(message["payload"], DOC, "#/components/schemas/")
    committed = json.loads((ROOT / "schemas" / file).read_text(encoding="utf-8"))
    expected = _resolve(committed, committed, "#/$defs/")
    expected = {k: v for k, v in expected.items() if k not in ("$defs", "$schema", "$id")}
    assert payload == expected
    assert committed == schemas()[file]  # and the committed file is the models'


def test_a_real_event_and_finding_validate_against_the_document() -> None:
    def validator(channel: str) -> Draft202012Validator:
        (ref,) = DOC["channels"][channel]["messages"].values()
        message = _resolve(ref, DOC, "#/components/messages/")
        return Draft202012Validator(_resolve(message["payload"], DOC, "#/components/schemas/"))

    line = (ROOT / "examples" / "ca-sb54-s01.jsonl").read_text(encoding="utf-8").splitlines()[0]
    validator("events").validate(json.loads(line))
    assert not validator("events").is_valid({**json.loads(line), "time": "2025-04-08T11:00:00"})
    with (ROOT / "examples" / "ca-sb54-s01.jsonl").open("rb") as handle:
        findings = list(audit(handle, resolve("ca-sb54"), datetime(2026, 1, 1, tzinfo=UTC)))
    assert findings
    for finding in findings:
        validator("alerts").validate(finding.model_dump(mode="json"))


def test_the_running_apps_declare_their_message_types(tmp_path: Path) -> None:
    """Not only the document's broker: the monitor's and the notifier's apps, as built to
    run, show the contract's models, never FastStream's `EmptyPayload`."""
    routing = tmp_path / "routing.toml"
    routing.write_text('[[routes]]\nname = "all"\nemails = ["intake@example.org"]\n')
    s = Settings(  # a client is made, never connected: nothing here reads Redis
        redis_url="redis://127.0.0.1:6379/0", default_profile="us-federal", routing_file=routing
    )
    for app, channels, model in (
        (create_app(build(s)), {"events", "alerts"}, "BookingCreated"),
        (create_notify_app(build_notifier(s)), {"alerts"}, "Finding"),
    ):
        doc = AsyncAPI(app.broker).to_specification().to_jsonable()
        assert set(doc["channels"]) == channels
        assert model in doc["components"]["schemas"]
        assert "EmptyPayload" not in json.dumps(doc)
