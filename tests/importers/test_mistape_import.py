"""`corrigo import mistape` from a real MariaDB table and from its CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, text

from corrigo.cli import main
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import ErrorGroup, OutboxEvent, Report, Site
from tests.conftest import SECRET
from tests.importers.mistape_table import IP, MistapeTable, create_table, drop


@pytest.fixture(scope="module")
def mistape() -> Iterator[MistapeTable]:
    try:
        table = create_table(300)
    except Exception as error:  # the reason is the test's failure message
        pytest.fail(f"MariaDB is needed on 127.0.0.1:3306 (root, no password): {error}")
    yield table
    drop(table)


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    for key in ("news", "copy"):
        origin = "https://news.example"
        invoke("site", "add", key, "--origin", origin)
    return invoke


def _site_keys(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        keys = dict(conn.execute(select(Site.name, Site.public_key)).all())
    engine.dispose()
    return keys


def test_import_twice_from_mysql(run, mistape: MistapeTable, database_url: str) -> None:
    site = _site_keys(database_url)["news"]
    first = run("import", "mistape", "--mysql", mistape.url, "--site", site)
    assert first.exit_code == 0, first.output
    valid = len(mistape.rows) - mistape.refused
    assert f"read {len(mistape.rows)} rows: imported {valid} reports" in first.output
    assert f"{mistape.refused} refused" in first.output
    assert "refused (empty_quote): 2" in first.output and "refused (bad_url): 2" in first.output
    second = run("import", "mistape", "--mysql", mistape.url, "--site", site)
    assert second.exit_code == 0, second.output
    assert "imported 0 reports (0 new groups)" in second.output
    assert f"{valid} already imported" in second.output

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        reports = session.execute(select(func.count()).select_from(Report)).scalar_one()
        groups = list(session.execute(select(ErrorGroup)).scalars())
        pending = session.execute(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
        ).scalar_one()
        assert reports == valid
        # Five misprints on seven pages: 35 groups, each with its readers counted.
        assert len(groups) == 35 and sum(g.report_count for g in groups) == valid
        assert pending == 0  # imported history notifies nobody
        statuses = {g.status for g in groups}
        assert statuses == {"open", "fixed", "rejected", "spam"}
        budget = next(g for g in groups if g.exact == "budjet" and g.url.endswith("/story-0/"))
        assert budget.prefix == "The council approved the new "
        assert budget.suffix == " on Monday morning."
        assert budget.first_seen.year == 2023
        uk = next(g for g in groups if g.exact == "щоранку")
        assert uk.lang == "uk-ua"
        comments = [c for (c,) in session.execute(select(Report.comment)) if c]
        assert "<script>alert('x')</script> please fix" in comments
        # The ingest's text rule: bidi overrides and controls go, a zero-width space stays.
        assert not any("\u202e" in c or "\x07" in c for c in comments)
        assert any("zero\u200bwidth" in c for c in comments)
        assert "é decomposed, emoji 🙂" in comments
    with engine.connect() as conn:
        dump = " ".join(
            str(value)
            for table in ("reports", "groups", "group_events", "outbox")
            for row in conn.execute(text(f'SELECT * FROM "{table}"'))
            for value in row
        )
    engine.dispose()
    assert IP.format("") not in dump and "secret agent" not in dump


def test_import_from_a_csv_export(
    run, mistape: MistapeTable, database_url: str, tmp_path: Path
) -> None:
    site = _site_keys(database_url)["copy"]
    export = mistape.to_csv(tmp_path / "mistape.csv")
    result = run("import", "mistape", "--csv", str(export), "--site", site)
    assert result.exit_code == 0, result.output
    valid = len(mistape.rows) - mistape.refused
    assert f"imported {valid} reports (35 new groups)" in result.output
    again = run("import", "mistape", "--csv", str(export), "--site", site)
    assert f"{valid} already imported" in again.output


def test_bad_sources_are_named(
    run, mistape: MistapeTable, tmp_path: Path, database_url: str
) -> None:
    site = _site_keys(database_url)["news"]
    wrong_prefix = run(
        "import", "mistape", "--mysql", mistape.url, "--prefix", "x_", "--site", site
    )
    assert wrong_prefix.exit_code == 1 and "x_mistape_reports" in wrong_prefix.output
    injected = run("import", "mistape", "--mysql", mistape.url, "--prefix", "a`;", "--site", site)
    assert injected.exit_code == 1 and "prefix" in injected.output
    missing = run("import", "mistape", "--csv", str(tmp_path / "none.csv"), "--site", site)
    assert missing.exit_code == 1 and "cannot read" in missing.output
    both = run("import", "mistape", "--site", site)
    assert both.exit_code == 2
