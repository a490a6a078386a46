"""`holdwatch audit --jobs N` gives the serial audit's output, to the byte: on every
fixture, on a simulated history, under `--compare`, for unreadable input and for a booking
the core fails to judge."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import Audit, AuditInputError, audit_each, read_events
from holdwatch.app.audit_jobs import audit_each_jobs, split_lines
from holdwatch.app.simulate import JAILS, Knobs, simulate
from holdwatch.entrypoints import audit_cmd, cli
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.profile import Agency
from holdwatch.policy.registry import resolve

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures").rglob("*.jsonl"))
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
PROFILES = ("ca-sb54", "us-federal", "wa-kww", "il-trust", "ny-nyc")


def _fixture_lines() -> list[bytes]:
    return [line for path in FIXTURES for line in split_lines(path.read_bytes())]


def _simulated() -> bytes:
    knobs = Knobs(detainer_rate=0.2, violation_rate=0.3)
    events = [
        e
        for jail in JAILS.values()
        for e in simulate(jail, datetime(2025, 3, 1, tzinfo=UTC), 20, 11, knobs)
    ]
    return "".join(json.dumps(e) + "\n" for e in events).encode()


def _same(a: list[Audit], b: list[Audit]) -> None:
    assert [[f.model_dump_json() for f in x.findings] for x in a] == [
        [f.model_dump_json() for f in x.findings] for x in b
    ]
    assert [x.skipped for x in a] == [[*x.skipped] for x in b]


def test_the_fixtures_hold_many_bookings_and_findings() -> None:
    serial = audit_each(_fixture_lines(), [resolve("ca-sb54")], AS_OF)
    assert len(FIXTURES) > 40 and len(serial[0].findings) > 40


@pytest.mark.parametrize("jobs", [2, 3])
def test_every_fixture_under_each_profile_judged_on_several_processes(jobs: int) -> None:
    lines = _fixture_lines()
    profiles = [resolve(p) for p in PROFILES]
    _same(audit_each(lines, profiles, AS_OF), audit_each_jobs(lines, profiles, AS_OF, jobs))


def test_a_simulated_history_gives_the_same_findings_on_two_processes() -> None:
    lines = split_lines(_simulated())
    profiles = [resolve("ca-sb54"), resolve("us-federal")]
    serial = audit_each(lines, profiles, AS_OF)
    assert len(serial[0].findings) > 20
    _same(serial, audit_each_jobs(lines, profiles, AS_OF, 2))


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", "audit", str(path), *args],
        capture_output=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    "extra",
    [
        ("--format", "json"),
        ("--format", "table"),
        ("--compare", "us-federal"),
        ("--compare", "us-federal", "--format", "table"),
    ],
)
def test_the_cli_prints_the_same_bytes_for_jobs_1_and_2(tmp_path: Path, extra: tuple[str]) -> None:
    path = tmp_path / "history.jsonl"
    path.write_bytes(_simulated())
    args = ("--profile", "ca-sb54", "--as-of", "2026-01-01T00:00:00Z", *extra)
    one, two = _cli(path, *args, "--jobs", "1"), _cli(path, *args, "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert len(one.stdout) > 1_000
    assert one.stdout == two.stdout and one.stderr == two.stderr


def test_unreadable_lines_are_reported_alike(tmp_path: Path) -> None:
    good = split_lines(_simulated())
    bad = [
        b"not json",
        b'{"agency": 5, "subject": "X", "type": "booking.created"}',  # placed by validation
        b'{"type": "release.eligible"}',
        good[3].replace(b'"time": "', b'"time": "9'),
        b"[1, 2]",
    ]
    lines = [*good[:5], bad[0], *good[5:50], *bad[1:3], *good[50:], *bad[3:]]
    profiles = [resolve("ca-sb54")]
    with pytest.raises(AuditInputError) as serial:
        audit_each(lines, profiles, AS_OF)
    with pytest.raises(AuditInputError) as jobs:
        audit_each_jobs(lines, profiles, AS_OF, 2)
    assert str(serial.value) == str(jobs.value)
    assert len(jobs.value.errors) == len(bad)


def test_a_line_only_the_validator_can_place_joins_its_booking() -> None:
    """orjson refuses an integer past 64 bits; the contract ignores the unknown attribute
    that carries it, so the line is one more event of its booking."""
    good = split_lines(_simulated())
    odd = good[7].replace(b"{", b'{"x-extra": 123456789012345678901234567890, ', 1)
    lines = [*good[:7], odd, *good[8:]]
    profiles = [resolve("ca-sb54")]
    _same(audit_each(lines, profiles, AS_OF), audit_each_jobs(lines, profiles, AS_OF, 2))


def _boom(ctx: Context, out: Out) -> None:
    if ctx.state.booking_id is not None and ctx.state.booking_id.endswith("7"):
        raise OverflowError("made to fail")


def test_a_booking_the_core_fails_to_judge_is_skipped_alike() -> None:
    lines = split_lines(_simulated())
    profile = resolve("ca-sb54")
    failing = [replace(profile, rules=(*profile.rules, _boom))]
    serial = audit_each(lines, failing, AS_OF)
    assert serial[0].skipped
    _same(serial, audit_each_jobs(lines, failing, AS_OF, 2))


@pytest.mark.parametrize("text", ["-1", "two"])
def test_jobs_must_be_a_count_or_auto(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["audit", "-", "--profile", "ca-sb54", "--jobs", text])
    assert "--jobs" in capsys.readouterr().err


def test_auto_and_0_use_every_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_cmd, "cores", lambda: 4)
    assert audit_cmd.jobs("auto") == audit_cmd.jobs("0") == 4
    assert audit_cmd.jobs("3") == 3


def test_the_cli_reads_stdin_with_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _simulated()
    outputs = []
    for jobs in ("1", "2"):
        stdin = io.TextIOWrapper(io.BytesIO(data))
        monkeypatch.setattr(sys, "stdin", stdin)
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        args = ["audit", "-", "--profile", "ca-sb54", "--as-of", "2026-01-01T00:00:00Z"]
        assert cli.main([*args, "--jobs", jobs]) == 0
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1_000


def test_a_missing_file_is_bad_input_with_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.jsonl"
    assert cli.main(["audit", str(missing), "--profile", "ca-sb54", "--jobs", "2"]) == 2
    assert "none.jsonl: No such file or directory" in capsys.readouterr().err


def test_a_repeated_envelope_key_places_the_line_as_the_validator_reads_it() -> None:
    """The contract takes a repeated key's last value, the quick read (`line_key`) may take
    the first: the check of each validated event finds the line misplaced, and the result
    is still the serial audit's."""
    good = split_lines(_simulated())
    moved = good[9].rstrip()[:-1] + b', "subject": "ELSEWHERE"}'
    lines = [*good[:9], moved, *good[10:]]
    assert any(subject == "ELSEWHERE" for _agency, subject in read_events(lines))
    profiles = [resolve("ca-sb54")]
    _same(audit_each(lines, profiles, AS_OF), audit_each_jobs(lines, profiles, AS_OF, 2))


@pytest.mark.parametrize("jobs", [2, 3])
def test_agency_records_and_facts_are_judged_as_the_serial_audit_judges_them(jobs: int) -> None:
    """Texas and Florida judge each agency's own record, made up where the history has
    none; the agencies file's kind and zone reach the workers."""
    lines = _fixture_lines()
    after = datetime(2026, 12, 3, tzinfo=UTC)
    profiles = [resolve("tx-sb4"), resolve("fl-908")]
    agencies = {a for a, _ in read_events(lines)}
    facts = {a: Agency(kind="city_jail") for a in sorted(agencies)[::3]}
    facts |= {a: Agency(zone="America/Denver") for a in sorted(agencies)[1::3]}
    serial = audit_each(lines, profiles, after, facts)
    missing = [f for f in serial[0].findings if f.code == "AGREEMENT_287G_MISSING"]
    assert missing and len({f.agency for f in missing}) > 1
    _same(serial, audit_each_jobs(lines, profiles, after, jobs, facts))
