"""Fixtures shared by every test: both databases, settings, app clients, a live server.

Every test that asks for `database_url` (directly or through `settings`,
`client`, `store`…) runs twice: on SQLite and on PostgreSQL, over a real
connection to 127.0.0.1:5432.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn
from sqlalchemy import text
from starlette.testclient import TestClient

from corrigo.config import Settings, load_settings
from corrigo.http.app import create_app
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from corrigo.store.models import Base
from tests.connectors.wordpress_site import WordPress, WordPressUnavailable, start_wordpress
from tests.net.page_server import PageServer

PG_SERVER = os.environ.get("CORRIGO_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


def _pg_url(dbname: str) -> str:
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run, dropped at the end."""
    name = f"corrigo_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is needed at {PG_SERVER} (start it; see .ci/run): {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    url = _pg_url(name)
    upgrade(url)
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "corrigo.db"
    upgrade(f"sqlite:///{path}")
    return path


def _truncate(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "corrigo.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_database")
    _truncate(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, with no schema at all; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"corrigo_empty_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated SQLite database, for tests that need only one backend."""
    target = tmp_path / "single.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


def settings_for(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    """Test settings on `database_url`: a fixed secret, rate limits off unless overridden."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": SECRET,
        "rate_limit_reader": "off",
        "rate_limit_site": "off",
        **overrides,
    }
    return load_settings(**values)


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    """Build settings on the test's database; limits are off unless a test sets them."""

    def build(**overrides: Any) -> Settings:
        return settings_for(
            tmp_path / "data", database_url, **{"base_url": "http://testserver", **overrides}
        )

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """Default test settings."""
    return make_settings()


@pytest.fixture
def make_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """Start apps (with their lifespan) for the given setting overrides."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)), base_url="http://testserver")
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """An app with default test settings."""
    return make_client()


@pytest.fixture
def db_session(settings: Settings) -> Iterator[Any]:
    """An ORM session on the test database (commit explicitly)."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server in a thread, for browsers and HTTP clients."""

    def __init__(self, settings: Settings, port: int | None = None) -> None:
        self.settings = settings
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start serving and wait until the port answers."""
        config = uvicorn.Config(
            create_app(self.settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving (the port is free afterwards)."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
            self._server = None


@pytest.fixture
def live_server_factory() -> Iterator[Callable[[Settings], LiveServer]]:
    """Start live servers for given settings; all are stopped after the test."""
    servers: list[LiveServer] = []

    def build(settings: Settings, port: int | None = None) -> LiveServer:
        server = LiveServer(settings, port)
        server.start()
        servers.append(server)
        return server

    yield build
    for server in servers:
        server.stop()


NEWS_ORIGIN = "https://news.example"
NEWS_KEY = "news-site-key"


@pytest.fixture
def news_site(settings: Settings) -> str:
    """A site 'Daily News' that accepts https://news.example; returns its public key."""
    from corrigo.store.admin import create_site

    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Daily News", [NEWS_ORIGIN], "en", public_key=NEWS_KEY)
        session.commit()
    engine.dispose()
    return NEWS_KEY


@pytest.fixture
def admin_token(settings: Settings) -> str:
    """An admin API token."""
    from corrigo.store.tokens import create_token

    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        token = create_token(session, "tests")
        session.commit()
    engine.dispose()
    return token


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """A real HTTP page server on 127.0.0.1 whose routes the test sets."""
    server = PageServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A running WordPress, set up once per session for the connector's and the plugin's
    tests; they fail with the reason when it cannot start."""
    try:
        site = start_wordpress(tmp_path_factory.mktemp("wordpress"))
    except WordPressUnavailable as error:
        pytest.fail(f"WordPress cannot start: {error}")
    yield site
    site.stop()
