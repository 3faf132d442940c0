"""Persistence: SQLAlchemy models, the engine, migrations and the report writer."""
