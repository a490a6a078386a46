"""`holdwatch law list` and `holdwatch law show PROFILE [--on DATE] [--format md|html]`:
the rulebook the engine runs, for counsel, generated from the law data."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from holdwatch.app.lawbook import book, entries
from holdwatch.app.local_overlays import registry_for
from holdwatch.app.rulebook_render import LIST, SHOW
from holdwatch.entrypoints.exits import EXIT_BAD_INPUT
from holdwatch.settings import Settings


def _date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--on: not a date as YYYY-MM-DD") from exc


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    law = sub.add_parser("law", help="the law as the engine runs it: profiles and rulebooks")
    actions = law.add_subparsers(dest="law_command", required=True)
    ls = actions.add_parser("list", help="every profile and overlay, one line each")
    ls.add_argument("--format", choices=sorted(LIST), default="text")
    show = actions.add_parser("show", help="a profile's rulebook: duties, citations, codes")
    show.add_argument("profile", help="e.g. ca-sb54, ca-sb54+lasd-2020, tx-sb4")
    show.add_argument("--on", type=_date, default=None, help="only the law in force that day")
    show.add_argument("--format", choices=sorted(SHOW), default="md")


def run(args: argparse.Namespace) -> int:
    """The deployment's law: the built-in profiles, and its overlays (HOLDWATCH_OVERLAYS_DIR)."""
    registry = registry_for(Settings().overlays_dir)
    local = tuple(registry.local.values())
    if args.law_command == "list":
        sys.stdout.write(LIST[args.format](entries(registry, laws=local)))
        return 0
    try:
        rulebook = book(args.profile, args.on, registry, laws=local)
    except ValueError as exc:
        print(f"holdwatch law: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.write(SHOW[args.format](rulebook))
    return 0
