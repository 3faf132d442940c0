from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from corrigo.store.db import make_engine
from corrigo.store.models import Base


def test_migrations_create_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
