"""The editors' dashboard under ``/dashboard/``: server-rendered pages.

`routes` is the list the application mounts; feature modules add theirs here.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from corrigo.http.dashboard import (
    account,
    actions,
    admin_channels,
    admin_connectors,
    admin_editors,
    admin_lexicon,
    admin_sites,
    apply,
    deliveries,
    demo_mailbox,
    export,
    group,
    inbox,
    proofread,
    stats,
)
from corrigo.http.dashboard.templating import STATIC

routes: list[BaseRoute] = [
    Mount("/dashboard/static", StaticFiles(directory=STATIC), name="dashboard-static"),
    *account.routes,
    *inbox.routes,
    *group.routes,
    *actions.routes,
    *apply.routes,
    *deliveries.routes,
    *demo_mailbox.routes,
    *admin_sites.routes,
    *admin_lexicon.routes,
    *proofread.routes,
    *admin_connectors.routes,
    *admin_editors.routes,
    *admin_channels.routes,
    *stats.routes,
    *export.routes,
]
