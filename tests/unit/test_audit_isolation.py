"""`holdwatch audit` isolates failure per booking: one the core cannot judge is named on
stderr with its error's class (never a value) and the others' findings are still printed.

No valid input makes the core raise any more (the contract bounds every instant and the
arithmetic clamps), so the failure is a rule made to raise for one booking.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from holdwatch.app.audit import Skipped, audit, audit_isolated
from holdwatch.entrypoints import audit_cmd, cli
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.policy.registry import resolve

ROOT = Path(__file__).resolve().parents[2]
S01 = ROOT / "tests" / "fixtures" / "scenarios" / "S01.jsonl"
AS_OF = "2025-04-10T00:00:00-07:00"
SECRET = "zq-Secret-Name-zq"


def _history() -> list[str]:
    """S01 twice: as itself, and as booking BAD (the same events under another subject)."""
    good = [json.loads(line) for line in S01.read_text().splitlines() if line.strip()]
    bad = [{**e, "id": f"bad-{e['id']}", "subject": "BAD"} for e in good]
    return [json.dumps(e) for e in (*bad[:3], *good, *bad[3:])]


def _boom(ctx: Context, out: Out) -> None:
    if ctx.state.booking_id == "BAD":
        raise OverflowError(f"date value out of range near {SECRET}")


def _failing(spec: str) -> Rulebook:
    profile = resolve(spec)
    return replace(profile, rules=(*profile.rules, _boom))


def test_a_booking_that_raises_is_skipped_and_the_others_are_judged() -> None:
    as_of = datetime.fromisoformat(AS_OF)
    result = audit_isolated(_history(), _failing("ca-sb54"), as_of)
    assert result.skipped == [Skipped("lasd", "BAD", "OverflowError")]
    alone = audit(S01.read_text().splitlines(), resolve("ca-sb54"), as_of)
    assert result.findings == alone
    assert alone


def test_the_plain_audit_still_raises_for_callers_that_want_to_know() -> None:
    with pytest.raises(OverflowError):
        audit(_history(), _failing("ca-sb54"), datetime.fromisoformat(AS_OF))


def test_cli_prints_the_others_findings_names_the_booking_and_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(_history()) + "\n")
    monkeypatch.setattr(audit_cmd, "registry_for", lambda _dir: SimpleNamespace(resolve=_failing))
    code = cli.main(["audit", str(path), "--profile", "ca-sb54", "--as-of", AS_OF])
    out, err = capsys.readouterr()
    assert code == audit_cmd.EXIT_SKIPPED == 3
    findings = json.loads(out)
    assert findings and {f["booking_id"] for f in findings} == {"S01"}
    assert err == "holdwatch audit: booking lasd/BAD not judged (OverflowError)\n"
    assert SECRET not in err


def test_an_id_cannot_break_the_line() -> None:
    assert str(Skipped("lasd", "B\n1", "ValueError")) == "booking lasd/B?1 not judged (ValueError)"
