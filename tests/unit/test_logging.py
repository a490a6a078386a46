"""Logging adapter: PII never reaches a log line or traceback, and library loggers emit our JSON."""

import io
import json
import logging
from typing import Any

import pydantic
import pytest
import structlog

from holdwatch.adapters.logging import (
    PII_KEYS,
    RE_HOMED_LOGGERS,
    configure_logging,
    get_logger,
    redact_pii,
)

SECRET = "Jane Roe"
PII_KEY_SPELLINGS = [*sorted(PII_KEYS), "Name", "DOB", "A_Number", "A-Number", "Date_Of_Birth"]


@pytest.fixture(autouse=True)
def _restored(restore_logging: None) -> None:
    """Every test here reconfigures logging; the fixture puts it back after."""


def capture(level: str = "DEBUG") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level, stream)
    return stream


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


# --- redact_pii as a pure processor -------------------------------------------------------


@pytest.mark.parametrize("key", PII_KEY_SPELLINGS)
def test_pii_key_redacted_at_top_level_and_nested(key: str) -> None:
    event = {
        "event": "e",
        key: SECRET,
        "payload": {"inner": [{key: SECRET}], "pair": ({key: {"deep": SECRET}}, "ok")},
    }
    out = redact_pii(None, "info", event)
    assert out[key] == "[REDACTED]"
    assert out["payload"]["inner"][0][key] == "[REDACTED]"
    assert out["payload"]["pair"] == ({key: "[REDACTED]"}, "ok")
    assert SECRET not in repr(out)
    assert event[key] == SECRET  # the caller's dict is not mutated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("detainer for A123456789 filed", "detainer for [A-NUMBER] filed"),
        ("old file A12345678.", "old file [A-NUMBER]."),
        ("dashed A-123-456-789 here", "dashed [A-NUMBER] here"),
        ("spaced A 123 456 789", "spaced [A-NUMBER]"),
        ("prefixed A-123456789", "prefixed [A-NUMBER]"),
        ("two: A123456789,A987654321", "two: [A-NUMBER],[A-NUMBER]"),
        ("too short A1234567", "too short A1234567"),
        ("too long A1234567890", "too long A1234567890"),
        ("not a prefix BA123456789", "not a prefix BA123456789"),
        ("plain 123456789", "plain 123456789"),
    ],
)
def test_a_number_masked_inside_free_text(text: str, expected: str) -> None:
    assert redact_pii(None, "info", {"event": text, "note": [text]}) == {
        "event": expected,
        "note": [expected],
    }


def test_non_pii_values_untouched() -> None:
    event = {"event": "hold", "booking_id": "B-2024-0001", "agency": "Alameda", "code": "PC 459"}
    assert redact_pii(None, "info", dict(event)) == event


def test_whole_person_object_redacted() -> None:
    out = redact_pii(None, "info", {"person": {"name": SECRET, "booking_id": "B1"}})
    assert out == {"person": "[REDACTED]"}


# --- configure_logging end to end ---------------------------------------------------------


def test_structlog_line_is_redacted_json() -> None:
    stream = capture()
    get_logger("holdwatch.test").info(
        "hold seen A123456789",
        booking_id="B1",
        agency="Alameda",
        code="PC 459",
        person={"dob": "1990"},
    )
    [line] = lines(stream)
    assert line["event"] == "hold seen [A-NUMBER]"
    assert line["person"] == "[REDACTED]"
    assert (line["booking_id"], line["agency"], line["code"]) == ("B1", "Alameda", "PC 459")
    assert (line["level"], line["logger"]) == ("info", "holdwatch.test")
    assert line["timestamp"].endswith("Z")


def test_stdlib_extra_is_redacted_json() -> None:
    stream = capture()
    logging.getLogger("x").warning("msg", extra={"a_number": "A123456789", "booking_id": "B1"})
    [line] = lines(stream)
    assert line["event"] == "msg"
    assert line["a_number"] == "[REDACTED]"
    assert line["booking_id"] == "B1"
    assert (line["level"], line["logger"]) == ("warning", "x")


@pytest.mark.parametrize("name", RE_HOMED_LOGGERS)
def test_library_loggers_emit_our_json(name: str) -> None:
    stream = capture()
    library_logger = logging.getLogger(name)
    assert library_logger.handlers == []
    assert library_logger.propagate
    library_logger.warning("consumer started for A123456789")
    [line] = lines(stream)
    assert line["logger"] == name
    assert line["event"] == "consumer started for [A-NUMBER]"


def _fail_with_pii_local() -> None:
    full_name = SECRET
    raise RuntimeError("lookup failed for booking B1 " + str(len(full_name)))


@pytest.mark.parametrize("use_structlog", [True, False])
def test_exception_traceback_omits_frame_variables(use_structlog: bool) -> None:
    stream = capture()
    try:
        _fail_with_pii_local()
    except RuntimeError:
        if use_structlog:
            get_logger("t").exception("boom")
        else:
            logging.getLogger("t").exception("boom")
    text = stream.getvalue()
    assert SECRET not in text
    assert "locals" not in text
    [line] = lines(stream)
    [stack] = line["exception"]
    assert stack["exc_type"] == "RuntimeError"
    assert stack["frames"][-1]["name"] == "_fail_with_pii_local"


def test_exception_message_a_number_is_masked() -> None:
    stream = capture()
    try:
        raise ValueError("no hold for A123456789")
    except ValueError:
        get_logger("t").exception("boom")
    assert "A123456789" not in stream.getvalue()
    [line] = lines(stream)
    assert line["exception"][0]["exc_value"] == "no hold for [A-NUMBER]"


class Person(pydantic.BaseModel):
    name: int


@pytest.mark.parametrize("use_structlog", [True, False])
def test_pydantic_validation_error_does_not_echo_input(use_structlog: bool) -> None:
    stream = capture()
    try:
        Person.model_validate({"name": SECRET})
    except pydantic.ValidationError as exc:
        if use_structlog:
            get_logger("t").exception("invalid", error=str(exc))
        else:
            logging.getLogger("t").exception("invalid")
    text = stream.getvalue()
    assert SECRET not in text
    assert "input_value=[REDACTED]" in text
    [line] = lines(stream)
    assert line["exception"][0]["exc_type"] == "ValidationError"


def test_configure_twice_emits_one_line_per_call() -> None:
    configure_logging("INFO", io.StringIO())
    stream = capture()
    get_logger("t").info("once")
    logging.getLogger("faststream").info("once")
    assert [line["event"] for line in lines(stream)] == ["once", "once"]
    assert len(logging.getLogger().handlers) == 1


def test_level_filters_lower_records() -> None:
    stream = capture("warning")
    get_logger("t").info("dropped")
    logging.getLogger("t").debug("dropped")
    get_logger("t").warning("kept")
    assert [line["event"] for line in lines(stream)] == ["kept"]


def test_contextvars_are_merged_and_redacted() -> None:
    stream = capture()
    structlog.contextvars.bind_contextvars(booking_id="B1", full_name=SECRET)
    get_logger("t").info("bound")
    [line] = lines(stream)
    assert (line["booking_id"], line["full_name"]) == ("B1", "[REDACTED]")
