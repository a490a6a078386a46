"""The `holdwatch` command: `audit` and `schemas export` (the monitor arrives later)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from holdwatch.app.audit import AuditInputError, audit
from holdwatch.app.schemas import export
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.table import render_table
from holdwatch.policy.profiles import resolve

EXIT_BAD_INPUT = 2


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--as-of: not an RFC 3339 timestamp") from exc
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            "--as-of: needs a UTC offset, e.g. 2025-04-10T00:00:00-07:00"
        )
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="holdwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("audit", help="evaluate a JSONL history offline and print findings")
    a.add_argument("file", type=Path, help="CloudEvents, one per line (- for stdin)")
    a.add_argument("--profile", required=True, help="e.g. ca-sb54, ca-sb54+lasd-2020, us-federal")
    a.add_argument("--as-of", type=_instant, default=None, help="evaluation instant (default: now)")
    a.add_argument("--format", choices=("json", "table"), default="json")
    s = sub.add_parser("schemas", help="JSON Schema for the event contract")
    s.add_argument("action", choices=("export",))
    s.add_argument("--out", type=Path, default=Path("schemas"))
    return parser


def _print_findings(findings: list[Finding], fmt: str) -> None:
    if fmt == "json":
        json.dump([f.model_dump(mode="json") for f in findings], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(findings))


def _audit(args: argparse.Namespace) -> int:
    try:
        profile = resolve(args.profile)
    except ValueError as exc:
        print(f"holdwatch audit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    as_of = args.as_of or datetime.now(UTC)
    try:
        if str(args.file) == "-":
            findings = audit(sys.stdin.buffer, profile, as_of)
        else:
            with args.file.open("rb") as handle:
                findings = audit(handle, profile, as_of)
    except OSError as exc:
        print(f"holdwatch audit: {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except AuditInputError as exc:
        print(f"holdwatch audit: {args.file}: unreadable input\n{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _print_findings(findings, args.format)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "audit":
        return _audit(args)
    for path in export(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
