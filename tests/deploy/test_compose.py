"""docker-compose.yml and the image, checked without a Docker engine.

`docker compose config` (or Debian's `docker-compose config` when the plugin is absent)
resolves the file the way `up` would: interpolation, anchors, required variables. The
Dockerfile's build step is run as far as it can be here: the package builds as a wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"redis", "monitor", "notifier", "api", "prometheus", "alertmanager", "grafana"}


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
    args = [*_compose(), "--project-directory", str(ROOT), "-f", str(ROOT / "docker-compose.yml")]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "HOLDWATCH_"))}
    return subprocess.run([*args, "config"], capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env_file = tmp_path_factory.mktemp("compose") / ".env"
    shutil.copy(ROOT / ".env.example", env_file)
    run = _config(env_file)
    assert run.returncode == 0, run.stderr
    parsed: dict[str, Any] = yaml.safe_load(run.stdout)
    return parsed


def test_the_stack_has_every_role(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    assert set(services) == SERVICES
    assert services["monitor"]["deploy"]["replicas"] == 2
    for role, command in (("monitor", "monitor"), ("notifier", "notify"), ("api", "api")):
        assert services[role]["command"] == [command]
        assert services[role]["environment"]["HOLDWATCH_HTTP_HOST"] == "0.0.0.0"  # scrapeable
        assert services[role]["environment"]["REDIS_URL"].startswith("redis://:change-me-redis@")


def test_redis_keeps_everything(resolved: dict[str, Any]) -> None:
    command = " ".join(resolved["services"]["redis"]["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    assert "--requirepass change-me-redis" in command


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
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "whsec_" not in text and "change-me" not in text
    run = _config(None)  # no .env: compose must refuse, naming the variable
    assert run.returncode != 0
    assert "REDIS_PASSWORD" in run.stderr
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


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
    assert list(tmp_path.glob("holdwatch-*.whl"))
