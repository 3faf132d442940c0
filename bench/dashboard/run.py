"""Dashboard benchmark: server-side render time of the editors' pages with 1M reports.

One run fills (or reuses) a SQLite file and a PostgreSQL database with the
generator's data (1,000,000 reports, 100,000 groups, 20 sites), then renders,
signed in as the admin, through the real application stack:

- ``baseline``: the editor's account page (session, one small query, a template);
- ``inbox``: the inbox's first page, no filter;
- ``filtered``: the inbox with filters (status, language, site, URL prefix, dates);
- ``search``: the inbox searching quotes and comments (common, rare, absent words);
- ``group``: a group's page (random groups and the most reported one);
- ``stats 30d``, ``stats 90d``, ``stats 365d``: the statistics page for each period,
  cycling through every site choice (all sites, then each site on its own).

With ``--flood`` it measures instead the dashboard while a flood comes in (issue 13,
part 3): `corrigo serve` processes on each store (SQLite: one; PostgreSQL: two), the
baseline, inbox, filtered, search and group pages rendered by the first one, first
quiet, then while flood.py sends ``--flood-rate`` reports a second (500) to all of
them; times are taken by the client here (loopback and httpx included).

The time is taken inside the server (an ASGI wrapper from the request's start
to the last byte of the body), so the test client is not measured. Scenarios
take turns request by request, so noise from other work on the machine spreads
over all of them. Target: p95 under 100 ms for inbox, filtered, search and group
on both databases, and for the statistics page in each period.

    uv run python bench/dashboard/run.py [--runs 40] [--reuse] [--keep] [--flood]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# The generator and the flood live beside this script (its folder is on sys.path).
from flood import Flood, servers
from generate import (
    ADMIN_EMAIL,
    BENCH_PASSWORD,
    Shape,
    create_pg_database,
    drop_pg_database,
    generate,
    pg_database_exists,
)
from sqlalchemy import func, select
from starlette.testclient import TestClient

from corrigo.config import load_settings
from corrigo.http.app import create_app
from corrigo.store.db import make_engine
from corrigo.store.models import ErrorGroup, Site

PG_SERVER = os.environ.get("CORRIGO_BENCH_PG", "postgresql+psycopg://root@127.0.0.1:5432")
TARGET_MS = 100.0
PERIODS = (30, 90, 365)
STATS = tuple(f"stats {days}d" for days in PERIODS)
FLOODED = ("inbox", "filtered", "search", "group")
TARGETED = (*FLOODED, *STATS)
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGI = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


class ServerTimer:
    """ASGI wrapper that records how long the app took to send each whole response."""

    def __init__(self, app: ASGI) -> None:
        self.app = app
        self.last_ms = 0.0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last_ms = (time.perf_counter() - started) * 1000

        await self.app(scope, receive, timed_send)


@dataclass
class Figures:
    """Timings of one scenario on one database."""

    name: str
    samples: list[float]

    def pct(self, q: float) -> float:
        """The q-quantile (0..1) of the samples, nearest rank."""
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def scenarios(url: str, seed: int) -> dict[str, list[str]]:
    """Addresses per scenario; each scenario cycles through its list."""
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.connect() as conn:
        top = conn.execute(
            select(ErrorGroup.id).order_by(ErrorGroup.report_count.desc()).limit(1)
        ).scalar_one()
        count = conn.execute(select(func.max(ErrorGroup.id))).scalar_one()
        exacts = conn.execute(
            select(ErrorGroup.exact).where(ErrorGroup.id.in_(rng.sample(range(1, count), 3)))
        ).scalars()
        misprints = list(exacts)
        latest = conn.execute(select(func.max(ErrorGroup.last_seen))).scalar_one().date()
        site_keys = list(conn.execute(select(Site.public_key).order_by(Site.id)).scalars())
    engine.dispose()
    since = latest.replace(day=1).isoformat()
    until = latest.isoformat()
    return {
        "baseline": ["/dashboard/account"],
        "inbox": ["/dashboard/"],
        "filtered": [
            "/dashboard/?status=open&lang=uk",
            "/dashboard/?site=bench-site-01&url=https%3A%2F%2Fsite01.example%2Fpolitics%2F",
            f"/dashboard/?since={since}&until={until}",
            "/dashboard/?status=fixed&site=bench-site-05",
            f"/dashboard/?lang=de&status=open&since={since}",
        ],
        "search": [
            *(f"/dashboard/?q={word}" for word in misprints),
            "/dashboard/?q=typo",
            "/dashboard/?q=%D0%BF%D0%BE%D0%BC%D0%B8%D0%BB%D0%BA%D0%B0",  # помилка
            "/dashboard/?q=%3Cscript%3E",
            "/dashboard/?q=zzqxj",  # matches nothing: the whole index is consulted
            "/dashboard/?q=river&status=open",
        ],
        "group": [f"/dashboard/groups/{top}"]
        + [f"/dashboard/groups/{gid}" for gid in rng.sample(range(1, count), 9)],
        **{
            f"stats {days}d": [
                f"/dashboard/stats?days={days}&site={key}" for key in ("", *site_keys)
            ]
            for days in PERIODS
        },
    }


def sign_in(client: httpx.Client) -> None:
    """Sign in as the benchmark admin through the real form."""
    page = client.get("/dashboard/sign-in")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if match is None:
        raise SystemExit("no sign-in form at /dashboard/sign-in")
    answer = client.post(
        "/dashboard/sign-in",
        data={"csrf_token": match.group(1), "email": ADMIN_EMAIL, "password": BENCH_PASSWORD},
        follow_redirects=False,
    )
    if answer.status_code != 303:
        raise SystemExit(f"sign-in failed: {answer.status_code}")


def measure(url: str, data_dir: Path, runs: int, seed: int) -> dict[str, Figures]:
    """Render every scenario `runs` times (after two warm-up rounds) on one database."""
    plan = scenarios(url, seed)
    settings = load_settings(
        database_url=url,
        data_dir=data_dir,
        secret_key=SECRET,
        rate_limit_reader="off",
        rate_limit_site="off",
        workers_in_process=False,
    )
    timer = ServerTimer(create_app(settings))
    results = {name: Figures(name, []) for name in plan}
    with TestClient(timer, base_url="http://testserver") as client:
        sign_in(client)
        for round_no in range(runs + 2):
            for name, paths in plan.items():
                path = paths[round_no % len(paths)]
                answer = client.get(path)
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {answer.status_code}")
                if round_no >= 2:
                    results[name].samples.append(timer.last_ms)
    return results


def render(client: httpx.Client, plan: dict[str, list[str]], runs: int) -> dict[str, Figures]:
    """Time every scenario `runs` times (after two warm-up rounds) from this client."""
    results = {name: Figures(name, []) for name in plan}
    for round_no in range(runs + 2):
        for name, paths in plan.items():
            path = paths[round_no % len(paths)]
            started = time.perf_counter()
            answer = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{path}: HTTP {answer.status_code}")
            if round_no >= 2:
                results[name].samples.append(elapsed)
    return results


def measure_flood(
    url: str, data_dir: Path, runs: int, seed: int, processes: int, rate: float
) -> tuple[dict[str, Figures], dict[str, Figures], dict[str, float]]:
    """The pages quiet, then during a flood of `rate` reports a second, on live servers."""
    plan = {
        name: paths
        for name, paths in scenarios(url, seed).items()
        if name in ("baseline", *FLOODED)
    }
    env = {
        "CORRIGO_DATABASE_URL": url,
        "CORRIGO_DATA_DIR": str(data_dir),
        "CORRIGO_SECRET_KEY": SECRET,
        "CORRIGO_RATE_LIMIT_READER": "off",
        "CORRIGO_RATE_LIMIT_SITE": "off",
        "CORRIGO_WORKERS_IN_PROCESS": "false",
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        urls = stack.enter_context(servers(env, processes, data_dir / "serve.log"))
        client = stack.enter_context(httpx.Client(base_url=urls[0], timeout=60))
        sign_in(client)
        quiet = render(client, plan, runs)
        with Flood(rate, urls) as flood:
            flooded = render(client, plan, runs)
    return quiet, flooded, flood.figures


def report_flood(
    name: str, quiet: dict[str, Figures], flooded: dict[str, Figures], flood: dict[str, float]
) -> list[str]:
    """Markdown rows for one database: each page quiet and flooded, and the flood itself."""
    lines = []
    for page, before in quiet.items():
        during = flooded[page]
        p95 = during.pct(0.95)
        verdict = ("yes" if p95 < TARGET_MS else "**no**") if page in FLOODED else ""
        lines.append(
            f"| {name} | {page} | {before.pct(0.5):.1f} | {before.pct(0.95):.1f} "
            f"| {during.pct(0.5):.1f} | {p95:.1f} | {max(during.samples):.1f} "
            f"| {p95 / before.pct(0.95):.1f}× | {verdict} |"
        )
    lines.append(
        f"| {name} | *flood* | {flood['rate']:.0f} reports/s accepted | "
        f"{flood['sent']:.0f} sent | p50 {flood['p50_ms']:.1f} ms | p99 {flood['p99_ms']:.1f} ms "
        f"| {flood['other']:.0f} other answers, {flood['errors']:.0f} errors | | |"
    )
    return lines


def report(name: str, results: dict[str, Figures]) -> list[str]:
    """Markdown table rows for one database."""
    base = results["baseline"].pct(0.5)
    lines = []
    for figures in results.values():
        p50, p95 = figures.pct(0.5), figures.pct(0.95)
        verdict = ""
        if figures.name in TARGETED:
            verdict = "yes" if p95 < TARGET_MS else "**no**"
        lines.append(
            f"| {name} | {figures.name} | {p50:.1f} | {p95:.1f} | {max(figures.samples):.1f} "
            f"| {p50 / base:.1f}× | {verdict} |"
        )
    return lines


def flood_table(args: argparse.Namespace, sqlite_path: Path, pg_url: str) -> list[str]:
    """Both databases quiet and flooded, as one Markdown table."""
    lines = [
        f"{args.reports:,} reports, {args.groups:,} groups, {args.sites} sites; {args.runs} "
        f"renders per page, quiet then during {args.flood_rate:g} reports/s; ms, client-side",
        "",
        "| database | page | quiet p50 | quiet p95 | flood p50 | flood p95 | flood max "
        "| p95 flood ÷ quiet | flood p95 < 100 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, url, processes in (
        ("SQLite, 1 process", f"sqlite:///{sqlite_path}", 1),
        ("PostgreSQL, 2 processes", pg_url, 2),
    ):
        figures = measure_flood(
            url, args.data_dir / "data", args.runs, args.seed, processes, args.flood_rate
        )
        lines += report_flood(name, *figures)
        print(f"{name}: done, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    return lines


def prepare(sqlite_path: Path, pg_url: str, reuse: bool, shape: Shape) -> None:
    """Generate both stores (or keep existing ones with --reuse)."""
    if not (reuse and sqlite_path.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        seconds = generate(f"sqlite:///{sqlite_path}", shape)
        print(f"generated SQLite store in {seconds:.0f} s", file=sys.stderr)
    if not (reuse and pg_database_exists(pg_url)):
        drop_pg_database(pg_url)
        create_pg_database(pg_url)
        seconds = generate(pg_url, shape)
        print(f"generated PostgreSQL store in {seconds:.0f} s", file=sys.stderr)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/corrigo-bench-dashboard"))
    parser.add_argument("--pg-database", default="corrigo_bench_dashboard")
    parser.add_argument("--runs", type=int, default=40, help="measured requests per scenario")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--reuse", action="store_true", help="use stores left by --keep")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument("--flood", action="store_true", help="the pages during a flood")
    parser.add_argument("--flood-rate", type=float, default=500, help="reports a second")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    sqlite_path = args.data_dir / "bench.db"
    pg_url = f"{PG_SERVER}/{args.pg_database}"
    shape = Shape(args.reports, args.groups, args.sites, args.seed)
    try:
        prepare(sqlite_path, pg_url, args.reuse, shape)
        load_before = os.getloadavg()[0]
        if args.flood:
            lines = flood_table(args, sqlite_path, pg_url)
            lines += [
                "",
                f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
            ]
            print("\n".join(lines))
            return
        lines = [
            f"{shape.reports:,} reports, {shape.groups:,} groups, {shape.sites} sites; "
            f"{args.runs} renders per scenario; times in ms, server-side",
            "",
            "| database | page | p50 | p95 | max | p50 / baseline | p95 < 100 ms |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, url in (("SQLite", f"sqlite:///{sqlite_path}"), ("PostgreSQL", pg_url)):
            lines += report(name, measure(url, args.data_dir / "data", args.runs, args.seed))
        # The machine is shared: its load says how much the figures owe to other work.
        lines += [
            "",
            f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
        ]
        print("\n".join(lines))
    finally:
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
            drop_pg_database(pg_url)


if __name__ == "__main__":
    main()
