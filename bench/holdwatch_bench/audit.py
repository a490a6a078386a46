"""Benchmark of the offline audit (`holdwatch audit`) on a synthetic, deterministic history.

Generates N bookings with a realistic mix (see schemas/README.md): every booking has
`booking.created`, `release.eligible` and `custody.released`, some a `release.scheduled`;
about 1.5% also get a detainer (`detainer.received`, a TRUTH Act copy, sometimes
`ice.notified`, sometimes a hold past RE and a release to ICE). The history is written as
JSON Lines to a temporary file, in event-time order like a JMS export, then timed:

- baseline: read the file and `json.loads` every line (the floor for any JSON consumer);
- audit: `holdwatch.app.audit.audit(...)` on the file handle, end to end (parsing,
  validation, fold, evaluation).

Usage:

    .venv/bin/python bench/audit_bench.py --events 1000000
    .venv/bin/python bench/audit_bench.py --events 200000 --profile-run

This is a benchmark, not a test: nothing is asserted beyond the audit accepting its input.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from holdwatch.app.audit import audit
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench audit", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="target total events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--detainer-rate", type=float, default=0.015)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument(
        "--profile-run", action="store_true", help="also run audit() under cProfile"
    )
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
        print(f"audit          {audit_s:8.3f} s  {eps_audit:12,.0f} events/s  (end to end)")
        print(f"audit/baseline {audit_s / base_s:8.1f} x  (best of {args.repeat} each)")

        if args.profile_run:
            profile_audit(gen.path, args.top)

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
            "seed": args.seed,
            "repeat": args.repeat,
            "python": sys.version.split()[0],
        }
        print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
