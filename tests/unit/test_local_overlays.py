"""Local overlays without code: TOML files in HOLDWATCH_OVERLAYS_DIR, checked at start with
the file, line and field named; listed, rendered and usable in every profile spec.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.agencies import AgencyMap
from holdwatch.app.audit import audit
from holdwatch.app.config_file import ConfigError
from holdwatch.app.lawbook import book, entries, span
from holdwatch.app.local_overlays import lines_of, load, registry_for
from holdwatch.app.report_render import md
from holdwatch.app.rulebook_render import markdown
from holdwatch.entrypoints.cli import main
from holdwatch.policy.core.law import Overlay
from holdwatch.policy.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "overlays" / "example-county.toml"
WA1 = ROOT / "tests" / "fixtures" / "scenarios" / "WA1.jsonl"
S01 = ROOT / "tests" / "fixtures" / "scenarios" / "S01.jsonl"
WA1_AS_OF = datetime.fromisoformat("2025-03-06T00:00:00-08:00")

DUTY = """
[[duties]]
subject = "{subject}"
rule = "{rule}"
text = "t"
citation = "{citation}"
source = "s"
evidence = "{evidence}"
codes = {codes}
"""


def overlay_file(
    oid: str = "my-county",
    applies_to: str = "ca-sb54",
    duties: tuple[tuple[str, str, str, str], ...] = (
        ("release_notification", "barred", "verified", '["NOTIFY_UNAUTHORIZED"]'),
    ),
    citation: str = "My County Code §1",
    extra: str = "",
) -> str:
    head = f'id = "{oid}"\napplies_to = "{applies_to}"\nvalid_from = 2024-01-01\n{extra}'
    body = "".join(
        DUTY.format(subject=s, rule=r, evidence=e, codes=c, citation=citation)
        for s, r, e, c in duties
    )
    return head + body


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    (tmp_path / "README.md").write_text("not an overlay: ignored\n")
    return tmp_path


def test_the_shipped_example_loads_and_is_listed_and_shown(example_dir: Path) -> None:
    registry = load(example_dir)
    assert "example-county" in registry.overlays and "example-county" in registry.local
    data = registry.local["example-county"]
    (entry,) = [e for e in entries(registry, laws=(data,)) if e.id == "example-county"]
    assert (entry.kind, entry.jurisdiction, entry.data) == ("overlay", "local", data)
    text = markdown(book("us-federal+example-county", None, registry, laws=(data,)))
    assert "Overlay example-county" in text
    for duty in data.duties:
        for part in (duty.text, duty.citation, duty.source, span(data.valid_from, None)):
            assert md(part) in text
        for code in duty.codes:
            assert f"`{code}`" in text


def test_an_overlay_file_bars_what_its_base_allows(example_dir: Path) -> None:
    """us-federal allows release dates and hand-overs; the county's policy does not. Its own
    findings name its version and its duty's evidence level."""
    rulebook = load(example_dir).resolve("us-federal+example-county")
    findings = audit(WA1.read_text().splitlines(), rulebook, WA1_AS_OF)
    mine = {f.code: f for f in findings if f.policy == "example-county@2024-07-01"}
    assert set(mine) == {"NOTIFY_UNAUTHORIZED", "TRANSFER_UNAUTHORIZED"}
    assert {f.evidence_level for f in mine.values()} == {"verified"}
    plain = audit(WA1.read_text().splitlines(), REGISTRY.resolve("us-federal"), WA1_AS_OF)
    assert not {"NOTIFY_UNAUTHORIZED", "TRANSFER_UNAUTHORIZED"} & {f.code for f in plain}


def test_where_the_state_bars_the_act_too_one_finding_cites_both(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        overlay_file(
            applies_to="il-trust",
            duties=(("transfer", "judicial_warrant", "inferred", '["TRANSFER_UNAUTHORIZED"]'),),
        )
    )
    rulebook = load(tmp_path).resolve("il-trust+my-county")
    lines = (ROOT / "tests" / "fixtures" / "scenarios" / "IL22.jsonl").read_text().splitlines()
    found = audit(lines, rulebook, datetime.fromisoformat("2026-01-13T00:00:00-06:00"))
    (transfer,) = [f for f in found if f.code == "TRANSFER_UNAUTHORIZED"]
    assert transfer.citation == "5 ILCS 805/15(a); My County Code §1"


