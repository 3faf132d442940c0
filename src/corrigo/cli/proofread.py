"""`corrigo proofread (URL | FILE | -)`: check a draft before it is published.

Exit codes: 1 when something was found, 0 when the text is clean, 2 on bad input
(a file that cannot be read, a URL that cannot be fetched, an unknown site, a
store whose schema is behind this release).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from corrigo.cli.common import require_current, settings_or_exit
from corrigo.config import Settings
from corrigo.net.fetch import Unreachable, fetch_page, user_agent
from corrigo.spelling.drafts import DraftSite, draft_text, proofread_sync
from corrigo.spelling.proofread import Issue, Proofread
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.errors import AdminError
from corrigo.store.sites import site_by_key

# Files and standard input are read up to this size, like the API's body.
MAX_INPUT = 1024 * 1024


class BadInput(click.ClickException):
    """Input that cannot be proofread: exit status 2."""

    exit_code = 2


def _read(source: str, origins: list[str] | None, settings: Settings) -> tuple[str, bool | None]:
    """The document and whether it is HTML (None: look at it)."""
    if source.startswith(("http://", "https://")):
        if origins is None:
            raise BadInput("a URL is fetched only for a site: give --site KEY")
        try:
            page = asyncio.run(
                fetch_page(
                    source,
                    allowed_origins=origins,
                    allow_private=settings.verify_allow_private,
                    agent=user_agent(settings.base_url),
                )
            )
        except Unreachable as exc:
            raise BadInput(f"cannot fetch {source}: {exc.reason}") from None
        return page.html or "", True
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_INPUT + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_INPUT + 1)
    except OSError as exc:
        raise BadInput(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(raw) > MAX_INPUT:
        raise BadInput(f"the input is larger than {MAX_INPUT} bytes")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        raise BadInput("the input is not UTF-8 text") from None


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _print_issue(text: str, issue: Issue) -> None:
    line, column = _line_and_column(text, issue.start)
    where = click.style(f"{line}:{column}", dim=True)
    word = click.style(issue.word, fg="red", bold=True)
    suggestions = ", ".join(issue.suggestions) or "no suggestion"
    click.echo(f"{where}  {word} → {click.style(suggestions, fg='green')}  ({issue.reason})")
    sentence = issue.sentence.replace(issue.word, click.style(issue.word, fg="red", bold=True))
    click.echo(f"    {sentence}")


def _print_text(text: str, result: Proofread, lang: str) -> None:
    if result.dictionary is None:
        click.echo(f"no dictionary for {lang!r}: only the site's memory was consulted", err=True)
    for issue in result.issues:
        _print_issue(text, issue)
    count = len(result.issues)
    summary = "no suspect word" if not count else f"{count} suspect word{'s' * (count != 1)}"
    click.echo(summary + (" (list cut short)" if result.truncated else ""))


@click.command("proofread")
@click.argument("source")
@click.option("--site", "site_key", help="Check with this site's memory (its public key).")
@click.option("--lang", default="", help="Language (BCP 47, e.g. en, uk); default: the site's.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def proofread_command(source: str, site_key: str | None, lang: str, fmt: str) -> None:
    """Check a draft (a URL, a file, or - for standard input; HTML or plain text).

    Lists each suspect word with its position, its sentence, suggestions and the
    reason. Exits 1 when something was found, 0 when clean, 2 on bad input.
    """
    settings = settings_or_exit()
    sessions = None
    site: DraftSite | None = None
    origins: list[str] | None = None
    engine = None
    try:
        if site_key:
            try:
                require_current(settings)
            except click.ClickException as exc:  # 1 would read as "misprints found"
                raise BadInput(exc.message) from None
            engine = make_engine(settings.resolved_database_url)
            sessions = make_sessionmaker(engine)
            with sessions() as session:
                try:
                    found = site_by_key(session, site_key)
                except AdminError as exc:
                    raise BadInput(str(exc)) from None
                site = DraftSite(found.id, found.default_lang, found.article_selector)
                origins = list(found.allowed_origins)
        lang = lang or (site.default_lang if site else "")
        if not lang:
            raise BadInput("give --lang, or --site to use the site's language")
        content, html = _read(source, origins, settings)
        text = draft_text(content, html=html, selector=site.article_selector if site else None)
        result = proofread_sync(sessions, site, lang, text)
    finally:
        if engine is not None:
            engine.dispose()
    if fmt == "json":
        click.echo(json.dumps({"lang": lang, **result.as_json()}, ensure_ascii=False))
    else:
        _print_text(text, result, lang)
    sys.exit(1 if result.issues else 0)
