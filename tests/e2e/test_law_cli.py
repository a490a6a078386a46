"""`holdwatch law` as a user runs it (a real subprocess): the rulebook, and its errors."""

from __future__ import annotations

import subprocess
import sys

from holdwatch.policy.registry import BASES, OVERLAYS


def holdwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_law_list_and_show_as_a_process() -> None:
    listed = holdwatch("law", "list")
    assert listed.returncode == 0, listed.stderr
    assert {line.split()[0] for line in listed.stdout.splitlines()} == set(BASES) | set(OVERLAYS)
    shown = holdwatch("law", "show", "tx-sb4", "--on", "2020-01-01")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("# Rulebook: tx-sb4\n")
    assert "- Citation: Tex. Code Crim. Proc. art. 2.251(a)(1)\n" in shown.stdout


def test_law_show_unknown_profile_exits_2_with_one_line() -> None:
    done = holdwatch("law", "show", "wa-kww-typo")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "holdwatch law: profile: unknown profile 'wa-kww-typo'; known: "
        + ", ".join(sorted(BASES))
        + "\n"
    )
