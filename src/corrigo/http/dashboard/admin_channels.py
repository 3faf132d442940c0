"""Admin pages for notification channels: add, switch on/off, remove, send a test.

Values are checked by `corrigo.store.channels` (shared with the CLI). A
webhook's generated signing secret is shown once, in the answer to the POST;
so is the receiver's answer to a test message (free text cannot travel in a
redirect's address, see `notices`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import render, require_admin
from corrigo.http.dashboard.forms import text_field
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.store.channels import (
    KINDS,
    create_channel,
    describe_target,
    has_email_channels,
    list_channels,
    remove_channel,
    slack_hook_url,
    switch_channel,
)
from corrigo.store.errors import AdminError
from corrigo.store.models import Channel, Site
from corrigo.store.sites import sites_of
from corrigo.workers.probe import ProbeResult, prepare, send_probe


async def _list_page(
    request: Request,
    error: str | None = None,
    values: dict[str, str] | None = None,
    secret: tuple[str, str] | None = None,
    tested: tuple[str, ProbeResult] | None = None,
) -> Response:
    def load(session: Session) -> tuple[list[tuple[Channel, Site, str]], list[Site], bool]:
        channels = [
            (channel, site, describe_target(channel.kind, channel.target))
            for channel, site in list_channels(session)
        ]
        return channels, sites_of(session, None), has_email_channels(session)

    channels, sites, has_email = await in_session(request, load)
    return render(
        request,
        "admin_channels.html",
        {
            "channels": channels,
            "sites": sites,
            "kinds": KINDS,
            "error": error,
            "values": values or {},
            "secret": secret,
            "tested": tested,
            "saved": request.query_params.get("saved", ""),
            # E-mail channels without an SMTP server retry for hours, then fail: say so.
            "no_smtp": has_email and not state_of(request).settings.smtp_host,
        },
        status_code=400 if error else 200,
    )


async def channels_page(request: Request) -> Response:
    """Every channel by site, and a form to add one."""
    await require_admin(request)
    return await _list_page(request)


async def add_channel(request: Request) -> Response:
    """Create a channel; a webhook's generated secret is shown once."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    values = {
        name: text_field(form, name, limit)
        for name, limit in (
            ("site", 64),
            ("kind", 10),
            ("target", 2048),
            ("secret", 200),
            ("digest_time", 5),
            ("timezone", 64),
            ("url_prefix", 2048),
            ("author", 200),
            ("name", 200),
        )
    }

    def create(session: Session) -> tuple[str, str]:
        kind = values["kind"]
        secret = values["secret"] or None
        channel = create_channel(
            session,
            values["site"],
            kind,
            slack_hook_url(values["target"]) if kind == "slack" else values["target"],
            secret=None if kind in ("email", "slack") else secret,
            digest_time=values["digest_time"] or None,
            timezone=values["timezone"] or "UTC",
            url_prefix=values["url_prefix"],
            author=values["author"],
            name=values["name"],
        )
        session.commit()
        return describe_target(channel.kind, channel.target), channel.secret

    try:
        target, secret = await in_session(request, create)
    except AdminError as error:
        return await _list_page(request, str(error), values)
    if values["kind"] == "webhook" and not values["secret"]:
        return await _list_page(request, secret=(target, secret))
    return RedirectResponse("/dashboard/admin/channels?saved=added", status_code=303)


async def toggle_channel(request: Request) -> Response:
    """Switch a channel off (nothing is sent to it) or on again."""
    ctx = await require_admin(request)
    await verified_form(request, ctx)
    channel_id: int = request.path_params["channel_id"]

    def toggle(session: Session) -> bool:
        if not switch_channel(session, channel_id):
            return False
        session.commit()
        return True

    if not await in_session(request, toggle):
        raise HTTPException(404)
    return RedirectResponse("/dashboard/admin/channels?saved=switched", status_code=303)


async def delete_channel(request: Request) -> Response:
    """Remove a channel and its pending deliveries."""
    ctx = await require_admin(request)
    await verified_form(request, ctx)
    channel_id: int = request.path_params["channel_id"]

    def remove(session: Session) -> None:
        remove_channel(session, channel_id)
        session.commit()

    try:
        await in_session(request, remove)
    except AdminError:
        raise HTTPException(404) from None
    return RedirectResponse("/dashboard/admin/channels?saved=removed", status_code=303)


async def test_channel(request: Request) -> Response:
    """Send a test message to a channel now and show the receiver's answer on the page."""
    ctx = await require_admin(request)
    await verified_form(request, ctx)
    channel_id: int = request.path_params["channel_id"]
    settings = state_of(request).settings
    probe = await in_session(
        request, lambda session: prepare(session, channel_id, settings.base_url)
    )
    if probe is None:
        raise HTTPException(404)
    result = await send_probe(settings, probe, state_of(request).engine)
    return await _list_page(request, tested=(probe.label, result))


routes = [
    Route("/dashboard/admin/channels", channels_page, methods=["GET"]),
    Route("/dashboard/admin/channels", add_channel, methods=["POST"]),
    Route("/dashboard/admin/channels/{channel_id:id}/toggle", toggle_channel, methods=["POST"]),
    Route("/dashboard/admin/channels/{channel_id:id}/delete", delete_channel, methods=["POST"]),
    Route("/dashboard/admin/channels/{channel_id:id}/test", test_channel, methods=["POST"]),
]
