"""The ASGI application: ingest, JSON API, dashboard, widget files, demo site."""
