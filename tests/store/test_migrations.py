import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from corrigo.store.db import make_engine
from corrigo.store.models import Base
from corrigo.store.search import SEARCH_OBJECTS


def _not_search_object(name: str | None, _kind: str, _parent: object) -> bool:
    return name not in SEARCH_OBJECTS


def test_migrations_create_exactly_the_models(database_url: str) -> None:
    # The trigram search indexes (FTS5 tables, pg_trgm indexes) cannot be described by
    # the models; tests/store/test_search.py checks that they exist and work.
    engine = make_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": _not_search_object})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_migrations_import_no_live_code() -> None:
    # A migration must build the same schema whatever the code looks like later: what it
    # creates is written in it, never imported from corrigo (models, search, …).
    versions = Path(__file__).parents[2] / "src/corrigo/store/migrations/versions"
    for path in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not [name for name in names if name.split(".")[0] == "corrigo"], path.name
