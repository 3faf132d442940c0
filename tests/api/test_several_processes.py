"""Two `corrigo serve` processes on one PostgreSQL database, limits shared through Redis.

The README's deployment for several cores (issue 13, part 4): grouping, counters and
the per-reader limit must stay exact when reports of one misprint arrive through
both processes at once. Real processes, the real PostgreSQL and Redis.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import func, select

from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from corrigo.store.models import ErrorGroup, OutboxEvent, Report, StatsDay
from tests.api.helpers import ARTICLE, URL, report
from tests.conftest import NEWS_KEY, NEWS_ORIGIN, PG_SERVER, SECRET, _pg_url, free_port
from tests.workers.receivers import wait_until

# Redis database 13 is this module's alone (other tests use database 0 and flush it);
# keys also carry this run's reader salt, so two runs at once cannot share a count.
REDIS = "redis://127.0.0.1:6379/13"
READER_LIMIT = 5
READERS = 120
EXACTS = ["intergration", "intergration into", "to implement intergration", "ntergration"]


@dataclass(frozen=True)
class Deployment:
    """Two serve processes on one database."""

    database_url: str
    urls: tuple[str, str]


def _healthy(url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    return False


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database with the news site, dropped afterwards."""
    name = f"corrigo_procs_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = _pg_url(name)
    try:
        # Migrated here, once: two servers starting together would both try.
        upgrade(url)
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            create_site(session, "Daily News", [NEWS_ORIGIN], "en", public_key=NEWS_KEY)
            session.commit()
        engine.dispose()
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def deployment(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Two `corrigo serve` processes as the README deploys them; always killed at the end."""
    data = tmp_path_factory.mktemp("processes")
    env = {
        **os.environ,
        "CORRIGO_DATABASE_URL": pg_url,
        "CORRIGO_DATA_DIR": str(data),
        "CORRIGO_SECRET_KEY": SECRET,
        "CORRIGO_RATE_LIMIT_STORAGE": REDIS,
        # A loaded machine must not open the breaker: limits would then count per process.
        "CORRIGO_RATE_LIMIT_STORAGE_TIMEOUT": "5",
        "CORRIGO_RATE_LIMIT_READER": f"{READER_LIMIT}/minute",
        "CORRIGO_RATE_LIMIT_SITE": "off",
        "CORRIGO_WORKERS_IN_PROCESS": "false",
        # The test client is the proxy: readers are told apart by X-Forwarded-For.
        "CORRIGO_TRUSTED_PROXIES": "127.0.0.1/32",
    }
    processes: list[tuple[subprocess.Popen[bytes], Path]] = []
    ports = (free_port(), free_port())
    urls = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        for port in ports:
            log = data / f"serve-{port}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "corrigo.cli", "serve", "--port", str(port)],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            processes.append((process, log))

        def both_up() -> bool:
            for process, log in processes:
                if process.poll() is not None:
                    raise AssertionError(f"corrigo serve exited:\n{log.read_text()[-2000:]}")
            return all(_healthy(url) for url in urls)

        # Generous: on a shared, loaded machine importing the stack alone can take 30 s.
        wait_until(both_up, 120, "both servers to answer /healthz")
        yield Deployment(pg_url, urls)
    finally:
        for process, _log in processes:
            process.kill()
        for process, _log in processes:
            process.wait(timeout=30)


def _send(url: str, reader: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/reports",
        json=body,
        headers={"origin": NEWS_ORIGIN, "x-forwarded-for": reader},
        timeout=30,
    )


def test_both_processes_count_their_limits_in_redis(deployment: Deployment) -> None:
    for url in deployment.urls:
        assert httpx.get(f"{url}/healthz", timeout=10).json()["rate_limits"] == "shared"


def test_one_misprint_reported_through_both_processes_at_once_is_one_group(
    deployment: Deployment,
) -> None:
    assert EXACTS[0] in ARTICLE

    def send(number: int) -> int:
        url = deployment.urls[number % 2]
        reader = f"10.13.{number // 250}.{number % 250 + 1}"
        answer = _send(url, reader, report(EXACTS[number % len(EXACTS)]))
        assert answer.status_code == 202, answer.text
        return int(answer.json()["group_id"])

    with ThreadPoolExecutor(16) as pool:
        groups = set(pool.map(send, range(READERS)))
    assert len(groups) == 1
    [group_id] = groups

    engine = make_engine(deployment.database_url)
    with engine.connect() as conn:
        group = conn.execute(select(ErrorGroup).where(ErrorGroup.id == group_id)).one()
        reports = conn.execute(
            select(func.count()).select_from(Report).where(Report.group_id == group_id)
        ).scalar_one()
        events = conn.execute(
            select(OutboxEvent.event_type)
            .where(OutboxEvent.group_id == group_id)
            .order_by(OutboxEvent.id)
        ).all()
        on_page = conn.execute(
            select(func.count()).select_from(ErrorGroup).where(ErrorGroup.url == URL)
        ).scalar_one()
        # The rollups that concurrent transactions of both processes update.
        rolled_up = conn.execute(
            select(func.sum(StatsDay.reports), func.sum(StatsDay.opened))
        ).one()
        stored = conn.execute(
            select(
                select(func.count()).select_from(Report).scalar_subquery(),
                select(func.count()).select_from(ErrorGroup).scalar_subquery(),
            )
        ).one()
    engine.dispose()
    assert on_page == 1
    assert (group.report_count, reports) == (READERS, READERS)
    # Opened once and reaching the notice threshold once, whichever process got there.
    assert [event for (event,) in events] == ["group.opened", "group.threshold"]
    assert tuple(rolled_up) == tuple(stored)


def test_a_reader_over_the_limit_is_refused_by_both_processes(deployment: Deployment) -> None:
    first, second = deployment.urls
    reader = "192.0.2.13"
    page = f"{NEWS_ORIGIN}/2026/11/30/limits"  # the grouping test's page keeps one misprint

    def body() -> dict[str, object]:
        return report("the the", url=page)  # a new client_id each time: no retries

    # Alternating: each process saw fewer than the limit, so only a shared count refuses.
    accepted = [
        _send((first, second)[number % 2], reader, body()).status_code
        for number in range(READER_LIMIT)
    ]
    assert accepted == [202] * READER_LIMIT
    for url in (first, second):
        refused = _send(url, reader, body())
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "rate_limited"
        assert int(refused.headers["retry-after"]) > 0
    # Another reader is still welcome on both.
    for url in (first, second):
        assert _send(url, "192.0.2.14", body()).status_code == 202
