"""The ASGI application: ingest, JSON API, dashboard, widget files, demo site."""

# Registers the `{name:id}` path convertor before any route module defines its routes.
import corrigo.http.convertors  # noqa: F401
