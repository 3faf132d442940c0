"""Several processes on PostgreSQL: the ingest with one and with two `corrigo serve`.

The README's deployment for several cores (issue 13, part 4): `corrigo serve`
processes on one PostgreSQL database, rate limits shared in Redis
(``CORRIGO_RATE_LIMIT_STORAGE``), the notifier in its own `corrigo worker`
process (``CORRIGO_WORKERS_IN_PROCESS=false``). Each round measures, on fresh
processes:

- ``starlette ×1`` and ``starlette ×2``: the baseline of bench/ingest (a plain
  Starlette route that reads the JSON, checks two fields and answers 202) in one
  and in two processes: what this machine gives any Python service for a second
  process, with wrk, PostgreSQL and Redis sharing the same cores;
- ``corrigo ×1`` and ``corrigo ×2``: the real ingest, durable, with the default
  per-reader limit counted in Redis for every report (each report names one of
  2^24 readers in X-Forwarded-For, the bench being the trusted proxy) and the
  per-site limit at 1,000,000/minute (still one Redis call per report).

Load: the shape of bench/ingest (reports.lua), from two wrk processes of half the
connections each; with two servers each wrk loads one of them, as a proxy
spreading connections would. Nothing is pinned: the point is how the processes
share the machine. Requests add up over both wrk; p50 and p99 are the worse
of the two wrk (the p99 of all requests lies between the two).

Beside each Corrigo run: reports stored per PostgreSQL commit, the CPU that the
servers, the worker, PostgreSQL and Redis used per report (from /proc), how busy
the machine was, and what PostgreSQL's backends of this database were waiting
on (pg_stat_activity sampled 20 times a second: the commit's WAL flush, the
per-page advisory locks, the statistics rollups' rows...).

    uv run python bench/ingest/processes.py [--duration 10] [--warmup 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

# The ingest benchmark's helpers live beside this script (its folder is on sys.path).
from run import (
    SECRET,
    Result,
    ensure_wrk,
    free_port,
    load_arguments,
    postgres_database,
    prepare_store,
    server,
    started,
    stop,
    store_counts,
    wrk_command,
    wrk_result,
)

REDIS = os.environ.get("CORRIGO_BENCH_REDIS", "redis://127.0.0.1:6379/12")
TICKS = os.sysconf("SC_CLK_TCK")
TARGETS = (
    ("starlette", 1),
    ("corrigo", 1),
    ("starlette", 2),
    ("corrigo", 2),
    ("corrigo+worker", 2),
)


@dataclass
class Costs:
    """What one Corrigo run cost, beside its wrk figures."""

    reports: int = 0
    commits: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # seconds, by component
    busy: float = 0.0  # share of all CPUs busy, whatever ran
    waits: dict[str, float] = field(default_factory=dict)  # backends per sample, by wait


def name(kind: str, processes: int) -> str:
    """A target's label."""
    return f"{kind} ×{processes}"


def cpu_seconds(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far: by our processes (by role), all postgres and redis-server."""
    used: Counter[str] = Counter()
    owned = {pid: role for role, listed in pids.items() for pid in listed}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            role = owned.get(int(entry))
            if role is None and comm == "postgres":
                role = "postgresql"
            elif role is None and comm.startswith("redis-server"):
                role = "redis"
            if role is not None:
                used[role] += ticks / TICKS
    return dict(used)


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


class WaitSampler:
    """Samples what this database's active backends wait on, 20 times a second."""

    def __init__(self, dsn: str, database: str) -> None:
        self._dsn = dsn
        self._database = database
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.samples = 0
        self.waits: Counter[str] = Counter()

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        query = (
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'running'), count(*) "
            "FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
            "AND pid <> pg_backend_pid() GROUP BY 1"
        )
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            while not self._stop.wait(0.05):
                self.samples += 1
                for wait, count in conn.execute(query, (self._database,)):
                    self.waits[wait] += count


