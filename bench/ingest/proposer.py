"""The proposer's CPU per stored report, and one look for due groups in a large store.

    uv run python bench/ingest/proposer.py [--reports 5000] [--groups 200] [--open 100000]
        [--postgresql]

Single process, no server, no HTTP: short enough to run beside other work.

1. Stores `--reports` reports through the ingest (`store_reports`, batches of 64) onto
   `--groups` misprints on 20 pages (notify threshold 3), one report in ten carrying a
   suggestion (one of three per misprint), and runs the proposer's rounds until none is
   due after each batch; prints the proposer's CPU time (`time.process_time()`) per
   stored report and how many proposals it computed (the dictionaries are loaded and
   warm beforehand).
2. Writes `--open` open groups straight into a fresh store, all with an up-to-date
   proposal but the last 20, and times `due_groups` (best of 20 calls).

SQLite in a temporary file by default; `--postgresql` uses a fresh database on
`CORRIGO_BENCH_PG` (default postgresql://root@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import Engine, insert, update

from corrigo.domain.report import decode, validate
from corrigo.spelling.review import review_quote
from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from corrigo.store.ingest import ReportJob, store_reports
from corrigo.store.models import ErrorGroup, GroupProposal, table_of
from corrigo.store.proposals import due_groups
from corrigo.workers.proposer import Proposer

BATCH = 64
PAGES = 20
WORDS = ("intergration", "recieve", "adress", "occured", "seperate", "goverment", "teh")
START = datetime(2026, 12, 1, tzinfo=UTC)


@contextmanager
def store(postgresql: bool) -> Iterator[str]:
    """A fresh, migrated store's URL, removed afterwards."""
    if not postgresql:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            upgrade(url)
            yield url
        return
    server = os.environ.get("CORRIGO_BENCH_PG", "postgresql://root@127.0.0.1:5432/test")
    name = f"corrigo_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            url = f"{base}/{name}"
            upgrade(url)
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _site(engine: Engine) -> int:
    with make_sessionmaker(engine).begin() as session:
        return create_site(session, "News", ["https://news.example"], public_key="news").id


def _job(rng: random.Random, site_id: int, misprint: int, index: int) -> ReportJob:
    word = WORDS[misprint % len(WORDS)]
    page = misprint % PAGES
    position = (misprint // PAGES) * 100
    body = {
        "site": "news",
        "url": f"https://news.example/2026/page-{page}",
        "lang": "en",
        "client_id": f"c{index:012d}",
        "quote": {"exact": word, "prefix": f"before {position} ", "suffix": f" after {page}"},
        "position": {"start": position, "end": position + len(word)},
    }
    if rng.random() < 0.1:
        body["suggestion"] = f"{word}-fix-{rng.randrange(3)}"
    report = validate(decode(json.dumps(body).encode()))
    return ReportJob(site_id, report, "", START + timedelta(milliseconds=index))


def proposer_per_report(url: str, reports: int, groups: int) -> None:
    """Part 1: the proposer's CPU per stored report under a flood onto a few groups."""
    engine = make_engine(url)
    try:
        site_id = _site(engine)
        rng = random.Random(13)
        proposer = Proposer(engine)
        # A running server has its dictionaries loaded and their answers cached: not timed.
        for word in WORDS:
            review_quote("en", word, set())
        ingest_cpu = proposer_cpu = 0.0
        computed = 0
        for start in range(0, reports, BATCH):
            indexes = range(start, min(start + BATCH, reports))
            jobs = [_job(rng, site_id, rng.randrange(groups), index) for index in indexes]
            began = time.process_time()
            with engine.begin() as conn:
                store_reports(conn, jobs, threshold=3)
            between = time.process_time()
            while done := proposer.step():
                computed += done
            proposer_cpu += time.process_time() - between
            ingest_cpu += between - began
        print(
            f"{engine.dialect.name}: {reports} reports onto {groups} groups; proposer "
            f"{proposer_cpu / reports * 1e6:.0f} µs CPU per report ({computed} proposals "
            f"computed, {proposer_cpu:.2f} s), ingest {ingest_cpu / reports * 1e6:.0f} µs"
        )
    finally:
        engine.dispose()


def due_lookup(url: str, count: int) -> None:
    """Part 2: one `due_groups` call on a store of `count` open groups, nearly all up to date."""
    engine = make_engine(url)
    try:
        site_id = _site(engine)
        groups, proposals = table_of(ErrorGroup), table_of(GroupProposal)
        with engine.begin() as conn:
            for start in range(0, count, 5000):
                ids = range(start + 1, min(start + 5000, count) + 1)
                conn.execute(
                    insert(groups),
                    [
                        {"id": i, "site_id": site_id, "fingerprint": f"f{i}",
                         "url": f"https://news.example/{i // 8}", "url_hash": f"h{i // 8}",
                         "exact": "intergration", "pos_start": 0, "pos_end": 12,
                         "first_seen": START, "last_seen": START}
                        for i in ids
                    ],
                )  # fmt: skip
                proposed = [
                    {"group_id": i, "report_count": 1, "computed_at": START}
                    for i in ids
                    if i <= count - 20
                ]
                if proposed:
                    conn.execute(insert(proposals), proposed)
            conn.execute(update(groups).where(groups.c.id <= count - 20).values(proposal_due=0))
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        with make_sessionmaker(engine)() as session:
            times = []
            for _ in range(20):
                began = time.perf_counter()
                found = due_groups(session, 20)
                times.append(time.perf_counter() - began)
                session.rollback()
        print(
            f"{engine.dialect.name}: due_groups on {count} open groups ({len(found)} due): "
            f"best {min(times) * 1e3:.2f} ms, median {sorted(times)[10] * 1e3:.2f} ms"
        )
    finally:
        engine.dispose()


def main() -> None:
    """Run both parts on a fresh store each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    with store(args.postgresql) as url:
        proposer_per_report(url, args.reports, args.groups)
    with store(args.postgresql) as url:
        due_lookup(url, args.open)


if __name__ == "__main__":
    main()
