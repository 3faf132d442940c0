"""Ingest benchmark: accepted reports per second and latency, against a bare endpoint.

One run measures, back to back on this machine, with wrk on loopback:

- ``starlette``: the baseline, a plain Starlette route that reads the same JSON,
  checks two fields and answers 202 (no store);
- ``bare``: a stricter second reference, a hand-written ASGI endpoint doing the same;
- ``sqlite`` and ``postgresql``: the real ``POST /api/v1/reports``, durable
  (202 only after the report's transaction committed), rate limits off.

Each runs in its own process on the same server stack (see server.py), pinned to
CPU 0, with wrk pinned to CPU 1 (on a machine with two CPUs or more). Rounds
alternate the targets so that noise from other work on the machine spreads over
all of them; the figures reported are medians over the rounds and the ratios are
taken within each round. Target: on SQLite, at least half of the Starlette
route's throughput with p99 under 25 ms at 64 connections.

    uv run python bench/ingest/run.py [--duration 10] [--rounds 3] [--connections 64]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import func, select

from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from corrigo.store.models import ErrorGroup, OutboxEvent, Report

HERE = Path(__file__).resolve().parent
PG_SERVER = os.environ.get("CORRIGO_BENCH_PG", "postgresql://root@127.0.0.1:5432/test")
SITE_KEY = "bench-site"
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
TARGET_RATIO = 0.5
TARGET_P99_MS = 25.0
BASELINE = "starlette"
SERVER_CPU, WRK_CPU = 0, 1


@dataclass(frozen=True)
class Result:
    """One wrk run against one target."""

    target: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failures: int

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return self.requests / self.seconds


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install the Debian package 'wrk' (apt-get install wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def pinned(cpu: int | None) -> list[str]:
    """A taskset prefix that keeps a command on one CPU (nothing for None or one CPU)."""
    taskset = shutil.which("taskset")
    if cpu is None or taskset is None or (os.cpu_count() or 1) < 2:
        return []
    return [taskset, "-c", str(cpu)]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_store(url: str) -> None:
    """Migrate the database and create the site the reports are sent to."""
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Bench News", ["https://news.example"], "en", public_key=SITE_KEY)
        session.commit()
    engine.dispose()


def store_counts(url: str) -> tuple[int, int, int]:
    """How many reports, groups and outbox rows the database holds."""
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = tuple(
            conn.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Report, ErrorGroup, OutboxEvent)
        )
    engine.dispose()
    return counts  # type: ignore[return-value]


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards."""
    name = f"corrigo_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        sys.exit(f"PostgreSQL is needed at {PG_SERVER} (set CORRIGO_BENCH_PG): {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def wait_until_ready(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], log: Path, seconds: float, what: str
) -> None:
    """Poll `ready` until it holds; exit with the log's tail if `proc` dies or time runs out."""
    deadline = time.monotonic() + seconds
    while not ready():
        if proc.poll() is not None:
            sys.exit(f"{what} exited; see {log}:\n{log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"{what} did not start; see {log}")
        time.sleep(0.1)


@contextlib.contextmanager
def started(
    command: list[str], env: dict[str, str], log: Path, port: int, what: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends; enter once 127.0.0.1:`port` accepts connections."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )

    def accepts() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        return False

    try:
        wait_until_ready(proc, accepts, log, 60, what)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def server(
    kind: str, env: dict[str, str], log: Path, cpu: int | None = SERVER_CPU
) -> Iterator[int]:
    """Start `server.py kind` on a free port (on `cpu`, or unpinned); yield the port once it
    accepts connections."""
    port = free_port()
    command = [*pinned(cpu), sys.executable, str(HERE / "server.py"), kind, str(port)]
    with started(command, env, log, port, f"the {kind} server"):
        yield port


def wrk_command(
    wrk: str, port: int, seconds: float, connections: int, cpu: int | None = WRK_CPU
) -> list[str]:
    """wrk with the report script against 127.0.0.1:`port` (on `cpu`, or unpinned)."""
    return [
        *pinned(cpu),
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "reports.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        str(secrets.randbits(30)),
    ]


def wrk_result(output: str, target: str) -> Result:
    """The figures the report script's done() printed."""
    line = next(line for line in output.splitlines() if line.startswith("WRK_RESULT "))
    data = json.loads(line.removeprefix("WRK_RESULT "))
    errors = sum(
        data[key]
        for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "status_errors")
    )
    return Result(
        target=target,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        failures=errors,
    )


def run_wrk(wrk: str, port: int, seconds: float, connections: int, target: str) -> Result:
    """Load the server for `seconds` with wrk and the report script."""
    command = wrk_command(wrk, port, seconds, connections)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return wrk_result(output, target)


def measure(
    wrk: str, kind: str, env: dict[str, str], log: Path, args: argparse.Namespace, target: str
) -> Result:
    """Warm a fresh server process up, then measure it."""
    with server(kind, env, log) as port:
        run_wrk(wrk, port, args.warmup, args.connections, target)
        return run_wrk(wrk, port, args.duration, args.connections, target)


def median(results: list[Result], attribute: str) -> float:
    """The median of one figure over the rounds."""
    return statistics.median(getattr(result, attribute) for result in results)


def report(rounds: list[dict[str, Result]], targets: list[str], connections: int) -> bool:
    """Print the medians and the ratios to both baselines; say whether the target is met."""
    print(f"\nmedians over {len(rounds)} round(s), {connections} connections:\n")
    print("| target | req/s | p50 ms | p99 ms | ÷ starlette | ÷ bare | failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    ratios: dict[str, float] = {}
    for target in targets:
        results = [one[target] for one in rounds]
        ratio = statistics.median(one[target].rate / one[BASELINE].rate for one in rounds)
        strict = statistics.median(one[target].rate / one["bare"].rate for one in rounds)
        ratios[target] = ratio
        print(
            f"| {target} | {median(results, 'rate'):,.0f} | {median(results, 'p50_ms'):.1f} "
            f"| {median(results, 'p99_ms'):.1f} | {ratio:.2f} | {strict:.2f} "
            f"| {sum(result.failures for result in results)} |"
        )
    sqlite_p99 = median([one["sqlite"] for one in rounds], "p99_ms")
    met = ratios["sqlite"] >= TARGET_RATIO and sqlite_p99 < TARGET_P99_MS
    failures = sum(result.failures for one in rounds for result in one.values())
    print(
        f"\ntarget (sqlite ≥ {TARGET_RATIO:.0%} of {BASELINE}, p99 < {TARGET_P99_MS:.0f} ms): "
        f"{'met' if met else 'MISSED'} (ratio {ratios['sqlite']:.2f}, p99 {sqlite_p99:.1f} ms)"
    )
    if failures:
        print(f"{failures} requests failed or were not answered 202")
    return met and not failures


def load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the load: run length, warm-up, rounds and connections."""
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)


def main() -> None:
    """Run the benchmark and exit non-zero if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    load_arguments(parser)
    parser.add_argument("--no-postgresql", action="store_true", help="measure SQLite only")
    args = parser.parse_args()
    wrk = ensure_wrk()
    targets = [BASELINE, "bare", "sqlite"] + ([] if args.no_postgresql else ["postgresql"])

    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="corrigo-bench-")))
        urls = {"sqlite": f"sqlite:///{work / 'bench.db'}"}
        if not args.no_postgresql:
            urls["postgresql"] = stack.enter_context(postgres_database())
        for url in urls.values():
            prepare_store(url)
        common = {
            "CORRIGO_DATA_DIR": str(work),
            "CORRIGO_SECRET_KEY": SECRET,
            "CORRIGO_RATE_LIMIT_READER": "off",
            "CORRIGO_RATE_LIMIT_SITE": "off",
        }
        print(
            f"wrk -t1 -c{args.connections}, {args.warmup:g} s warm-up + {args.duration:g} s "
            f"per run, {args.rounds} round(s) of {', '.join(targets)}; {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews the figures)"
        )
        rounds: list[dict[str, Result]] = []
        for number in range(1, args.rounds + 1):
            results: dict[str, Result] = {}
            for target in targets:
                kind = target if target in (BASELINE, "bare") else "corrigo"
                env = {**common, "CORRIGO_DATABASE_URL": urls[target]} if target in urls else common
                result = measure(wrk, kind, env, work / f"{target}.log", args, target)
                results[target] = result
                print(
                    f"round {number} {target:<10} {result.rate:9,.0f} req/s  "
                    f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
                    f"failed {result.failures}",
                    flush=True,
                )
            rounds.append(results)
        for target, url in urls.items():
            reports, groups, outbox = store_counts(url)
            print(
                f"{target}: {reports:,} reports stored in {groups:,} groups, {outbox:,} outbox rows"
            )
        met = report(rounds, targets, args.connections)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