def load(wrk: str, ports: list[int], seconds: float, connections: int, target: str) -> Result:
    """Two wrk at once, half the connections each, on the ports in turn; the sum of both."""
    commands = [
        wrk_command(wrk, ports[index % len(ports)], seconds, connections // 2, cpu=None)
        for index in range(2)
    ]
    runs = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
    outputs = [run.communicate()[0] for run in runs]
    if any(run.returncode for run in runs):
        sys.exit(f"wrk failed: {outputs}")
    parts = [wrk_result(output, target) for output in outputs]
    return Result(
        target=target,
        requests=sum(part.requests for part in parts),
        seconds=max(part.seconds for part in parts),
        p50_ms=max(part.p50_ms for part in parts),
        p99_ms=max(part.p99_ms for part in parts),
        failures=sum(part.failures for part in parts),
    )


@contextlib.contextmanager
def corrigo(
    env: dict[str, str], work: Path, processes: int, worker: bool
) -> Iterator[dict[str, list[int]]]:
    """`processes` × `corrigo serve` and, if `worker`, one `corrigo worker`; yields their
    ports and pids by role."""
    command = [sys.executable, "-m", "corrigo.cli"]
    with contextlib.ExitStack() as stack:
        ports = [free_port() for _ in range(processes)]
        servers = [
            stack.enter_context(
                started(
                    [*command, "serve", "--port", str(port)],
                    env,
                    work / "serve.log",
                    port,
                    "corrigo serve",
                )
            )
            for port in ports
        ]
        pids = {"ports": ports, "serve": [proc.pid for proc in servers], "worker": []}
        if not worker:
            yield pids
            return
        with (work / "worker.log").open("ab") as out:
            process = subprocess.Popen(
                [*command, "worker"],
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        stack.callback(stop, process)
        yield {**pids, "worker": [process.pid]}
        if process.poll() is not None:
            sys.exit(f"corrigo worker exited; see {work / 'worker.log'}")


def measure(
    wrk: str,
    kind: str,
    processes: int,
    env: dict[str, str],
    work: Path,
    args: argparse.Namespace,
    pg: tuple[str, str],
) -> tuple[Result, Costs | None]:
    """Warm fresh processes up, then measure them (and, for Corrigo, what it cost)."""
    target = name(kind, processes)
    with contextlib.ExitStack() as stack:
        if kind == "starlette":
            ports = [
                stack.enter_context(server("starlette", env, work / "starlette.log", cpu=None))
                for _ in range(processes)
            ]
            load(wrk, ports, args.warmup, args.connections, target)
            return load(wrk, ports, args.duration, args.connections, target), None
        pids = stack.enter_context(corrigo(env, work, processes, worker=kind != "corrigo"))
        ports = pids.pop("ports")
        load(wrk, ports, args.warmup, args.connections, target)
        dsn, database = pg
        before = _snapshot(dsn, database, pids, settle_first=True)
        with WaitSampler(dsn, database) as sampler:
            result = load(wrk, ports, args.duration, args.connections, target)
        after = _snapshot(dsn, database, pids, settle_first=False)
        busy = (after[3][0] - before[3][0]) / max(1, after[3][1] - before[3][1])
        costs = Costs(
            reports=after[0] - before[0],
            commits=after[1] - before[1],
            cpu={role: after[2].get(role, 0) - before[2].get(role, 0) for role in after[2]},
            busy=busy,
            waits={wait: count / sampler.samples for wait, count in sampler.waits.items()},
        )
        return result, costs


def _snapshot(
    dsn: str, database: str, pids: dict[str, list[int]], settle_first: bool
) -> tuple[int, int, dict[str, float], tuple[int, int]]:
    """Reports stored, commits, CPU by role and the machine's ticks; the CPU and ticks taken
    right at the load's start or end, the commits once flushed (before or after them)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        commits = _settled_commits(conn, database) if settle_first else 0
        cpu, machine = cpu_seconds(pids), machine_ticks()
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()
        assert reports is not None
        if not settle_first:
            commits = _settled_commits(conn, database)
        return int(reports[0]), commits, cpu, machine


def _settled_commits(conn: psycopg.Connection[tuple[int]], database: str) -> int:
    """The database's commits once backends have flushed their statistics.

    A backend reports its counts at most once a second, and within about a second
    of going idle; the worker's polls keep adding a few a second, which is noise.
    """
    query = "SELECT xact_commit FROM pg_stat_database WHERE datname = %s"
    last = -1
    for _ in range(50):
        row = conn.execute(query, (database,)).fetchone()
        assert row is not None
        if 0 <= row[0] - last <= 5:
            return int(row[0])
        last = row[0]
        time.sleep(1.2)  # the statistics' own flush interval, not a wait for a condition
    return int(last)


def report(rounds: list[dict[str, tuple[Result, Costs | None]]], connections: int) -> None:
    """Print the medians, the ratios to the baseline and what the Corrigo runs cost."""
    print(f"\nmedians over {len(rounds)} round(s), {connections} connections:\n")
    print(
        "| target | req/s | p50 ms | p99 ms | ÷ starlette, same processes "
        "| ÷ same kind ×1 | failed |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, processes in sorted(TARGETS, key=lambda t: (t[0] != "starlette", t)):
        target = name(kind, processes)
        results = [one[target][0] for one in rounds]
        ratio = statistics.median(
            one[target][0].rate / one[name("starlette", processes)][0].rate for one in rounds
        )
        scaling = statistics.median(
            one[target][0].rate / one[name(kind.split("+")[0], 1)][0].rate for one in rounds
        )
        print(
            f"| {target} | {statistics.median(r.rate for r in results):,.0f} "
            f"| {statistics.median(r.p50_ms for r in results):.1f} "
            f"| {statistics.median(r.p99_ms for r in results):.1f} | {ratio:.2f} "
            f"| {scaling:.2f} | {sum(r.failures for r in results)} |"
        )
    print("\nCorrigo's costs, medians (CPU in ms per 1,000 reports stored):\n")
    roles = ("serve", "worker", "postgresql", "redis")
    print(
        "| target | reports/commit | commits/s | "
        + " | ".join(f"CPU {role}" for role in roles)
        + " | machine busy |"
    )
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in roles) + " | ---: |")
    corrigos = [name(kind, n) for kind, n in TARGETS if kind != "starlette"]
    for target in corrigos:
        costs = [cost for one in rounds if (cost := one[target][1]) is not None]
        seconds = [one[target][0].seconds for one in rounds]
        per_commit = statistics.median(c.reports / max(1, c.commits) for c in costs)
        rate = statistics.median(c.commits / s for c, s in zip(costs, seconds, strict=True))
        cpu = [
            statistics.median(1e6 * c.cpu.get(role, 0) / max(1, c.reports) for c in costs)
            for role in roles
        ]
        busy = statistics.median(c.busy for c in costs)
        print(
            f"| {target} | {per_commit:.1f} | {rate:,.0f} | "
            + " | ".join(f"{value:,.0f}" for value in cpu)
            + f" | {busy:.0%} |"
        )
    print("\nPostgreSQL backends of the database, mean per sample, by what they wait on:\n")
    for target in corrigos:
        waits: Counter[str] = Counter()
        costs = [cost for one in rounds if (cost := one[target][1]) is not None]
        for cost in costs:
            waits.update({wait: value / len(costs) for wait, value in cost.waits.items()})
        shown = ", ".join(f"{wait} {value:.2f}" for wait, value in waits.most_common(8))
        print(f"- {target}: {shown}")


def main() -> None:
    """Run the benchmark (it reports figures; no target is asserted)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    load_arguments(parser)
    args = parser.parse_args()
    wrk = ensure_wrk()
    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as exc:
        sys.exit(f"Redis is needed at {REDIS} (set CORRIGO_BENCH_REDIS): {exc}")

    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="corrigo-procs-")))
        url = stack.enter_context(postgres_database())
        prepare_store(url)
        database = url.rsplit("/", 1)[1]
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        env = {
            "CORRIGO_DATA_DIR": str(work),
            "CORRIGO_SECRET_KEY": SECRET,
            "CORRIGO_DATABASE_URL": url,
            "CORRIGO_RATE_LIMIT_STORAGE": REDIS,
            "CORRIGO_RATE_LIMIT_SITE": "1000000/minute",
            "CORRIGO_TRUSTED_PROXIES": "127.0.0.1/32",
            "CORRIGO_WORKERS_IN_PROCESS": "false",
        }
        print(
            f"2 × wrk -t1 -c{args.connections // 2}, {args.warmup:g} s warm-up + "
            f"{args.duration:g} s per run, {args.rounds} round(s); {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews the figures)"
        )
        rounds: list[dict[str, tuple[Result, Costs | None]]] = []
        for number in range(1, args.rounds + 1):
            # Alternate the order, so the database's growth weighs on ×1 and ×2 alike.
            order = TARGETS if number % 2 else TARGETS[2:] + TARGETS[:2]
            results: dict[str, tuple[Result, Costs | None]] = {}
            for kind, processes in order:
                result, costs = measure(wrk, kind, processes, env, work, args, (dsn, database))
                results[result.target] = (result, costs)
                print(
                    f"round {number} {result.target:<12} {result.rate:9,.0f} req/s  "
                    f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
                    f"failed {result.failures}  load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            rounds.append(results)
        reports, groups, outbox = store_counts(url)
        print(
            f"postgresql: {reports:,} reports stored in {groups:,} groups, {outbox:,} outbox rows"
        )
        report(rounds, args.connections)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