def test_a_california_overlay_is_applied_by_the_values_act_s_own_rule(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(overlay_file())
    rulebook = load(tmp_path).resolve("ca-sb54+my-county")
    assert rulebook.profile.local is not None and rulebook.profile.local.bars_release_notification
    assert rulebook.profile.id == "ca-sb54+my-county"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # a bad value: the line of the field in its [[duties]] entry
        (
            overlay_file(
                duties=(
                    ("hold", "barred", "verified", "[]"),
                    ("release_notification", "barred", "certain", '["NOTIFY_UNAUTHORIZED"]'),
                )
            ),
            "line 20: duties.1.evidence: Input should be 'verified', 'secondary' or 'inferred'",
        ),
        # a rule its subject does not take
        (
            overlay_file(duties=(("transfer", "barred", "verified", "[]"),)),
            "line 5: duties.0: Value error, rule: must be one of",
        ),
        # a field the model does not know
        (overlay_file(extra="valid_untill = 2030-01-01\n"), "line 4: valid_untill: Extra inputs"),
        # a field missing: at the top, no line; in a duty, the line of its entry
        (
            'id = "my-county"\napplies_to = "ca-sb54"\nvalid_from = 2024-01-01\n\n'
            '[[duties]]\nsubject = "hold"\n',
            "line 5: duties.0.rule: Field required",
        ),
        (
            'id = "my-county"\napplies_to = "ca-sb54"\n\n[[duties]]\nsubject = "hold"\n',
            "bad.toml: valid_from: Field required",
        ),
        # not TOML: the parser says where
        ('id = "my-county\n', "not TOML: "),
        # the base profile is unknown
        (overlay_file(applies_to="ca-sb45"), "line 2: applies_to: unknown profile 'ca-sb45'"),
        # codes on a duty the engine does not check
        (
            overlay_file(duties=(("hold", "barred", "verified", '["HOLD_BARRED"]'),)),
            "line 12: duties.0.codes: the engine checks only",
        ),
        # a checked duty without its code
        (
            overlay_file(duties=(("transfer", "judicial_warrant", "verified", "[]"),)),
            "line 12: duties.0.codes: must be ['TRANSFER_UNAUTHORIZED']",
        ),
        # the id of a built-in overlay
        (
            overlay_file(oid="cook-county", applies_to="il-trust"),
            "line 1: id: overlay 'cook-county'",
        ),
    ],
)
def test_a_bad_file_names_the_file_line_and_field(tmp_path: Path, text: str, where: str) -> None:
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"overlays directory {tmp_path}: bad.toml: "), message
    assert where in message, message


def test_two_files_with_one_id_name_both(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(overlay_file())
    (tmp_path / "b.toml").write_text(overlay_file())
    with pytest.raises(
        ConfigError, match=r"b\.toml: line 1: id: .* defined twice \(also a\.toml\)"
    ):
        load(tmp_path)


def test_a_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"overlays directory .*nowhere"):
        load(tmp_path / "nowhere")
    assert registry_for(None) is REGISTRY


def test_one_local_overlay_per_profile(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(overlay_file(applies_to="il-trust"))
    registry = load(tmp_path)
    with pytest.raises(ValueError, match="already has the local overlay cook-county"):
        registry.resolve("il-trust+cook-county+my-county")


def test_line_numbers_of_tables_and_keys() -> None:
    where = lines_of('a = 1\n[[duties]]\nx = 2\n[[duties]]\n  x = 3\n[t.u]\ny = "z"\n')
    assert where[("a",)] == 1
    assert where[("duties", 0)] == 2 and where[("duties", 0, "x")] == 3
    assert where[("duties", 1, "x")] == 5 and where[("t", "u", "y")] == 7


def test_every_local_overlay_validates_as_the_overlay_model(example_dir: Path) -> None:
    """What `law show` renders is the pydantic model the file validated as."""
    for data in load(example_dir).local.values():
        assert isinstance(data, Overlay)
        assert Overlay.model_validate(data.model_dump()) == data


def test_the_agencies_file_and_the_default_profile_may_name_a_local_overlay(
    example_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    agencies = tmp_path_factory.mktemp("config") / "agencies.toml"
    agencies.write_text('[agencies.kcso]\nprofile = "us-federal+example-county"\n')
    registry = load(example_dir)
    mapped = AgencyMap.load(agencies, "us-federal+example-county", registry=registry)
    assert mapped.profile_for("kcso").profile.local is not None
    assert mapped.profile_for("other").profile.id == "us-federal+example-county"
    with pytest.raises(ConfigError, match="unknown overlay 'example-county'"):
        AgencyMap.load(agencies, None)  # without the deployment's overlays


def test_audit_and_law_read_the_setting(
    example_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOLDWATCH_OVERLAYS_DIR", str(example_dir))
    args = ["audit", str(WA1), "--profile", "us-federal+example-county"]
    assert main([*args, "--as-of", WA1_AS_OF.isoformat()]) == 0
    assert "example-county@2024-07-01" in capsys.readouterr().out
    assert main(["law", "list"]) == 0
    assert "example-county" in capsys.readouterr().out
    assert main(["law", "show", "us-federal+example-county"]) == 0
    assert "Example County Sheriff's Office Policy 5.12" in capsys.readouterr().out
    (example_dir / "bad.toml").write_text("id = 1\n")
    assert main(["law", "list"]) == 2
    assert "bad.toml: line 1: id: Input should be a valid string" in capsys.readouterr().err
