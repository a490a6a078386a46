"""Benchmark of the live monitor (`holdwatch monitor`) against one real Redis.

The offline audit has its own benchmark (`python -m bench audit`); this one measures the
streaming path the way it runs in production: the real FastStream app (`create_app` +
`app.start()`, its real broker and Lua commits) in this process, fed contract events
(CloudEvents JSON in stream field `event`) from the same synthetic generator as the
audit benchmark (`workload.generate`: a realistic mix, ~1.5% of bookings with
detainers; agency `lasd` is judged under the audit benchmark's profile, ca-sb54).

- (a) baseline: a raw redis-py asyncio consumer over the pre-filled stream: XREADGROUP
  COUNT 100, `json.loads` of every `event` field, one XACK per batch. Nothing useful is
  done, so this is the limit for a Python consumer of this stream on this machine.
- (b) monitor: the same events, pre-filled into a fresh stream, consumed by the holdwatch
  app from `app.start()` until the group has nothing pending and its last-delivered id is
  the stream's last id. Reported as events/s and as the ratio b/a (the goal is >= 0.25),
  with the Lua scripts' server time a call (INFO commandstats, EVALSHA).
- (c) event -> alert latency at a fixed producer rate (default 1,000 events/s for 10 s),
  the producer in its own process so it does not share the monitor's GIL. A share of the
  events (default 30%) are three-event bookings (us-federal, detainer on file, release
  eligibility 50 h ago) whose HOLD_OVER_WINDOW must be raised as soon as the eligibility
  event is applied; the rest are the realistic mix. Latency = alert entry id ms - source
  entry id ms (both stamped by Redis' clock); the headline is HOLD_OVER_WINDOW alert vs. its
  `release.eligible` entry. Alerts of the realistic mix are mapped to the latest earlier
  entry of the same booking (a lower bound) and reported apart.
- (d) timer lateness: N timers armed directly in the timers ZSET + HASH, due over the next
  ~10 s, fired by several TimerPoller instances at once (one Redis client each, the
  service's default poll interval). Lateness = fired_ms - due_ms from the fired-timers
  stream; each timer must appear exactly once.
- (e) Redis memory per booking after (b): MEMORY USAGE summed over a sample of the
  booking keys (`{prefix}:b:*`) scaled to all of them, and the INFO used_memory delta across
  (b) (booking keys + alerts + timers + custody; the events stream was filled before),
  each divided by the number of bookings; the delta also without the alerts stream. The
  delta is the whole server's: on a Redis other work shares, only a run of its own tells.
- (f) the core alone: the same events through the monitor's own Python work (parse, group
  by booking, `Monitor.plan`: fold, judge, build the commit) with no Redis at all. (b)
  cannot beat it whatever the storage costs, so f/a bounds the ratio b/a.
- (g) per-event cost against booking length (`--lengths`, default 5, 50, 500, 5,000): the
  last events of one booking of that length fed one at a time to the live app, each timed
  until acknowledged, as ratios to a booking of normal length in the same run
  (booking_length.py).
- (h) throughput against replicas (`--replicas`, default 1,2) and key partitions
  (`--partitions`, default 1,3): the events of (b) consumed by that many monitor processes
  in one group, as ratios to one replica with one partition; `--cluster` runs them again
  on a 3-master Redis Cluster of the bench's own (replicas.py, cluster.py).

- (p) producer: one client XADDing the events one at a time, each waiting for its reply,
  as a jail system's feed does: XADD/s and the time each XADD took.

Both (b) and (c) settle the collector as `holdwatch monitor` does (`heap.settle`);
`--gc-defaults` measures them under CPython's defaults instead.

`--appendfsync everysec,always` starts a redis-server of the bench's own for each mode (in
a temporary directory, `appendonly yes`), runs the parts on each, alternating the modes
for `--rounds` rounds, and prints each mode's rates and their ratio to the first mode's.

Every run uses a fresh key prefix and deletes only its own keys (SCAN MATCH prefix*);
it never flushes. Without REDIS_URL / --redis-url it starts an embedded Redis.

Usage (the full run, ~4-5 minutes; `bench/stream_bench.py` is the same command):

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench stream
    .venv/bin/python -m bench stream --events 20000 --skip c,d,g,h --profile /tmp/b.prof.txt
    .venv/bin/python -m bench stream --appendfsync everysec,always --skip c,d,e,f,g,h
    .venv/bin/python -m bench stream --skip a,b,c,d,f,p --lengths 5,50,500,5000

This is a benchmark, not a test: nothing is asserted; every number is printed as measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from holdwatch.adapters.embedded import EmbeddedRedis, start_embedded
from holdwatch.adapters.keys import booking_tag
from holdwatch.adapters.logging import configure_logging
from holdwatch.settings import Settings

from .baseline import run_baseline
from .booking_length import LENGTHS, core_booking_length, run_booking_length
from .cluster import cluster_client, own_cluster
from .core import run_core
from .latency import run_latency
from .memory import measure_memory
from .monitor import run_monitor
from .producer import run_producer
from .replicas import run_replicas, with_ratios
from .report import compare, ms, over_rounds, print_comparison, print_rounds, profile_report
from .streams import (
    DEFAULT_POLL_INTERVAL,
    OwnRedis,
    bench_settings,
    delete_prefix,
    redis_server_binary,
)
from .timers import run_timers
from .workload import PROFILE_ID, contract_events, latency_payloads

PARTS = ("a", "b", "c", "d", "e", "f", "g", "h", "p")
PART_NAMES = {
    "baseline": "a",
    "monitor": "b",
    "latency": "c",
    "timers": "d",
    "memory": "e",
    "core": "f",
    "length": "g",
    "replicas": "h",
    "producer": "p",
}


def parse_skip(values: list[str]) -> set[str]:
    skip: set[str] = set()
    for value in values:
        for name in filter(None, (p.strip().lower() for p in value.split(","))):
            part = PART_NAMES.get(name, name)
            if part not in PARTS:
                raise SystemExit(f"--skip: unknown part {part!r} (use {', '.join(PARTS)})")
            skip.add(part)
    if "b" in skip:
        skip.add("e")  # memory is measured on what (b) left behind
    return skip


def _counts(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r}: numbers separated by commas") from exc
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: one or more counts of at least 1")
    return counts


def args_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench stream", description=(__doc__ or "").split("\n\n")[0]
    )
    p.add_argument("--events", type=int, default=100_000, help="events for (a) and (b)")
    p.add_argument("--rate", type=float, default=1_000.0, help="(c) producer events/s")
    p.add_argument("--seconds", type=float, default=10.0, help="(c) producer duration")
    p.add_argument("--alert-share", type=float, default=0.3, help="(c) designed-event share")
    p.add_argument("--timers", type=int, default=100_000, help="(d) timers armed")
    p.add_argument("--timer-spread", type=float, default=10.0, help="(d) seconds of due times")
    p.add_argument("--pollers", type=int, default=2, help="(d) concurrent TimerPollers")
    p.add_argument("--poll-interval", type=float, default=DEFAULT_POLL_INTERVAL)
    p.add_argument("--memory-sample", type=int, default=3_000, help="(e) keys to MEMORY USAGE")
    p.add_argument("--skip", action="append", default=[], help="parts to skip, e.g. c,d")
    p.add_argument("--producer-events", type=int, default=5_000, help="(p) XADDs, one at a time")
    p.add_argument("--lengths", type=_counts, default=LENGTHS, help="(g) booking lengths")
    p.add_argument("--length-timed", type=int, default=20, help="(g) events timed per length")
    p.add_argument("--replicas", type=_counts, default=(1, 2), help="(h) monitor processes")
    p.add_argument("--partitions", type=_counts, default=(1, 3), help="(h) key partitions")
    p.add_argument(
        "--cluster", action="store_true", help="(h) also on a 3-master Redis Cluster of its own"
    )
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or None)
    p.add_argument(
        "--appendfsync",
        metavar="MODES",
        help="compare fsync policies on redis-servers of the bench's own, e.g. everysec,always",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the parts this often and print each figure's median (with --appendfsync: "
        "the modes alternated)",
    )
    p.add_argument("--redis-server", default=None, help="--appendfsync: the redis-server binary")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--detainer-rate", type=float, default=0.015)
    p.add_argument("--log-level", default="INFO", help="monitor logs (JSON, to /dev/null)")
    p.add_argument(
        "--gc-defaults",
        action="store_true",
        help="keep CPython's collector settings instead of `holdwatch monitor`'s (heap.settle)",
    )
    p.add_argument(
        "--profile", metavar="FILE", help="also run (b) under cProfile; write top functions"
    )
    p.add_argument("--profile-events", type=int, default=20_000)
    p.add_argument("--top", type=int, default=40)
    return p


@dataclass
class Bench:
    """One run: its Redis, key prefix, options and the report being built."""

    args: argparse.Namespace
    url: str
    work: Path
    r: Redis
    run: str = field(default_factory=lambda: f"hwbench-{uuid.uuid4().hex[:10]}")
    summary: dict[str, Any] = field(default_factory=dict)
    payloads: list[bytes] = field(default_factory=list)

    @property
    def agencies(self) -> Path:
        path = self.work / "agencies.toml"
        if not path.exists():
            path.write_text(f'[agencies.lasd]\nprofile = "{PROFILE_ID}"\n', encoding="utf-8")
        return path

    def settings(self, part: str) -> Settings:
        return bench_settings(self.url, f"{self.run}-{part}", self.agencies, self.work / "data")

    def rate_row(self, label: str, result: dict[str, Any], key: str, note: str) -> None:
        """Print a part's rate; when (a) ran, also its share of (a)'s, recorded as `key`."""
        tail = ""
        if (a := self.summary.get("a_baseline")) is not None:
            result[key] = round(result["eps"] / a["eps"], 3)
            tail = "  " + note.format(result[key])
        self.row(label, f"{result['eps']:>10,} events/s  ({result['seconds']} s){tail}")

    def row(self, label: str, value: str) -> None:
        print(f"{label:<30} {value}", flush=True)

    async def header(self) -> None:
        info = await self.r.info("server")
        self.summary.update(
            python=sys.version.split()[0],
            redis_version=info.get("redis_version"),
            redis_url=self.url.rsplit("@", 1)[-1],
            key_prefix=self.run,
            cpus=os.cpu_count(),
            profile_lasd=PROFILE_ID,
            # other processes on this machine skew every number: this says how busy it was
            loadavg_1m_at_start=round(os.getloadavg()[0], 2),
        )

    def make_input(self) -> None:
        a = self.args
        t = time.perf_counter()
        self.payloads = contract_events(a.events, a.seed, a.detainer_rate)
        events = (json.loads(p) for p in self.payloads)
        tags = {booking_tag(e["agency"], e.get("subject")) for e in events}
        self.summary["input"] = {
            "events": len(self.payloads),
            "bookings": len(tags),
            "mean_event_bytes": round(sum(map(len, self.payloads)) / len(self.payloads)),
            "generated_s": round(time.perf_counter() - t, 2),
        }
        self.row("input", f"{len(self.payloads):,} events over {len(tags):,} bookings")

    async def part_a(self) -> None:
        a = await run_baseline(self.r, f"{self.run}-a", self.payloads)
        self.summary["a_baseline"] = a
        self.row("(a) raw consumer baseline", f"{a['eps']:>10,} events/s  ({a['seconds']} s)")

    async def part_p(self) -> None:
        payloads = self.payloads[: self.args.producer_events]
        stream = f"{self.run}-p:events"
        p = await asyncio.to_thread(run_producer, self.url, stream, payloads)
        self.summary["p_producer"] = p
        x = p["xadd_ms"]
        self.row(
            "(p) producer, XADD one by one",
            f"{p['eps']:>10,} XADD/s  ({p['seconds']} s; p50 {x['p50']} ms, p99 {x['p99']} ms)",
        )

    async def part_b(self, with_memory: bool) -> None:
        settle = not self.args.gc_defaults
        mon = await run_monitor(
            self.r, self.settings("b"), self.payloads, timeout=600, settle=settle
        )
        b = mon.result
        self.summary["b_monitor"] = b
        self.rate_row("(b) holdwatch monitor", b, "ratio_b_over_a", "b/a = {:.3f} (goal >= 0.25)")
        self.row(
            "    output",
            f"{b['alerts']:,} alerts, {b['timers_fired']:,} timers fired, "
            f"{b['dead_letters']:,} dead letters, drained={b['drained']}",
        )
        scripts = b["redis_commands"].get("evalsha")
        if scripts is not None:
            self.row(
                "    Lua scripts (EVALSHA)",
                f"{scripts['calls']:,} calls, {scripts['usec_per_call']} usec a call, "
                f"{scripts['usec'] / 1e6:.3f} s of Redis' time in them",
            )
        self.row(
            "    where the time went",
            f"this process on a core {b['cpu_share']:.0%} of the run, "
            f"Redis busy {b['redis_share']:.0%} of it",
        )
        gc_run = b["gc"]
        self.row(
            "    garbage collector",
            f"{gc_run['seconds']} s of the run, longest pause {gc_run['longest_pause_ms']} ms "
            f"({'CPython defaults' if self.args.gc_defaults else 'heap.settle'})",
        )
        if with_memory:
            e = await measure_memory(self.r, mon, self.args.memory_sample, self.args.seed)
            self.summary["e_memory"] = e
            self.row(
                "(e) memory per booking",
                f"{e['booking_keys_bytes_per_booking']:,} B in booking keys (sampled); "
                f"{e['used_memory_delta_per_booking']:,} B used_memory delta, "
                f"{e['used_memory_delta_per_booking_without_alerts']:,} B without the alerts "
                f"stream ({e['bookings']:,} bookings)",
            )
        await delete_prefix(self.r, f"{self.run}-b")

    async def part_f(self) -> None:
        f = await run_core(self.settings("f"), self.payloads)
        self.summary["f_core"] = f
        note = "so b/a <= {:.3f} with free storage"
        self.rate_row("(f) core alone, no Redis", f, "bound_on_b_over_a", note)

    async def part_profile(self, path: Path) -> None:
        a = self.args
        payloads = contract_events(a.profile_events, a.seed, a.detainer_rate)
        prof = await run_monitor(
            self.r,
            self.settings("p"),
            payloads,
            timeout=600,
            profile=True,
            settle=not a.gc_defaults,
        )
        assert prof.profiler is not None
        report = profile_report(prof.profiler, a.top)
        path.write_text(report, encoding="utf-8")
        self.summary["b_profiled"] = {**prof.result, "report": str(path)}
        self.row(
            "(b) under cProfile",
            f"{prof.result['eps']:>10,} events/s  ({len(payloads):,} events; report {path})",
        )
        print(report.split("\n\n", 1)[0], flush=True)
        await delete_prefix(self.r, f"{self.run}-p")

    async def part_c(self) -> None:
        a = self.args
        total = max(1, round(a.rate * a.seconds))
        payloads = latency_payloads(total, a.alert_share, a.seed + 1, a.detainer_rate)
        c = await run_latency(
            self.r, self.settings("c"), payloads, a.rate, timeout=120, settle=not a.gc_defaults
        )
        self.summary["c_latency"] = c
        hw, ot = c["hold_over_window_ms"], c["other_event_alerts_ms_lower_bound"]
        self.row(
            "(c) event -> alert latency",
            f"p50 {ms(hw['p50'])}  p99 {ms(hw['p99'])}  max {ms(hw['max'])}  "
            f"(n={hw['n']}, {c['achieved_rate']:,} events/s for {c['produce_seconds']} s)",
        )
        self.row(
            "    other event alerts (>=)",
            f"p50 {ms(ot['p50'])}  p99 {ms(ot['p99'])}  (n={ot['n']})",
        )
        await delete_prefix(self.r, f"{self.run}-c")

    async def part_d(self) -> None:
        a = self.args
        d = await run_timers(
            self.url,
            f"{self.run}-d",
            a.timers,
            a.pollers,
            a.timer_spread,
            lead_s=2.0,
            interval=a.poll_interval,
        )
        self.summary["d_timers"] = d
        lt = d["lateness_ms"]
        self.row(
            "(d) timer lateness",
            f"p50 {ms(lt['p50'])}  p99 {ms(lt['p99'])}  max {ms(lt['max'])}  "
            f"({d['timers']:,} timers, {d['pollers']} pollers, exactly once: {d['exactly_once']})",
        )
        await delete_prefix(self.r, f"{self.run}-d")

    async def part_g(self) -> None:
        a = self.args
        g = await run_booking_length(
            self.r, self.settings("g"), a.lengths, a.length_timed, settle=not a.gc_defaults
        )
        g["core"] = await core_booking_length(self.settings("gc"), a.lengths, a.length_timed)
        self.summary["g_booking_length"] = g
        core = g["core"]["lengths"]
        for label, row in g["lengths"].items():
            name = "normal booking" if label == "normal" else f"booking of {row['events']:,} events"
            c = core[label]
            self.row(
                f"(g) {name}",
                f"{row['ms']['mean']:>7.2f} ms an event, x{row['ratio_to_normal']} of normal; "
                f"core alone {c['cpu_ms']['mean']:.3f} ms CPU, x{c['ratio_to_normal']}",
            )
        await delete_prefix(self.r, f"{self.run}-g")

    async def part_h(self) -> None:
        a = self.args
        self.agencies  # noqa: B018  (written before the replicas read it)
        shape = {"log_level": a.log_level, "settle": not a.gc_defaults}
        work = (self.url, self.run, self.work, self.payloads, a.replicas, a.partitions)
        rows = await run_replicas(self.r, *work, **shape)
        base = next(iter(rows.values()))["eps"]
        h: dict[str, Any] = {"standalone": with_ratios(rows, base)}
        if a.cluster:
            with own_cluster() as url:
                r = cluster_client(url)
                try:
                    cluster = await run_replicas(
                        r,
                        url,
                        *work[1:],
                        cluster=True,
                        **shape,
                    )
                finally:
                    await r.aclose()
            h["cluster"] = with_ratios(cluster, base)
        self.summary["h_replicas"] = h
        for where, found in h.items():
            place = "1 Redis" if where == "standalone" else "cluster of 3 masters"
            for row in found.values():
                self.row(
                    f"(h) {row['replicas']} replica(s), {row['partitions']} partition(s), {place}",
                    f"{row['eps']:>10,} events/s  ({row['seconds']} s, drained={row['drained']})  "
                    f"x{row['ratio']} of 1 replica, 1 partition, 1 Redis",
                )


async def main_async(args: argparse.Namespace, url: str, work: Path) -> dict[str, Any]:
    skip = parse_skip(args.skip)
    bench = Bench(args, url, work, Redis.from_url(url))
    try:
        await bench.header()
        if not {"a", "b", "f", "h", "p"} <= skip:
            bench.make_input()
        if "a" not in skip:
            await bench.part_a()
        if "b" not in skip:
            await bench.part_b(with_memory="e" not in skip)
        if "f" not in skip:
            await bench.part_f()
        if args.profile:
            await bench.part_profile(Path(args.profile))
        if "c" not in skip:
            await bench.part_c()
        if "d" not in skip:
            await bench.part_d()
        if "g" not in skip:
            await bench.part_g()
        if "h" not in skip:
            await bench.part_h()
        if "p" not in skip:
            await bench.part_p()
    finally:
        bench.summary["keys_left_deleted"] = await delete_prefix(bench.r, bench.run)
        await bench.r.aclose()
    return bench.summary


def compare_fsync(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The parts on one own redis-server per fsync mode, the modes alternated per round."""
    modes = [m.strip() for m in args.appendfsync.split(",") if m.strip()]
    if len(modes) < 2 or not set(modes) <= {"always", "everysec", "no"}:
        raise SystemExit("--appendfsync: two or more of always, everysec, no")
    binary = args.redis_server or redis_server_binary()
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    for n in range(args.rounds):
        for mode in modes if n % 2 == 0 else modes[::-1]:
            print(f"--- round {n + 1}, appendfsync {mode}", flush=True)
            with OwnRedis(binary, work / f"redis-{n}-{mode}", mode) as url:
                runs[mode].append(asyncio.run(main_async(args, url, work)))
    comparison = compare(runs)
    print_comparison(comparison, modes)
    return {"appendfsync": runs, "comparison": comparison, "redis_server": binary}


