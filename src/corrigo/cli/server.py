"""`corrigo serve`, `corrigo demo`, `corrigo db upgrade`, `corrigo check`."""

from __future__ import annotations

import contextlib
import gc
import socket
import sys

import click
import uvicorn
from starlette.types import ASGIApp

from corrigo.cli.common import migrate, require_current, settings_or_exit, store_session
from corrigo.config import Settings
from corrigo.demo import DEMO_MAILBOX_PATH, PASSWORD_FILE, DemoAccount, ensure_demo
from corrigo.demo.articles import ARTICLES
from corrigo.http.app import create_app
from corrigo.spelling import dictionaries
from corrigo.store.channels import has_email_channels
from corrigo.store.db import SchemaState, make_engine, make_sessionmaker, schema_state
from corrigo.store.retention import purge_now

# Seconds SIGTERM waits for requests in flight before cutting them off; the writer then
# commits what it holds and the notifier gets its own grace (README, "Stopping").
SHUTDOWN_TIMEOUT = 20
# New container objects between two collections of the youngest generation.
YOUNG_OBJECTS = 10_000
# uvicorn's exit status when the application could not start.
STARTUP_FAILURE = 3


class _Server(uvicorn.Server):
    """uvicorn's server, with the collector tuned once the application has started."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start the application and listen, then tune the collector."""
        await super().startup(sockets)
        tune_collector()


def tune_collector() -> None:
    """Keep what the started process holds out of the collector's passes, and pass less often.

    What is loaded by now (modules, the app, its workers and caches) lives as long as the
    process. Frozen, the full passes skip it: under load they ran every second or two over
    ~150,000 objects and held every request up for tens of milliseconds. A larger youngest
    generation (10,000 instead of 700 objects) collects as much garbage in a third of the
    passes (bench/README.md, ingest).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS)


def serve_app(app: ASGIApp, host: str, port: int) -> None:
    """Run an ASGI app the way `corrigo serve` does (the ingest benchmark uses it too).

    No access log: it would print every reader's raw IP address, which Corrigo never keeps.
    On SIGTERM or SIGINT uvicorn stops accepting connections, lets the requests in flight
    finish (for at most SHUTDOWN_TIMEOUT seconds), then runs the lifespan's shutdown.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=SHUTDOWN_TIMEOUT,
    )
    server = _Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


# Readers of the demo try many planted misprints in a row; the production default
# would stop them at the sixth minute-mate. The limit still shows what a 429 looks like.
DEMO_READER_LIMIT = "60/minute;600/hour;2000/day"


def _run(settings: Settings, host: str, port: int) -> None:
    migrate(settings)  # serve and demo are two of the three commands that migrate
    serve_app(create_app(settings), host, port)


def ensure_port_free(host: str, port: int) -> None:
    """Exit with a sentence unless `host`:`port` can be listened on.

    Checked before anything touches the database, so a second demo or server on a
    busy port changes nothing.
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}: {exc}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            raise click.ClickException(
                f"port {port} on {host} is in use (is Corrigo already running there?); "
                f"choose another with --port, e.g. `make demo PORT={port + 1}`"
            ) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the API, widget and dashboard (migrates the store first)."""
    ensure_port_free(host, port)
    _run(settings_or_exit(), host, port)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(host: str, port: int) -> None:
    """Set up the demo site and editor, print the sign-in, and serve."""
    ensure_port_free(host, port)
    settings = settings_or_exit()
    if "base_url" not in settings.model_fields_set:
        # Without CORRIGO_BASE_URL the demo's canonical links and allowed origin
        # follow the address it is actually served on, whatever --port says.
        settings.base_url = _local_url(host, port)
    if "verify_allow_private" not in settings.model_fields_set:
        # The demo's articles are served on this machine: the page checker must reach
        # them to confirm a correction applied from the dashboard.
        settings.verify_allow_private = True
    if "rate_limit_reader" not in settings.model_fields_set:
        settings.rate_limit_reader = DEMO_READER_LIMIT
    # The demo's notifications go to its mailbox, listed in the dashboard.
    settings.demo_mode = True
    migrate(settings)
    with store_session(settings) as session:
        account = ensure_demo(session, settings.base_url, settings.data_dir)
    click.echo(_demo_banner(settings, account))
    _run(settings, host, port)


