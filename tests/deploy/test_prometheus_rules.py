"""The Prometheus rules, scrape config and Alertmanager config, checked by the real binaries.

promtool and amtool are the only judges of what Prometheus and Alertmanager will load, so
these tests run them instead of re-implementing their checks; the YAML is parsed here only
for what they do not check: every alert unit-tested both ways, every metric and label
really exported by holdwatch, and no person or booking identifier anywhere in a rule.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from faststream.prometheus.container import MetricsContainer
from faststream.prometheus.manager import MetricsManager
from faststream.prometheus.types import ProcessingStatus
from faststream.redis.prometheus import RedisPrometheusMiddleware
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from holdwatch.adapters.keys import Keys
from holdwatch.adapters.metrics import PromObserver, StateCollector, StateSnapshot

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
PROMETHEUS_CONFIG = PROMETHEUS / "prometheus.yml"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.rules.yml"))
TEST_FILES = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
ALERTMANAGER_CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
ENSURE_TOOLS = ROOT / "deploy" / "tools" / "ensure-prometheus-tools.sh"
SECRETS_DIR = "/etc/alertmanager/secrets/"

AUDIENCES = {"ops", "oversight"}
SEVERITIES = {"critical", "warning", "info"}
#: Labels a rule may match, group by or print: closed sets, never about one person.
ALLOWED_LABELS = {
    "job",
    "instance",
    "agency",
    "facility",
    "profile",
    "code",
    "change",
    "severity",
    "stream",
    "group",
    "handler",
    "app_name",
    "broker",
    "status",
    "reason",
    "alertname",
    "audience",
}
#: Substrings that would point at a person or a booking, and whole words that would.
FORBIDDEN_SUBSTRINGS = ("booking", "person", "a_number", "anumber", "alien", "subject")
FORBIDDEN_WORDS = {"name", "first_name", "last_name", "dob", "ssn", "id", "cii", "fbi"}


@dataclass(frozen=True)
class Tools:
    promtool: str
    amtool: str
    amtool_version: tuple[int, int]


def _find_tools() -> tuple[str | None, str | None]:
    return shutil.which("promtool"), shutil.which("amtool")


@pytest.fixture(scope="session")
def tools() -> Tools:
    """promtool and amtool, installed from Debian when missing on CI or as root.

    A missing tool fails every test that needs it: a skipped rules check looks green.
    """
    promtool, amtool = _find_tools()
    if (promtool is None or amtool is None) and (os.environ.get("CI") or os.geteuid() == 0):
        result = subprocess.run(
            ["bash", str(ENSURE_TOOLS)], capture_output=True, text=True, timeout=900, check=False
        )
        promtool, amtool = _find_tools()
        if promtool is None or amtool is None:
            pytest.fail(
                f"{ENSURE_TOOLS.relative_to(ROOT)} exited {result.returncode} and promtool/amtool "
                f"are still missing:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )
    if promtool is None or amtool is None:
        pytest.fail(
            "promtool and amtool are required (Debian packages `prometheus` and "
            f"`prometheus-alertmanager`); run `sudo {ENSURE_TOOLS.relative_to(ROOT)}`"
        )
    result = _run([amtool, "--version"])
    version = result.stdout + result.stderr
    match = re.search(r"version (\d+)\.(\d+)", version)
    assert match, f"cannot read amtool's version from {version!r}"
    return Tools(promtool, amtool, (int(match[1]), int(match[2])))


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def _ok(cmd: list[str], cwd: Path | None = None) -> str:
    result = _run(cmd, cwd)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(cmd)} exited {result.returncode}:\n{output}"
    return output


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rules(path: Path) -> list[dict[str, Any]]:
    return [rule for group in _load(path)["groups"] for rule in group["rules"]]


def _alerts() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in RULE_FILES:
        for rule in _rules(path):
            if "alert" in rule:
                yield path, rule


# --- the real binaries ------------------------------------------------------------------


def test_there_are_rules_and_unit_tests() -> None:
    """Guards the globs below: an empty parametrisation would pass silently."""
    assert [p.name for p in RULE_FILES] == [
        "holdwatch-ops.rules.yml",
        "holdwatch-oversight.rules.yml",
    ]
    assert len(TEST_FILES) >= len(RULE_FILES)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_promtool_check_rules(tools: Tools, path: Path) -> None:
    _ok([tools.promtool, "check", "rules", str(path)])


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests_pass(tools: Tools, path: Path) -> None:
    """Rule files in a test file are relative to that file, so any cwd works."""
    output = _ok([tools.promtool, "test", "rules", str(path)], cwd=ROOT)
    assert "SUCCESS" in output


def test_promtool_check_config(tools: Tools, tmp_path: Path) -> None:
    """Run from elsewhere: rule files must resolve relative to prometheus.yml, as in a mount."""
    output = _ok([tools.promtool, "check", "config", str(PROMETHEUS_CONFIG)], cwd=tmp_path)
    assert f"SUCCESS: {len(RULE_FILES)} rule files found" in output


def test_prometheus_config_scrapes_every_replica_and_loads_every_rules_file() -> None:
    config = _load(PROMETHEUS_CONFIG)
    assert sorted(config["rule_files"]) == [f"rules/{p.name}" for p in RULE_FILES]
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "holdwatch-monitor"]
    assert job["dns_sd_configs"] == [
        {"names": ["monitor"], "type": "A", "port": 8000, "refresh_interval": "30s"}
    ]
    targets = [s for am in config["alerting"]["alertmanagers"] for s in am["static_configs"]]
    assert targets == [{"targets": ["alertmanager:9093"]}]


def _alertmanager_copy(tools: Tools, tmp_path: Path) -> Path:
    """The config with its secret files created under `tmp_path`.

    Alertmanager before 0.26 (Debian 12 ships 0.25) has no webhook `url_file`; for it the
    copy inlines the dummy URL, as Alertmanager itself does when it reads the file, so the
    rest of the config is still checked by the real binary.
    """
    config = _load(ALERTMANAGER_CONFIG)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    for receiver in config["receivers"]:
        for hook in receiver["webhook_configs"]:
            secret = secrets / Path(hook["url_file"]).name
            secret.write_text(f"https://hooks.example.invalid/{receiver['name']}\n")
            if tools.amtool_version >= (0, 26):
                hook["url_file"] = str(secret)
            else:
                del hook["url_file"]
                hook["url"] = secret.read_text().strip()
    copy = tmp_path / "alertmanager.yml"
    copy.write_text(yaml.safe_dump(config, sort_keys=False))
    return copy


def test_alertmanager_webhook_urls_come_from_secret_files() -> None:
    """No URL, token or password is committed: each webhook names a mounted file."""
    config = _load(ALERTMANAGER_CONFIG)
    assert {r["name"] for r in config["receivers"]} == AUDIENCES
    for receiver in config["receivers"]:
        assert set(receiver) == {"name", "webhook_configs"}
        for hook in receiver["webhook_configs"]:
            assert "url" not in hook and "http_config" not in hook
            assert hook["url_file"].startswith(SECRETS_DIR)
    assert "://" not in re.sub(r"#.*", "", ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))


def test_amtool_check_config(tools: Tools, tmp_path: Path) -> None:
    output = _ok([tools.amtool, "check-config", str(_alertmanager_copy(tools, tmp_path))])
    assert "SUCCESS" in output


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (["audience=ops", "severity=critical"], "ops"),
        (["audience=oversight", "agency=lasd", "code=HOLD_BARRED"], "oversight"),
        (["alertname=SomethingElse"], "ops"),  # no audience: still reaches a person
    ],
)
def test_amtool_routes_by_audience(
    tools: Tools, tmp_path: Path, labels: list[str], receiver: str
) -> None:
    config = _alertmanager_copy(tools, tmp_path)
    cmd = [tools.amtool, "config", "routes", "test", f"--config.file={config}"]
    _ok([*cmd, f"--verify.receivers={receiver}", *labels])


def test_amtool_routes_every_alert_to_its_audience(tools: Tools, tmp_path: Path) -> None:
    config = _alertmanager_copy(tools, tmp_path)
    cmd = [tools.amtool, "config", "routes", "test", f"--config.file={config}"]
    for _path, rule in _alerts():
        labels = [f"{k}={v}" for k, v in {"alertname": rule["alert"], **rule["labels"]}.items()]
        _ok([*cmd, f"--verify.receivers={rule['labels']['audience']}", *labels])


# --- what the binaries do not check -------------------------------------------------------


def _unit_cases(path: Path) -> tuple[set[str], dict[str, set[bool]]]:
    """The alerts a test file loads, and for each alert tested: fires? (True / False)."""
    spec = _load(path)
    loaded = {
        rule["alert"]
        for name in spec["rule_files"]
        for rule in _rules((path.parent / name).resolve())
        if "alert" in rule
    }
    cases: dict[str, set[bool]] = {}
    for test in spec["tests"]:
        for case in test.get("alert_rule_test", []):
            cases.setdefault(case["alertname"], set()).add(bool(case.get("exp_alerts")))
    return loaded, cases


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_each_test_file_fires_and_quiets_every_alert_it_loads(path: Path) -> None:
    loaded, cases = _unit_cases(path)
    assert loaded, f"{path.name} loads no alerting rule"
    missing = {
        alert: sorted({"firing", "not firing"} - {"firing" if f else "not firing" for f in got})
        for alert in loaded
        if (got := cases.get(alert, set())) != {True, False}
    }
    assert not missing, f"{path.name} lacks cases: {missing}"
    assert set(cases) <= loaded, f"{path.name} tests unknown alerts {set(cases) - loaded}"


def test_every_rules_file_is_unit_tested() -> None:
    tested = {
        (path.parent / name).resolve() for path in TEST_FILES for name in _load(path)["rule_files"]
    }
    assert {p.resolve() for p in RULE_FILES} <= tested


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_alert_is_labelled_and_explained(path: Path) -> None:
    """Alertmanager routes on `audience`; people act on summary, description and runbook."""
    audience = "oversight" if "oversight" in path.name else "ops"
    names = [rule["alert"] for rule in _rules(path)]
    assert names and len(names) == len(set(names)), f"missing or duplicate alerts: {names}"
    for rule in _rules(path):
        labels, notes = rule["labels"], rule["annotations"]
        assert labels["audience"] == audience, rule["alert"]
        assert labels["severity"] in SEVERITIES, rule["alert"]
        for key in ("summary", "description", "runbook"):
            assert len(notes.get(key, "").strip()) > 20, f"{rule['alert']}: {key}"


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MATCHER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)\s*\"")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_TEMPLATE_LABEL = re.compile(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)")


def _identifier_problems(expr: str, labels: dict[str, str], notes: dict[str, str]) -> list[str]:
    """Why a rule might carry a person's or a booking's identity (empty: it does not)."""
    problems = []
    words = _WORD.findall(expr) + [w for kv in labels.items() for w in _WORD.findall(" ".join(kv))]
    for word in words:
        low = word.lower()
        if low in FORBIDDEN_WORDS or any(s in low for s in FORBIDDEN_SUBSTRINGS):
            problems.append(f"identifier-like word {word!r}")
    used = set(_MATCHER.findall(expr)) | set(labels)
    used |= {w.strip() for group in _GROUPING.findall(expr) for w in group.split(",") if w.strip()}
    used |= {m for note in notes.values() for m in _TEMPLATE_LABEL.findall(note)}
    problems += [f"label {label!r} is not allowed" for label in sorted(used - ALLOWED_LABELS)]
    return problems


@pytest.mark.parametrize(
    ("expr", "labels", "notes"),
    [
        ("sum by (booking_id) (holdwatch_findings_total)", {}, {}),
        ('holdwatch_holds_active{person="x"}', {}, {}),
        ("holdwatch_holds_active", {"name": "x"}, {}),
        ("holdwatch_holds_active", {}, {"summary": "{{ $labels.a_number }}"}),
        ('max by (agency) (holdwatch_holds_active{subject="S01"})', {}, {}),
    ],
)
def test_identifier_check_catches_identifiers(
    expr: str, labels: dict[str, str], notes: dict[str, str]
) -> None:
    """The check below must be able to fail."""
    assert _identifier_problems(expr, labels, notes)


@pytest.mark.parametrize(
    ("path", "rule"), [pytest.param(p, r, id=r["alert"]) for p, r in _alerts()]
)
def test_no_person_or_booking_identifier_in_rules(path: Path, rule: dict[str, Any]) -> None:
    """Alerts leave the jail (webhooks, oversight): no rule may select or print an identity."""
    problems = _identifier_problems(rule["expr"], rule["labels"], rule["annotations"])
    assert not problems, f"{path.name} {rule['alert']}: {problems}"


def _exported() -> dict[str, set[str]]:
    """Sample name -> label names, from the monitor's real metrics, each series exercised."""
    registry = CollectorRegistry()
    observer = PromObserver(registry)
    observer.event("booking.created", "invalid_event")  # counts a dead letter too
    observer.finding("HOLD_BARRED", "high", "new")
    observer.detainer("I-247A", "none", ("biometric_database",))
    observer.release_latency(60.0, detainer_lodged=True)
    observer.timer_fired(0.1)
    state = StateCollector(Redis(), Keys("holdwatch"), ["holdwatch:events"], "dlq", "holdwatch")
    place = ("lasd", "Men's Central Jail", "ca-sb54")
    state.snapshot = StateSnapshot(ok=True, groups=[("holdwatch:events", "holdwatch", 1, 2)])
    state.snapshot.holds[place] = state.snapshot.overdue[place] = 1
    state.snapshot.detainers[("I-247A", "none")] = 1
    registry.register(state)
    # As the monitor builds it; then its counters are driven through FastStream's manager.
    RedisPrometheusMiddleware(registry=registry, app_name="holdwatch")
    manager = MetricsManager(
        MetricsContainer(registry, custom_label_names=()), app_name="holdwatch"
    )
    manager.add_received_message(broker="redis", handler="holdwatch:events")
    manager.add_received_processed_message(
        broker="redis", handler="holdwatch:events", status=ProcessingStatus.error
    )
    exported: dict[str, set[str]] = {"up": {"job", "instance"}}
    for family in registry.collect():
        for sample in family.samples:
            exported.setdefault(sample.name, set()).update(sample.labels, {"job", "instance"})
    return exported


_SELECTOR = re.compile(r"\b((?:holdwatch|faststream)_[a-z_]+|up)\b\s*(?:\{([^}]*)\})?")


def test_rules_use_only_series_and_labels_the_monitor_exports() -> None:
    """A renamed metric or label would leave an alert that can never fire."""
    exported = _exported()
    for path, rule in _alerts():
        for metric, matchers in _SELECTOR.findall(rule["expr"]):
            where = f"{path.name} {rule['alert']}: {metric}"
            assert metric in exported, f"{where} is not exported"
            assert set(_MATCHER.findall(matchers)) <= exported[metric], where
