"""The `holdwatch` command: `demo`, `monitor` (live), `notify` (deliver alerts), `api`, `ack`,
`report`, `simulate`, `import`, `publish` and `replay` (feed a stream), `audit` (offline)
`law` (the rulebook) and `schemas export`."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import signal
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from holdwatch.adapters.topology import connected_to
from holdwatch.app.importers import LAYOUTS
from holdwatch.app.importers.outcome import Imported, Tally, checked
from holdwatch.app.live_feed import emit_live
from holdwatch.app.publish import acknowledge, publish_lines
from holdwatch.app.report import Period, Report
from holdwatch.app.report_compare import RENDERERS as COMPARE_RENDERERS
from holdwatch.app.report_compare import compare_reports
from holdwatch.app.report_detail import DETAIL_RENDERERS, DETAILS
from holdwatch.app.report_render import RENDERERS
from holdwatch.app.report_sources import agency_profiles, from_lines, from_redis
from holdwatch.app.schemas import export
from holdwatch.app.simulate import JAILS, LIVE_INTERVAL, Knobs, simulate
from holdwatch.entrypoints import audit_cmd, law
from holdwatch.entrypoints.args import day as _day
from holdwatch.entrypoints.args import instant as _instant
from holdwatch.entrypoints.args import settings_of as _settings
from holdwatch.entrypoints.exits import EXIT_BAD_INPUT, run_command
from holdwatch.settings import Settings


def _import_parser(im: argparse.ArgumentParser) -> None:
    im.add_argument("layout", choices=sorted(LAYOUTS))
    im.add_argument("file", type=Path)
    im.add_argument(
        "--rejects", type=Path, help="list each row not imported (JSONL: row, booking, reason)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="holdwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    audit_cmd.add_parser(sub)
    m = sub.add_parser("monitor", help="judge the live event stream (settings: HOLDWATCH_*)")
    m.add_argument("--agencies", type=Path, help="agency → profile TOML (HOLDWATCH_AGENCIES_FILE)")
    m.add_argument("--port", type=int, help="HTTP port for /metrics (HOLDWATCH_HTTP_PORT)")
    n = sub.add_parser("notify", help="deliver alerts to defenders (settings: HOLDWATCH_*)")
    n.add_argument("--routing", type=Path, help="routes TOML (HOLDWATCH_ROUTING_FILE)")
    api = sub.add_parser("api", help="serve the HTTP API (settings: HOLDWATCH_*)")
    api.add_argument("--tokens", type=Path, help="token digests TOML (HOLDWATCH_API_TOKENS_FILE)")
    r = sub.add_parser("report", help="the compliance report: counts only, no personal data")
    r.add_argument("--from", dest="start", type=_day, required=True, help="YYYY-MM-DD (UTC)")
    r.add_argument("--to", dest="end", type=_day, required=True, help="YYYY-MM-DD, excluded")
    r.add_argument("--events", type=Path, help="a JSONL history instead of the live Redis")
    r.add_argument("--profile", help="with --events: the profile that judges it")
    r.add_argument("--as-of", type=_instant, default=None, help="evaluation instant")
    r.add_argument("--format", choices=("md", "csv", "html", "json"), default="md")
    r.add_argument("--compare", metavar="PROFILE", help="with --events: each measure under both")
    r.add_argument(
        "--detail",
        choices=DETAILS,
        help="holds: every hold past release eligibility, one row each (csv or json)",
    )
    dm = sub.add_parser("demo", help="everything, on simulated jails: one command to see it")
    dm.add_argument("--backfill-days", type=float, default=7.0)
    dm.add_argument("--live-hours", type=float, default=24.0)
    dm.add_argument(
        "--live-interval",
        type=float,
        default=LIVE_INTERVAL.total_seconds(),
        help="seconds between the live trickle's eligibilities on a detainer (each an alert "
        "under the Values Act)",
    )
    dm.add_argument("--port-base", type=int, default=8000, help="monitor; +1 notifier, +2 api")
    m2 = sub.add_parser("simulate", help="a calibrated jail's events, as JSONL or into the stream")
    m2.add_argument("--agency", choices=sorted(JAILS), default="pierce")
    m2.add_argument("--start", type=_day, required=True, help="YYYY-MM-DD (UTC)")
    m2.add_argument("--days", type=float, default=7.0)
    m2.add_argument("--seed", type=int, default=7)
    m2.add_argument("--detainer-rate", type=float, default=Knobs().detainer_rate)
    m2.add_argument("--violation-rate", type=float, default=Knobs().violation_rate)
    m2.add_argument("--publish", action="store_true", help="append to the events stream")
    m2.add_argument(
        "--live", action="store_true", help="publish each event when its time comes (Ctrl-C stops)"
    )
    m2.add_argument(
        "--speed", type=float, default=1.0, help="with --live: time runs N times faster"
    )
    k = sub.add_parser("ack", help="acknowledge a finding: no escalation follows")
    k.add_argument("finding_id")
    k.add_argument("--by", required=True, help="who acknowledges it")
    k.add_argument("--note", default="", help="what was done")
    p = sub.add_parser("publish", help="append a JSONL history to the events stream")
    p.add_argument("file", type=Path, help="CloudEvents, one per line (- for stdin)")
    im = sub.add_parser("import", help="a public dataset's CSV as contract events (JSONL)")
    _import_parser(im)
    rp = sub.add_parser("replay", help="publish a history with a progress bar, at a rate")
    rp.add_argument("file", type=Path, help="CloudEvents, one per line")
    rp.add_argument("--rate", type=float, default=None, help="events a second (default: all)")
    s = sub.add_parser("schemas", help="JSON Schema and AsyncAPI for the event contract")
    s.add_argument("action", choices=("export",))
    s.add_argument("--out", type=Path, default=Path("schemas"))
    law.add_parser(sub)
    return parser


def _publish(args: argparse.Namespace) -> int:
    try:
        if str(args.file) == "-":
            count = asyncio.run(publish_lines(_settings(args), sys.stdin.buffer))
        else:
            with args.file.open("rb") as handle:
                count = asyncio.run(publish_lines(_settings(args), handle))
    except OSError as exc:
        print(f"holdwatch publish: {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"published {count} events")
    return 0


def _import(args: argparse.Namespace) -> int:
    """Each booking is checked against the contract before it is written; every row or
    booking not imported is counted on stderr and, with --rejects, listed there."""
    tally = Tally()
    try:
        with ExitStack() as stack:
            rejects = (
                stack.enter_context(args.rejects.open("w", encoding="utf-8"))
                if args.rejects
                else None
            )
            for outcome in checked(LAYOUTS[args.layout](args.file)):
                tally.add(outcome)
                if isinstance(outcome, Imported):
                    for event in outcome.events:
                        sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
                elif rejects is not None:
                    rejects.write(outcome.as_json() + "\n")
    except OSError as exc:
        print(f"holdwatch import: {exc.filename or args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (KeyError, ValueError, csv.Error) as exc:  # a column missing, a file unreadable
        print(
            f"holdwatch import: {args.file}: not the {args.layout} layout ({exc})", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    for line in tally.lines():
        print(line, file=sys.stderr)
    return 0


def _replay(args: argparse.Namespace) -> int:
    """Like publish, for people: a progress bar, and a rate to replay at a jail's pace."""
    try:
        lines = args.file.read_bytes().splitlines()
    except OSError as exc:
        print(f"holdwatch replay: {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    total = sum(1 for line in lines if line.strip())
    with Progress(console=Console(stderr=True)) as bar:
        task = bar.add_task(f"replaying {args.file.name}", total=total)
        count = asyncio.run(
            publish_lines(
                _settings(args),
                lines,
                rate=args.rate,
                progress=lambda n: bar.update(task, completed=n),
            )
        )
    print(f"published {count} events", file=sys.stderr)
    return 0


def _simulate(args: argparse.Namespace) -> int:
    knobs = Knobs(args.detainer_rate, args.violation_rate)
    events = simulate(JAILS[args.agency], args.start, args.days, args.seed, knobs)
    if args.live:
        count = asyncio.run(_live(_settings(args), events, args.speed))
        print(f"published {count} events", file=sys.stderr)
        return 0
    lines = [json.dumps(e, separators=(",", ":")) for e in events]
    if args.publish:
        count = asyncio.run(publish_lines(_settings(args), (line.encode() for line in lines)))
        print(f"published {count} events", file=sys.stderr)
    else:
        sys.stdout.writelines(line + "\n" for line in lines)
    return 0


async def _live(settings: Settings, events: list[dict[str, Any]], speed: float) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with connected_to(settings) as redis:
        return await emit_live(redis, settings.events_stream, events, stop, _now, speed=speed)


def _now() -> datetime:
    """The wall clock: read here, at the edge, and handed in."""
    return datetime.now(UTC)


def _report_usage(args: argparse.Namespace) -> str | None:
    """What is wrong with the report's arguments, naming the option; None: nothing."""
    if args.end <= args.start:
        which = "an empty" if args.end == args.start else "a reversed"
        return (
            f"--to: must be after --from ({args.start.date()}); {args.start.date()} to "
            f"{args.end.date()} is {which} period (--to is excluded)"
        )
    if args.detail and args.format not in ("csv", "json"):
        return f"--detail {args.detail}: only with --format csv or json"
    if args.detail and args.compare:
        return f"--detail {args.detail}: not with --compare"
    return None


def _report(args: argparse.Namespace) -> int:
    problem = _report_usage(args)
    if problem is not None:
        print(f"holdwatch report: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    period = Period(args.start, args.end)
    as_of = args.as_of or _now()
    if args.events is None:
        if args.compare:
            print("holdwatch report: --compare needs --events", file=sys.stderr)
            return EXIT_BAD_INPUT
        report = asyncio.run(live_report(_settings(args), as_of, period))
    else:
        if not args.profile:
            print("holdwatch report: --events needs --profile", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            profiles = audit_cmd.profiles_of(args)
        except ValueError as exc:
            print(f"holdwatch report: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            lines = args.events.read_bytes().splitlines()
            reports = [from_lines(lines, p, as_of, period) for p in profiles]
        except (OSError, ValueError) as exc:
            print(f"holdwatch report: {args.events}: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.compare:
            what_if = compare_reports(*reports)
            sys.stdout.write(COMPARE_RENDERERS[args.format](what_if))
            return 0
        (report,) = reports
    if args.detail:
        sys.stdout.write(DETAIL_RENDERERS[args.detail, args.format](report))
        return 0
    sys.stdout.write(RENDERERS[args.format](report))
    return 0


async def live_report(settings: Settings, as_of: datetime, period: Period) -> Report:
    """The compliance report on what the live monitor holds in Redis."""
    from holdwatch.bootstrap import stores  # noqa: PLC0415 (the live parts, only when asked)

    async with stores(settings) as parts:
        return await from_redis(
            parts.bookings,
            parts.keys,
            settings.dlq_stream,
            as_of,
            period,
            agency_profiles(settings),
        )


async def _acknowledge(settings: Settings, finding_id: str, by: str, note: str) -> bool:
    from holdwatch.bootstrap import stores, system_clock  # noqa: PLC0415

    async with stores(settings) as parts:
        return await acknowledge(parts.deliveries, system_clock, finding_id, by, note)


def _ack(args: argparse.Namespace) -> int:
    first = asyncio.run(_acknowledge(_settings(args), args.finding_id, args.by, args.note))
    print("acknowledged" if first else "already acknowledged: the first acknowledgement stands")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Exit statuses, errors and the embedded Redis's stop on every way out: exits.py."""
    args = _parser().parse_args(argv)
    return run_command(args.command, lambda: _dispatch(args))


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "audit":
        return audit_cmd.run(args)
    if args.command == "monitor":
        from holdwatch.entrypoints.monitor import run  # noqa: PLC0415  (FastStream, uvicorn)

        return run(_settings(args))
    if args.command == "notify":
        from holdwatch.entrypoints.notify import run as run_notify  # noqa: PLC0415

        return run_notify(_settings(args))
    if args.command == "api":
        from holdwatch.entrypoints.api import run as run_api  # noqa: PLC0415

        return run_api(_settings(args))
    if args.command == "ack":
        return _ack(args)
    if args.command == "report":
        return _report(args)
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "demo":
        from holdwatch.entrypoints.demo import run_demo  # noqa: PLC0415

        settings = _settings(args)
        if not args.live_interval > 0:
            print("holdwatch demo: --live-interval must be above 0 seconds", file=sys.stderr)
            return EXIT_BAD_INPUT
        interval = timedelta(seconds=args.live_interval)
        return asyncio.run(
            run_demo(settings, args.backfill_days, args.live_hours, args.port_base, interval)
        )
    if args.command == "replay":
        return _replay(args)
    if args.command == "import":
        return _import(args)
    if args.command == "publish":
        return _publish(args)
    if args.command == "law":
        return law.run(args)
    for path in export(args.out):
        print(path)
    from holdwatch.entrypoints import stream_doc  # noqa: PLC0415  (FastStream)

    print(stream_doc.export(args.out))  # the AsyncAPI document, from the same schemas
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
