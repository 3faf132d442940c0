"""The editors' JSON API under ``/api/v1/`` and its OpenAPI document.

One module per resource (groups, applying corrections, sites, deliveries, export), the caller's
identity in :mod:`.access`, the document in :mod:`.openapi`. It stands on
:mod:`corrigo.http` (auth, CSRF, errors) and never imports the dashboard.
Every refusal is a :class:`corrigo.http.errors.ApiError`, answered as
:class:`~corrigo.domain.report.ErrorBody` by the application's handlers.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from corrigo.http.api import (
    apply,
    deliveries,
    export,
    groups,
    openapi,
    proofread,
    sites,
    verify,
)

routes: list[BaseRoute] = [
    *groups.routes,
    *apply.routes,
    *verify.routes,
    *sites.routes,
    *proofread.routes,
    *export.routes,
    *deliveries.routes,
    *openapi.routes,
]