def _local_url(host: str, port: int) -> str:
    """The address a browser on this machine uses to reach `host`:`port`."""
    shown = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _demo_banner(settings: Settings, account: DemoAccount) -> str:
    """What `corrigo demo` prints before serving: where to look and how to sign in."""
    base = settings.base_url
    url = settings.resolved_database_url
    store = settings.data_dir.resolve() if url.startswith("sqlite") else url.split("@")[-1]
    rows = [("News site", f"{base}/demo/")]
    rows += [
        (
            f"  {article.section}",
            f"{base}/demo/{article.slug}  ({len(article.misprints)} misprints)",
        )
        for article in ARTICLES
    ]
    rows += [
        ("Dashboard", f"{base}/dashboard/"),
        ("Demo mailbox", f"{base}{DEMO_MAILBOX_PATH}  (the notifications editors get)"),
        ("Sign in as", account.email),
        ("Password", _password_line(settings, account)),
        ("Reader limit", settings.rate_limit_reader),
        ("Data", str(store)),
    ]
    width = max(len(label) for label, _ in rows) + 3
    lines = ["", "  " + click.style("Corrigo demo", bold=True), ""]
    lines += [f"  {label.ljust(width)}{value}" for label, value in rows]
    lines += [
        "",
        "  Select a misprint in an article and press Ctrl+Enter (Cmd+Enter on a Mac);",
        "  on a phone, select it and tap the “Report a misprint” button that appears.",
        "  Stop the server with Ctrl+C.",
        "",
    ]
    return "\n".join(lines)


def _password_line(settings: Settings, account: DemoAccount) -> str:
    """The demo editor's password, or how to get a new one when it is not known."""
    if account.password is None:
        return f"unchanged (`corrigo user reset {account.email}` prints a new one)"
    kept = settings.data_dir.resolve() / PASSWORD_FILE
    return f"{account.password}  (kept in {kept})"


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all pending migrations."""
    settings = settings_or_exit()
    migrate(settings)
    click.echo("database is up to date")


def _has_email_channels(settings: Settings) -> bool:
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return has_email_channels(session)
    finally:
        engine.dispose()


def _schema_report(state: SchemaState) -> str:
    """What `corrigo check` says about the schema: its revision and what is pending."""
    if state.up_to_date:
        return f"schema at {state.current} (up to date)"
    problem = state.problem()
    if state.known and state.pending:
        problem = f"{problem}; pending: {', '.join(state.pending)}"
    return f"error: {problem}"


@click.command()
def check() -> None:
    """Check the configuration and the database, and list the spelling dictionaries.

    Reports pending migrations without applying them (exit 1 when there are any).
    """
    settings = settings_or_exit()
    shown = settings.resolved_database_url.split("@")[-1]
    try:
        state = schema_state(settings.resolved_database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot read the database {shown}: {exc}") from None
    click.echo(f"configuration ok; database {shown} reachable; {_schema_report(state)}")
    if state.up_to_date and not settings.smtp_host and _has_email_channels(settings):
        click.echo(
            "warning: e-mail channels exist but CORRIGO_SMTP_HOST is not set; "
            "their messages are retried for hours and then fail"
        )
    installed = dictionaries.available()
    if installed:
        click.echo("spelling dictionaries: " + " ".join(installed))
    else:
        click.echo("spelling dictionaries: none (no dictionary proposals; see the README)")
    if not state.up_to_date:
        sys.exit(1)


@click.command()
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep this many days of reports (default: CORRIGO_REPORT_RETENTION_DAYS).",
)
def purge(days: int | None) -> None:
    """Delete reports past the retention period and blank old reader hashes, now.

    The workers do the same every day on their own; this is for running it at once.
    """
    settings = settings_or_exit()
    require_current(settings)
    engine = make_engine(settings.resolved_database_url)
    try:
        result = purge_now(engine, days or settings.report_retention_days)
    finally:
        engine.dispose()
    click.echo(
        f"deleted {result.reports} reports and {result.groups} closed groups; "
        f"cleared {result.hashes_cleared} reader hashes"
    )
