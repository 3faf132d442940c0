"""Page checker benchmark: a whole round over many pages, and the ingest during a round.

Round: a page server in its own process (bench/verify/pages.py) serves PAGES
article pages of ~120 KB spread over HOSTS loopback addresses (127.0.0.2 …),
one site per host; a fresh SQLite store holds GROUPS open groups (quotes taken
from the pages' own text, so most are `present`, and one page in ten has been
"corrected" since: its groups come out `corrected`), all due. One checker
(`corrigo.workers.checker.Checker`, concurrency 16, one request a second per
host, two pages in flight per site) runs until every page is checked; the
figures are the round's wall time and this process's CPU time per page (fetch
+ extract + anchor + store). Baseline in the same run: the same fetches with the
same pacing through `corrigo.net.fetch.fetch_page`, and nothing else. A second
round follows, answered 304 (conditional requests).

Ingest (``--ingest``): `corrigo serve` (SQLite, workers in process) under the
ingest benchmark's wrk load, once without a check round and once while its own
checker runs a round over the same pages; p99 of both, in REPEAT alternating pairs
(the median ratio is the figure: the machine's load drifts).

    uv run python bench/verify/run.py [--pages 1000] [--groups 10000] [--hosts 100]
        [--ingest [--repeat 3]]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select

from corrigo.config import load_settings
from corrigo.domain.article import article_texts
from corrigo.domain.fingerprint import fingerprint, page_hash
from corrigo.net.fetch import fetch_page
from corrigo.store.admin import create_site
from corrigo.store.checks import check_soon
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from corrigo.store.models import ErrorGroup
from corrigo.workers.checker import Checker, Pacer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from ingest.run import ensure_wrk, run_wrk, wait_until_ready  # noqa: E402
from pages import host, page  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
CONCURRENCY = 16
CPU_BUDGET_MS = 10.0


def free_port() -> int:
    """A port free on the loopback addresses."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def page_server(hosts: int, log: Path) -> Iterator[int]:
    """The page server process; yields its port once every host answers."""
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "pages.py"), str(port), str(hosts)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def accepts() -> bool:
        with contextlib.suppress(OSError), socket.create_connection((host(hosts - 1), port), 0.2):
            return True
        return False

    try:
        wait_until_ready(proc, accepts, log, 30, "the page server")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def url_of(port: int, hosts: int, n: int) -> str:
    """The address of page `n` (pages are spread over the hosts in turn)."""
    return f"http://{host(n % hosts)}:{port}/p/{n}"


def seed(db_url: str, port: int, pages: int, groups: int, hosts: int) -> list[str]:
    """Sites, and `groups` due open groups quoted from the pages; returns the page URLs."""
    upgrade(db_url)
    engine = make_engine(db_url)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session:
        sites = [
            create_site(session, f"Host {i}", [f"http://{host(i)}:{port}"], public_key=f"h{i}").id
            for i in range(hosts)
        ]
        session.commit()
    urls = [url_of(port, hosts, n) for n in range(pages)]
    per_page = max(1, groups // pages)
    rows = []
    for n, url in enumerate(urls):
        text = article_texts(page(n))[0]
        key = f"h{n % hosts}"
        for k in range(per_page):
            start = (len(text) // per_page) * k + 100
            exact = text[start : start + 12]
            prefix, suffix = text[start - 32 : start], text[start + 12 : start + 44]
            if n % 10 == 0 and k == 0:
                exact = exact[:-1] + "#"  # since corrected on the page: the checker closes it
            rows.append(
                {
                    "site_id": sites[n % hosts],
                    "fingerprint": fingerprint(key, url, prefix, exact, suffix),
                    "url": url,
                    "url_hash": page_hash(key, url),
                    "exact": exact,
                    "prefix": prefix,
                    "suffix": suffix,
                    "pos_start": start,
                    "pos_end": start + len(exact),
                    "status": "open",
                    "report_count": 1,
                    "first_seen": now,
                    "last_seen": now,
                    "title": "",
                    "lang": "en",
                    "author": "",
                    "status_note": "",
                    "check_reason": "",
                    "still_on_page": False,
                }
            )
    with engine.begin() as conn:
        conn.execute(insert(ErrorGroup.__table__), rows)
    make_due(db_url)
    engine.dispose()
    return urls


def make_due(db_url: str) -> None:
    """Ask for a check of every group again (the next round)."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        ids = list(conn.execute(select(ErrorGroup.id)).scalars())
        check_soon(conn, ids, datetime.now(UTC))
    engine.dispose()


def due_count(engine: Engine) -> int:
    """How many groups still wait for their check."""
    with engine.connect() as conn:
        query = select(func.count()).where(ErrorGroup.check_due_at.is_not(None))
        return int(conn.execute(query).scalar_one())


def wait_round_end(db_url: str, timeout: float) -> None:
    """Poll until no group waits for its check (a benchmark may poll; tests may not)."""
    engine = make_engine(db_url)
    deadline = time.monotonic() + timeout
    try:
        while due_count(engine) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        engine.dispose()


def outcomes(db_url: str) -> dict[str, int]:
    """How many groups ended with each outcome."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ErrorGroup.check_outcome, func.count()).group_by(ErrorGroup.check_outcome)
        ).all()
    engine.dispose()
    return {str(outcome): int(count) for outcome, count in rows}


async def check_round(db_url: str, data: Path) -> tuple[float, float]:
    """One checker until nothing is due: (wall seconds, CPU seconds of this process)."""
    settings = load_settings(
        database_url=db_url,
        data_dir=data,
        secret_key=SECRET,
        verify_allow_private=True,
        verify_concurrency=CONCURRENCY,
        verify_interval="off",
    )
    engine = make_engine(db_url)
    checker = Checker(settings, engine)
    stop = asyncio.Event()
    wall, cpu = time.perf_counter(), time.process_time()
    running = asyncio.create_task(checker.run(stop))
    while True:
        await asyncio.sleep(0.5)
        if not await asyncio.to_thread(due_count, engine):
            break
    stop.set()
    await running
    result = time.perf_counter() - wall, time.process_time() - cpu
    engine.dispose()
    return result


async def fetch_round(urls: list[str], port: int, hosts: int) -> tuple[float, float]:
    """The same fetches, paced alike, and nothing else: (wall, CPU seconds)."""
    pacer = Pacer()
    slots = asyncio.Semaphore(CONCURRENCY)
    origins = [f"http://{host(i)}:{port}" for i in range(hosts)]

    async def one(index: int, url: str) -> None:
        async with slots, pacer.site(index % hosts):
            await pacer.turn(url)
            await fetch_page(url, allowed_origins=origins, allow_private=True)

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i, url) for i, url in enumerate(urls)))
    return time.perf_counter() - wall, time.process_time() - cpu


