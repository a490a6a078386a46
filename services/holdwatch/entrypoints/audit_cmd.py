"""`holdwatch audit`: a JSONL history judged offline, findings (or a what-if comparison)
printed; `--jobs N` judges on N processes with the same output."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from pydantic import TypeAdapter

from holdwatch.app.agencies import load_agency_facts
from holdwatch.app.audit import Audit, AuditInputError, audit_each
from holdwatch.app.audit_jobs import MAX_JOBS, audit_data_jobs, cores
from holdwatch.app.compare import Comparison, compare
from holdwatch.app.config_file import ConfigError
from holdwatch.app.local_overlays import registry_for
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.args import instant, settings_of
from holdwatch.entrypoints.exits import EXIT_BAD_INPUT, EXIT_SKIPPED
from holdwatch.entrypoints.json_text import ascii_json
from holdwatch.entrypoints.table import render_comparison, render_table
from holdwatch.policy.core.profile import Agency
from holdwatch.policy.core.rulebook import Rulebook

#: the findings as one JSON array, serialized by pydantic without a dict per finding
_FINDINGS: TypeAdapter[list[Finding]] = TypeAdapter(list[Finding])


def jobs(text: str) -> int:
    """`--jobs`: a count, or 0 / `auto` for every core this process may use."""
    if text.strip().lower() == "auto":
        return cores()
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--jobs: a number of processes, or auto") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("--jobs: 0 (every core) or more")
    return min(value or cores(), MAX_JOBS)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = sub.add_parser("audit", help="evaluate a JSONL history offline and print findings")
    a.add_argument("file", type=Path, help="CloudEvents, one per line (- for stdin)")
    a.add_argument("--profile", required=True, help="e.g. ca-sb54, ca-sb54+lasd-2020, us-federal")
    a.add_argument("--as-of", type=instant, default=None, help="evaluation instant (default: now)")
    a.add_argument("--format", choices=("json", "table"), default="json")
    a.add_argument(
        "--compare", metavar="PROFILE", help="what-if: judge under PROFILE too, print differences"
    )
    a.add_argument(
        "--agencies",
        type=Path,
        help="agencies TOML: each agency's kind and timezone (its profile is --profile's)",
    )
    a.add_argument(
        "--jobs",
        type=jobs,
        default=1,
        metavar="N",
        help="processes, bookings partitioned among them (0 or auto: every core); same output",
    )


def _print_findings(findings: list[Finding], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(ascii_json(_FINDINGS.dump_json(findings, indent=2)))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(findings))


def profiles_of(args: argparse.Namespace) -> list[Rulebook]:
    """`--profile`, then `--compare` if given; an unknown `--compare` raises naming it.
    Both may name the deployment's local overlays (HOLDWATCH_OVERLAYS_DIR)."""
    registry = registry_for(settings_of(args).overlays_dir)
    out = [registry.resolve(args.profile)]
    if args.compare is not None:
        try:
            out.append(registry.resolve(args.compare))
        except ValueError as exc:
            raise ValueError(f"--compare: {exc}") from exc
    return out


def run(args: argparse.Namespace) -> int:
    try:
        profiles = profiles_of(args)
    except ValueError as exc:
        print(f"holdwatch audit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    as_of = args.as_of or datetime.now(UTC)
    try:
        facts = None if args.agencies is None else load_agency_facts(args.agencies)
    except ConfigError as exc:
        print(f"holdwatch audit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        results = _audit_results(args.file, profiles, as_of, args.jobs, facts)
    except OSError as exc:
        print(f"holdwatch audit: {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except AuditInputError as exc:
        print(f"holdwatch audit: {args.file}: unreadable input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.compare is None:
        _print_findings(results[0].findings, args.format)
    else:
        a, b = results
        specs = (args.profile.strip(), args.compare.strip())
        _print_comparison(compare(a.findings, b.findings, *specs, as_of), args.format)
    skipped = list(dict.fromkeys(str(s) for r in results for s in r.skipped))
    for line in skipped:
        print(f"holdwatch audit: {line}", file=sys.stderr)
    return EXIT_SKIPPED if skipped else 0


def _audit_results(
    file: Path,
    profiles: list[Rulebook],
    as_of: datetime,
    jobs: int,
    facts: Mapping[str, Agency] | None,
) -> list[Audit]:
    """One process reads as it goes; several need the whole history first (they share it)."""
    stdin = str(file) == "-"
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        data = sys.stdin.buffer.read() if stdin else file.read_bytes()
        return audit_data_jobs(data, profiles, as_of, jobs, facts)
    if stdin:
        return audit_each(sys.stdin.buffer, profiles, as_of, facts)
    with file.open("rb") as handle:
        return audit_each(handle, profiles, as_of, facts)


def _print_comparison(comparison: Comparison, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(ascii_json(comparison.model_dump_json(indent=2)))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_comparison(comparison))
