"""What the agencies file says of an agency (its kind, its zone), for the duties an agency
owes itself: read and checked at start, carried on the agency's rulebook, and the same for
the audit (`holdwatch audit --agencies`)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.agencies import AgencyMap, load_agency_facts
from holdwatch.app.config_file import ConfigError
from holdwatch.app.judge import judge
from holdwatch.domain.custody import History
from holdwatch.policy.core.profile import Agency

ROOT = Path(__file__).resolve().parents[2]
TXA2 = ROOT / "tests" / "fixtures" / "scenarios" / "TXA2.jsonl"


def test_kind_and_timezone_reach_the_agency_s_rulebook(tmp_path: Path) -> None:
    path = tmp_path / "agencies.toml"
    path.write_text(
        '[agencies.elpaso]\nprofile = "tx-sb4"\nkind = "county_jail"\n'
        'timezone = "America/Denver"\n[agencies.houston]\nprofile = "tx-sb4"\nkind = "city_jail"\n'
    )
    agencies = AgencyMap.load(path, "tx-sb4")
    assert agencies.profile_for("elpaso").profile.agency == Agency("county_jail", "America/Denver")
    assert agencies.profile_for("houston").profile.agency == Agency("city_jail", None)
    assert agencies.profile_for("elsewhere").profile.agency == Agency()
    assert load_agency_facts(path)["elpaso"] == Agency("county_jail", "America/Denver")


def test_an_agency_s_own_record_is_judged_in_its_zone_with_no_event(tmp_path: Path) -> None:
    """The monitor's first judgement of an agency seen only through a booking: no event of
    its own, a deadline at 00:00 on December 2 in the zone the agencies file gives."""
    path = tmp_path / "agencies.toml"
    path.write_text('[agencies.elpaso]\nprofile = "tx-sb4"\ntimezone = "America/Denver"\n')
    rulebook = AgencyMap.load(path, None).profile_for("elpaso")
    as_of = datetime.fromisoformat("2026-11-30T12:00:00-07:00")
    j = judge("elpaso", None, History.of([]), rulebook, as_of, {})
    assert j.findings == () and j.changes == ()
    assert j.wake.deadline == datetime.fromisoformat("2026-12-02T00:00:00-07:00")


@pytest.mark.parametrize(
    ("entry", "field"),
    [('kind = "county"', "agencies.x.kind"), ('timezone = "Mars/Olympus"', "agencies.x.timezone")],
)
def test_a_bad_kind_or_zone_fails_at_start_naming_the_field(
    tmp_path: Path, entry: str, field: str
) -> None:
    path = tmp_path / "agencies.toml"
    path.write_text(f'[agencies.x]\nprofile = "tx-sb4"\n{entry}\n')
    for load in (lambda: AgencyMap.load(path, None), lambda: load_agency_facts(path)):
        with pytest.raises(ConfigError) as info:
            load()
        assert field in str(info.value)


def audit(*extra: str) -> subprocess.CompletedProcess[str]:
    args = ["audit", str(TXA2), "--profile", "tx-sb4", "--as-of", "2026-12-01T23:59:00-07:00"]
    return subprocess.run(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", *args, *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_holdwatch_audit_reads_the_agency_s_zone_from_the_agencies_file(tmp_path: Path) -> None:
    """23:59 in El Paso is 00:59 in Houston: past Texas's instant only in the wrong zone."""
    plain = audit()
    assert plain.returncode == 0 and '"AGREEMENT_287G_MISSING"' in plain.stdout
    path = tmp_path / "agencies.toml"
    path.write_text('[agencies.elpaso]\nprofile = "tx-sb4"\ntimezone = "America/Denver"\n')
    placed = audit("--agencies", str(path))
    assert (placed.returncode, placed.stdout.strip()) == (0, "[]")
    path.write_text('[agencies.elpaso]\nprofile = "tx-sb4"\nkind = "jail"\n')
    bad = audit("--agencies", str(path))
    assert bad.returncode == 2 and "agencies.elpaso.kind" in bad.stderr