def run_rounds(args: argparse.Namespace, url: str, work: Path) -> dict[str, Any]:
    """One run, or `--rounds` of them one after another with the medians of their rates
    and ratios: a ratio from one run moves with the machine's speed as it drifts."""
    if args.rounds <= 1:
        return asyncio.run(main_async(args, url, work))
    runs = []
    for n in range(args.rounds):
        print(f"--- round {n + 1} of {args.rounds}", flush=True)
        runs.append(asyncio.run(main_async(args, url, work)))
    rounds = over_rounds(runs)
    print_rounds(rounds)
    return {"rounds": runs, "over_rounds": rounds}


def main(argv: list[str] | None = None) -> int:
    args = args_parser().parse_args(argv)
    started = time.perf_counter()
    devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives for the run)
    configure_logging(args.log_level, stream=devnull)
    embedded: EmbeddedRedis | None = None
    with tempfile.TemporaryDirectory(prefix="holdwatch-stream-bench-") as tmp:
        work = Path(tmp)
        url = args.redis_url
        if args.appendfsync:
            summary = compare_fsync(args, work)
        else:
            if not url:
                embedded = start_embedded(work / "redis")
                url = embedded.url
            try:
                summary = run_rounds(args, url, work)
            finally:
                if embedded is not None:
                    embedded.close()
    summary["wall_s"] = round(time.perf_counter() - started, 1)
    summary["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    summary["command"] = " ".join([Path(sys.executable).name, *sys.argv])
    print(json.dumps(summary, indent=2, default=str))
    devnull.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