def ingest_p99(
    db_url: str, data: Path, log: Path, seconds: float, repeat: int
) -> list[tuple[float, float]]:
    """wrk's p99 against `corrigo serve` without a round, then during one (ms, ms), `repeat` times.

    Alternating the two runs lets a machine whose load drifts weigh on both alike.
    """
    wrk = ensure_wrk()
    port = free_port()
    env = {
        **os.environ,
        "CORRIGO_DATABASE_URL": db_url,
        "CORRIGO_DATA_DIR": str(data),
        "CORRIGO_SECRET_KEY": SECRET,
        "CORRIGO_RATE_LIMIT_READER": "off",
        "CORRIGO_RATE_LIMIT_SITE": "off",
        "CORRIGO_VERIFY_ALLOW_PRIVATE": "true",
        "CORRIGO_VERIFY_INTERVAL": "off",
    }
    add_ingest_site(db_url)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, str(HERE.parent / "ingest" / "server.py"), "corrigo", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def accepts() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        return False

    try:
        wait_until_ready(proc, accepts, log, 180, "corrigo serve")
        run_wrk(wrk, port, 3, 64, "warm-up")
        pairs = []
        for _ in range(repeat):
            quiet = run_wrk(wrk, port, seconds, 64, "without a round").p99_ms
            make_due(db_url)
            busy = run_wrk(wrk, port, seconds, 64, "during a round").p99_ms
            pairs.append((quiet, busy))
            wait_round_end(db_url, 180)  # the round ends before the next pair starts
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return pairs


def add_ingest_site(db_url: str) -> None:
    """The ingest benchmark's site (its reports come from https://news.example)."""
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Bench News", ["https://news.example"], public_key="bench-site")
        session.commit()
    engine.dispose()


def main() -> None:
    """Run the rounds and print the figures as Markdown rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--ingest", action="store_true", help="also measure the ingest's p99")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--repeat", type=int, default=3, help="pairs of ingest runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corrigo-bench-verify-") as folder:
        work = Path(folder)
        db_url = f"sqlite:///{work / 'corrigo.db'}"
        with page_server(args.hosts, work / "pages.log") as port:
            urls = seed(db_url, port, args.pages, args.groups, args.hosts)
            print(f"{args.pages} pages on {args.hosts} hosts, {args.groups} groups, SQLite")
            fetch_wall, fetch_cpu = asyncio.run(fetch_round(urls, port, args.hosts))
            wall, cpu = asyncio.run(check_round(db_url, work))
            found = outcomes(db_url)
            make_due(db_url)
            wall_304, cpu_304 = asyncio.run(check_round(db_url, work))
            per_page = 1000 * cpu / args.pages
            print("| round | wall s | CPU ms per page |")
            print("| --- | --- | --- |")
            fetch_ms = 1000 * fetch_cpu / args.pages
            print(f"| fetch only (baseline) | {fetch_wall:.1f} | {fetch_ms:.2f} |")
            print(f"| check (fetch + extract + anchor + store) | {wall:.1f} | {per_page:.2f} |")
            print(
                f"| check again, pages unchanged (304) | {wall_304:.1f} | "
                f"{1000 * cpu_304 / args.pages:.2f} |"
            )
            print(f"outcomes of the first round: {found}")
            print(
                f"CPU per page budget {CPU_BUDGET_MS:g} ms: "
                f"{'met' if per_page < CPU_BUDGET_MS else 'MISSED'}"
            )
            if args.ingest:
                pairs = ingest_p99(db_url, work, work / "serve.log", args.duration, args.repeat)
                for quiet, busy in pairs:
                    print(
                        f"ingest p99 without a round {quiet:.1f} ms, during a round {busy:.1f} ms "
                        f"(ratio {busy / quiet:.2f})"
                    )
                ratio = statistics.median(busy / quiet for quiet, busy in pairs)
                verdict = "met" if ratio <= 1.5 else "MISSED"
                print(f"median ratio {ratio:.2f}, budget 1.5: {verdict}")


if __name__ == "__main__":
    main()
