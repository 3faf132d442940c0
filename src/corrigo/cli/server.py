"""`corrigo serve`, `corrigo demo`, `corrigo db upgrade`, `corrigo check`."""

from __future__ import annotations

import click
import uvicorn

from corrigo.cli.common import migrate, settings_or_exit, store_session
from corrigo.demo import ensure_demo
from corrigo.http.app import create_app


def _run(host: str, port: int) -> None:
    settings = settings_or_exit()
    migrate(settings)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
        server_header=False,
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Serve the API, widget and dashboard (migrates the store first)."""
    _run(host, port)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(host: str, port: int) -> None:
    """Set up the demo site and editor, print the sign-in, and serve."""
    settings = settings_or_exit()
    with store_session(settings) as session:
        account = ensure_demo(session, settings.base_url)
    base = f"http://{host}:{port}"
    click.echo("")
    click.echo(f"  Corrigo demo       {base}/demo/")
    click.echo(f"  Dashboard          {base}/dashboard/")
    click.echo(f"  Editor sign-in     {account.email}")
    click.echo(f"  Password           {account.password}")
    click.echo(f"  Data folder        {settings.data_dir.resolve()}")
    click.echo("")
    _run(host, port)


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all pending migrations."""
    settings = settings_or_exit()
    migrate(settings)
    click.echo("database is up to date")


@click.command()
def check() -> None:
    """Check the configuration and that the database is reachable and migrated."""
    settings = settings_or_exit()
    migrate(settings)
    click.echo(f"configuration ok; database {settings.resolved_database_url.split('@')[-1]} ok")
