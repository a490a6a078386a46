"""Benchmark of the offline audit (`holdwatch audit`) on a synthetic, deterministic history.

Generates N bookings with a realistic mix (see schemas/README.md): every booking has
`booking.created`, `release.eligible` and `custody.released`, some a `release.scheduled`;
about 1.5% also get a detainer (`detainer.received`, a TRUTH Act copy, sometimes
`ice.notified`, sometimes a hold past RE and a release to ICE). The history is written as
JSON Lines to a temporary file, in event-time order like a JMS export, then timed:

- baseline: read the file and `json.loads` every line (the floor for any JSON consumer);
- audit: `holdwatch.app.audit.audit(...)` on the file handle, in this process (parsing,
  validation, fold, evaluation);
- the command: `holdwatch audit FILE --jobs N` in a subprocess for each `--jobs` value
  (default 1,2), its output written to a file: wall time, its CPU time (the command and its
  workers), the ratio to the first value's, and whether its output is the same bytes.

Usage (`bench/audit_bench.py` is the same command):

    .venv/bin/python -m bench audit --events 1000000 --jobs 1,2
    .venv/bin/python -m bench audit --events 200000 --jobs 1 --pyinstrument /tmp/audit.txt

This is a benchmark, not a test: nothing is asserted beyond the audit accepting its input.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import math
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from holdwatch.app.audit import audit
from holdwatch.app.audit_jobs import cores
from holdwatch.policy.registry import resolve

from .workload import AS_OF, PROFILE_ID, generate


def baseline(path: Path) -> int:
    """The floor: read every line and `json.loads` it."""
    count = 0
    loads = json.loads
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                loads(line)
                count += 1
    return count


def run_audit(path: Path) -> list[Any]:
    profile = resolve(PROFILE_ID)
    with path.open("rb") as fh:
        return audit(fh, profile, AS_OF)


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best = math.inf
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def profile_audit(path: Path, top: int) -> None:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    run_audit(path)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        print(f"\n--- cProfile of audit(), top {top} by {order} ---")
        print(buf.getvalue().split("\n", 3)[-1].strip("\n"))


def _jobs(value: str) -> list[int]:
    return [cores() if v.strip() in {"0", "auto"} else int(v) for v in value.split(",") if v]


def run_cli(path: Path, jobs: int, out: Path) -> dict[str, Any]:
    """`holdwatch audit` as a user runs it, its output to a file: wall time, the CPU time of
    the command and its workers (steadier than wall time on a shared machine), and a
    digest of what it printed."""
    command = [
        *(sys.executable, "-m", "holdwatch.entrypoints.cli", "audit", str(path)),
        *("--profile", PROFILE_ID, "--as-of", AS_OF.isoformat(), "--jobs", str(jobs)),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out.open("wb") as fh:
        subprocess.run(command, stdout=fh, check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return {"jobs": jobs, "seconds": round(seconds, 3), "cpu_s": round(cpu, 3), "sha256": digest}


def pyinstrument_audit(path: Path, report: Path) -> None:
    """The audit under pyinstrument (a dev dependency): a call tree, as text."""
    from pyinstrument import Profiler  # noqa: PLC0415

    profiler = Profiler()
    profiler.start()
    run_audit(path)
    profiler.stop()
    report.write_text(profiler.output_text(show_all=False), encoding="utf-8")


def time_cli(
    path: Path, events: int, jobs_list: list[int], repeat: int, directory: Path
) -> list[dict[str, Any]]:
    """The command for each `--jobs` value, best of `repeat`; ratios to the first value's."""
    cli: list[dict[str, Any]] = []
    for jobs in jobs_list:
        out = directory / f"out-{jobs}.json"
        best = min((run_cli(path, jobs, out) for _ in range(repeat)), key=lambda r: r["seconds"])
        best["eps"] = round(events / best["seconds"])
        best["eps_per_cpu_s"] = round(events / best["cpu_s"])
        cli.append(best)
    first = cli[0]
    label = f"ratio_to_jobs_{first['jobs']}"
    for row in cli:
        row[label] = round(first["seconds"] / row["seconds"], 2)
        row["same_output"] = row["sha256"] == first["sha256"]
        print(
            f"holdwatch audit --jobs {row['jobs']:<3} {row['seconds']:8.3f} s  "
            f"{row['eps']:10,} events/s  x{row[label]}  (CPU {row['cpu_s']} s; "
            f"output same as --jobs {first['jobs']}: {row['same_output']})"
        )
    return cli


def main(argv: list[str] | None = None) -> int:
    summary_line = (__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench audit", description=summary_line)
    parser.add_argument("--events", type=int, default=1_000_000, help="target total events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--detainer-rate", type=float, default=0.015)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=[1, 2],
        help="`holdwatch audit --jobs` values to time end to end, e.g. 1,2 or 1,auto",
    )
    parser.add_argument(
        "--profile-run", action="store_true", help="also run audit() under cProfile"
    )
    parser.add_argument("--pyinstrument", metavar="FILE", help="also profile it; report here")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print")
    parser.add_argument("--keep", metavar="DIR", help="write the JSONL here and keep it")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="holdwatch-bench-") as tmp:
        directory = args.keep or tmp
        if args.keep:
            os.makedirs(directory, exist_ok=True)
        gen = generate(args.events, args.seed, args.detainer_rate, directory)
        print(f"python         {sys.version.split()[0]}")
        print(f"profile        {PROFILE_ID}  as_of {AS_OF.isoformat()}")
        print(f"seed           {args.seed}")
        print(f"events         {gen.events:,}")
        print(f"bookings       {gen.bookings:,}  ({gen.events / gen.bookings:.2f} events/booking)")
        print(f"detainer bkgs  {gen.detainer_bookings:,}")
        print(f"file           {gen.bytes / 1e6:.1f} MB  (generated in {gen.seconds:.1f} s)")

        base_s, base_n = best_of(args.repeat, lambda: baseline(gen.path))
        assert base_n == gen.events
        audit_s, findings = best_of(args.repeat, lambda: run_audit(gen.path))

        codes = Counter(f.code for f in findings)
        print(
            f"findings       {len(findings):,}  "
            + " ".join(f"{c}={n}" for c, n in sorted(codes.items()))
        )
        eps_base, eps_audit = gen.events / base_s, gen.events / audit_s
        print(f"baseline       {base_s:8.3f} s  {eps_base:12,.0f} events/s  (read + json.loads)")
        print(f"audit()        {audit_s:8.3f} s  {eps_audit:12,.0f} events/s  (in this process)")
        print(f"audit/baseline {audit_s / base_s:8.1f} x  (best of {args.repeat} each)")

        cli = time_cli(gen.path, gen.events, args.jobs, args.repeat, Path(directory))

        if args.profile_run:
            profile_audit(gen.path, args.top)
        if args.pyinstrument:
            pyinstrument_audit(gen.path, Path(args.pyinstrument))
            print(f"pyinstrument   {args.pyinstrument}")

        summary = {
            "events": gen.events,
            "bookings": gen.bookings,
            "detainer_bookings": gen.detainer_bookings,
            "findings": len(findings),
            "baseline_s": round(base_s, 3),
            "baseline_eps": round(gen.events / base_s),
            "audit_s": round(audit_s, 3),
            "audit_eps": round(gen.events / audit_s),
            "ratio": round(audit_s / base_s, 2),
            "cli": cli,
            "cpus": cores(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
            "seed": args.seed,
            "repeat": args.repeat,
            "python": sys.version.split()[0],
        }
        print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
