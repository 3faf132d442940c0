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
