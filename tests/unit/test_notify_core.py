"""The notifier's and the API's pure parts: routing, notices, backoff, signatures, message
text, tokens and roles (what each role is shown: tests/unit/test_personal.py)."""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from holdwatch.adapters.mail import message_id_for
from holdwatch.adapters.webhook import sign
from holdwatch.app import messages
from holdwatch.app.access import Principal, TokenTable
from holdwatch.app.notifier import Retry, job_id
from holdwatch.app.routing import Recipient, RoutingTable, notice_for
from holdwatch.domain.findings import Finding

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
ENV = {"PD_SECRET": SECRET, "SUP_SECRET": SECRET}

ROUTES = """
[webhooks.pd]
url = "https://pd.example.org/hook"
secret_env = "PD_SECRET"

[webhooks.sup]
url = "https://pd.example.org/supervisor"
secret_env = "SUP_SECRET"

[[routes]]
name = "la"
agencies = ["lasd"]
webhooks = ["pd"]
emails = ["intake@pd.example.org"]

[routes.escalation]
after_minutes = 90
webhooks = ["sup"]

[[routes]]
name = "holds-anywhere"
codes = ["HOLD_BARRED", "HOLD_OVER_WINDOW"]
severities = ["critical", "high"]
webhooks = ["pd"]
emails = ["holds@pd.example.org"]

[[routes]]
name = "men-central"
facilities = ["Men's Central Jail"]
emails = ["mcj@pd.example.org"]
"""


def finding(**change: object) -> Finding:
    base: dict[str, object] = {
        "finding_id": "f1",
        "code": "HOLD_BARRED",
        "kind": "violation",
        "severity": "high",
        "agency": "lasd",
        "booking_id": "B1",
        "detainer_id": "D1",
        "violation_at": datetime(2025, 11, 2, 9, 30, tzinfo=UTC),
        "ended_at": None,
        "duration_seconds": None,
        "policy": "ca-sb54@2018-01-01",
        "citation": "Cal. Gov. Code §7284.6(a)(1)(B)",
        "explanation": "Held past release on an ICE request.",
        "evidence": ("e1",),
        "status": "open",
        "rule": "values_act.hold",
        "facility": "Twin Towers",
        "timezone": "America/Los_Angeles",
    }
    return Finding.model_validate(base | change)


@pytest.fixture
def table(tmp_path: Path) -> RoutingTable:
    path = tmp_path / "routing.toml"
    path.write_text(ROUTES, encoding="utf-8")
    return RoutingTable.load(path, ENV)


@pytest.mark.parametrize(
    ("change", "recipients"),
    [
        ({}, ["webhook:pd", "email:intake@pd.example.org", "email:holds@pd.example.org"]),
        ({"agency": "sfso"}, ["webhook:pd", "email:holds@pd.example.org"]),
        ({"severity": "warning"}, ["webhook:pd", "email:intake@pd.example.org"]),
        ({"agency": "sfso", "code": "NOTIFY_UNAUTHORIZED"}, []),
        (
            {"agency": "sfso", "severity": "info", "facility": "Men's Central Jail"},
            ["email:mcj@pd.example.org"],
        ),
    ],
)
def test_routes_match_on_every_filter_and_name_each_recipient_once(
    table: RoutingTable, change: dict[str, object], recipients: list[str]
) -> None:
    assert [r.key for r in table.recipients(finding(**change))] == recipients


@pytest.mark.parametrize(
    ("severity", "agency", "escalates"),
    [
        ("critical", "lasd", True),
        ("high", "lasd", True),
        ("warning", "lasd", False),
        ("info", "lasd", False),
        ("critical", "sfso", False),
    ],
)
def test_only_high_and_critical_findings_on_an_escalating_route_escalate(
    table: RoutingTable, severity: str, agency: str, escalates: bool
) -> None:
    found = table.escalations(finding(severity=severity, agency=agency))
    assert bool(found) is escalates
    if escalates:
        assert found[0].after == timedelta(minutes=90)
        assert found[0].recipients == (Recipient("webhook", "sup"),)


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[[routes]]\nname = 'x'\nwebhooks = ['nope']\n", ENV, "unknown webhooks ['nope']"),
        (ROUTES, {"PD_SECRET": SECRET}, "SUP_SECRET unset"),
        (ROUTES, {"PD_SECRET": "not base64!", "SUP_SECRET": SECRET}, "PD_SECRET: not a whsec_"),
        ("[[routes]]\nname = 'x'\nseverities = ['urgent']\n", ENV, "routes.0.severities"),
        ("[[routes]]\nname = 'x'\nemails = ['not-an-address']\n", ENV, "routes.0.emails.0"),
        ("[webhooks.pd]\nurl = 'ftp://x'\nsecret_env = 'PD_SECRET'\n", ENV, "webhooks.pd.url"),
        ("[[routes]]\nname = 'x'\nbogus = 1\n", ENV, "routes.0.bogus"),
    ],
)
def test_a_bad_routing_file_fails_at_start_naming_the_field(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    path = tmp_path / "routing.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        RoutingTable.load(path, env)
    assert message in str(err.value)
    assert "0123456789abcdef" not in str(err.value)  # a secret is never echoed


@pytest.mark.parametrize(
    ("change", "status", "notice"),
    [
        ("new", "open", "opened"),
        ("new", "resolved", "opened"),  # an instant violation is news, not an ending
        ("changed", "resolved", "resolved"),
        ("changed", "open", None),
        ("superseded", "superseded", "superseded"),
    ],
)
def test_notice_for_each_change(change: str, status: str, notice: str | None) -> None:
    ended = {} if status == "open" else {"ended_at": datetime(2025, 11, 2, 12, tzinfo=UTC)}
    assert notice_for(change, finding(status=status, **ended)) == notice


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 1), (2, 2), (3, 4), (8, 128), (9, 256), (10, 300), (99, 300)]
)
def test_backoff_doubles_up_to_its_cap(attempts: int, seconds: int) -> None:
    assert Retry().ceiling(attempts) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 1), (3, 4), (9, 256), (10, 300), (99, 300)])
def test_backoff_jitter_is_equal_jitter_within_half_and_whole_step(
    attempts: int, seconds: int
) -> None:
    step = timedelta(seconds=seconds)
    retry = Retry()
    assert retry.delay(attempts, 0.0) == step / 2  # never sooner than half the step
    assert retry.delay(attempts, 0.5) == step * 3 / 4
    assert retry.delay(attempts, 0.999999) < step
    draws = random.Random(13)
    delays = [retry.delay(attempts, draws.random()) for _ in range(500)]
    assert all(step / 2 <= d < step for d in delays)
    assert len(set(delays)) > 400  # spread out: replicas do not retry in lockstep
    again = random.Random(13)  # seeded: the same draws, the same schedule
    assert delays == [retry.delay(attempts, again.random()) for _ in range(500)]


def test_a_stable_message_id_per_delivery() -> None:
    one = message_id_for("0123abcd", "holdwatch@defender.example.org")
    assert one == "<0123abcd.holdwatch@defender.example.org>"
    assert message_id_for("0123abcd", "holdwatch@defender.example.org") == one
    assert message_id_for("0123abce", "holdwatch@defender.example.org") != one
    assert message_id_for("x", "Holdwatch <hw@pd.example.org>") == "<x.holdwatch@pd.example.org>"
    assert message_id_for("x", "localhost") == "<x.holdwatch@holdwatch.invalid>"


def test_signature_matches_the_standard_webhooks_reference() -> None:
    body = messages.webhook_body(finding(), "opened", datetime(2025, 11, 2, tzinfo=UTC))
    now = datetime.now(UTC).replace(microsecond=0)
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    ours = sign(key, "msg_1", int(now.timestamp()), body)
    assert ours == Webhook(SECRET).sign("msg_1", now, body.decode())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(now.timestamp()))}
    assert Webhook(SECRET).verify(body, headers | {"webhook-signature": ours})["type"] == (
        "finding.opened"
    )


def test_job_ids_are_stable_and_distinct() -> None:
    pd, mail = Recipient("webhook", "pd"), Recipient("email", "a@b.org")
    assert job_id("f1", pd, "opened") == job_id("f1", pd, "opened")
    ids = {
        job_id(f, r, n) for f in ("f1", "f2") for r in (pd, mail) for n in ("opened", "resolved")
    }
    assert len(ids) == 8


def test_messages_read_in_the_jails_time_and_carry_the_authority() -> None:
    f = finding(
        status="resolved",
        ended_at=datetime(2025, 11, 2, 15, tzinfo=UTC),
        duration_seconds=5 * 3600 + 30 * 60,
    )
    text = messages.text_body(f, "resolved")
    assert "Finding ended" in text and "Held past release on an ICE request." in text
    assert "Sun 02 Nov 2025 01:30 PST" in text  # 09:30 UTC, after the fall-back
    assert "5 h 30 m" in text and "Cal. Gov. Code §7284.6(a)(1)(B)" in text
    html = messages.html_body(finding(explanation="<b>held</b> & kept"), "opened")
    assert "&lt;b&gt;held&lt;/b&gt; &amp; kept" in html
    body = json.loads(messages.webhook_body(f, "resolved", datetime(2025, 11, 2, tzinfo=UTC)))
    assert body["type"] == "finding.resolved" and body["data"]["finding"]["finding_id"] == "f1"
    assert messages.subject(f, "escalated").startswith("[holdwatch] Not yet acknowledged: ")


def test_the_example_routing_file_loads() -> None:
    path = Path(__file__).resolve().parents[2] / "deploy" / "routing.example.toml"
    env = {
        "HOLDWATCH_WEBHOOK_SECRET_LASD_DEFENDERS": SECRET,
        "HOLDWATCH_WEBHOOK_SECRET_LASD_SUPERVISOR": SECRET,
    }
    table = RoutingTable.load(path, env)
    keys = [r.key for r in table.recipients(finding())]
    assert keys == [
        "webhook:lasd-defenders",
        "email:intake@defender.example.org",
        "email:immigration-unit@defender.example.org",
    ]


@pytest.mark.parametrize(
    ("token", "role", "agencies"),
    [
        ("example-defender", "defender", {"lasd"}),
        ("example-oversight", "oversight", set()),
        ("example-admin", "admin", set()),
    ],
)
def test_the_example_tokens_file_authenticates_each_role(
    token: str, role: str, agencies: set[str]
) -> None:
    path = Path(__file__).resolve().parents[2] / "deploy" / "tokens.example.toml"
    who = TokenTable.load(path).authenticate(token)
    assert who is not None and who.role == role and who.agencies == agencies
    assert TokenTable.load(path).authenticate(token + "x") is None


@pytest.mark.parametrize(
    ("role", "agency", "sees", "personal", "acks"),
    [
        ("defender", "lasd", True, True, True),
        ("defender", "sfso", False, True, True),
        ("oversight", "sfso", True, False, False),
        ("admin", "sfso", True, True, True),
    ],
)
def test_roles(role: str, agency: str, sees: bool, personal: bool, acks: bool) -> None:
    who = Principal("x", role, frozenset({"lasd"}) if role == "defender" else frozenset())  # type: ignore[arg-type]
    assert (who.may_see(agency), who.sees_personal_data, who.may_acknowledge) == (
        sees,
        personal,
        acks,
    )
