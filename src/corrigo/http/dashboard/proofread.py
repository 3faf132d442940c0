"""The Proofread page: paste a draft or give its address, see the suspect words highlighted."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import EditorContext, render, require_editor
from corrigo.http.dashboard.forms import text_field
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.net.fetch import Unreachable, fetch_page, user_agent
from corrigo.spelling.drafts import DraftSite, draft_text, proofread_draft
from corrigo.spelling.proofread import Issue, Proofread
from corrigo.store.models import Site
from corrigo.store.sites import sites_of

# What the form takes: a draft pasted as text, at most the API's 1 MiB.
MAX_DRAFT = 1024 * 1024
# What the template reads, before anything was checked.
EMPTY: dict[str, object] = {"error": None, "reason": "", "result": None, "pieces": []}


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the checked text, and the issue when the run is a suspect word."""

    text: str
    issue: Issue | None = None


def pieces(text: str, result: Proofread) -> list[Piece]:
    """The text cut into plain runs and suspect words, in order, for highlighting."""
    out: list[Piece] = []
    last = 0
    for issue in result.issues:
        if issue.start < last:
            continue
        out.append(Piece(text[last : issue.start]))
        out.append(Piece(text[issue.start : issue.end], issue))
        last = issue.end
    out.append(Piece(text[last:]))
    return [piece for piece in out if piece.text]


async def _sites(request: Request, ctx: EditorContext) -> list[Site]:
    return await in_session(request, lambda session: sites_of(session, ctx.site_ids))


async def proofread_page(request: Request) -> Response:
    """The empty form."""
    ctx = await require_editor(request)
    sites = await _sites(request, ctx)
    return render(request, "proofread.html", {**EMPTY, "sites": sites, "values": {}})


async def proofread_submit(request: Request) -> Response:
    """Proofread the pasted text or the fetched page, and show the outcome."""
    ctx = await require_editor(request)
    form = await verified_form(request, ctx)
    values = {
        "site": text_field(form, "site", 64),
        "lang": text_field(form, "lang", 35).strip(),
        "url": text_field(form, "url", 2000).strip(),
        "text": text_field(form, "text", MAX_DRAFT),
    }
    sites = await _sites(request, ctx)
    site = next((s for s in sites if s.public_key == values["site"]), None)
    context: dict[str, object] = {**EMPTY, "sites": sites, "values": values}

    def refuse(error: str, reason: str = "", status_code: int = 400) -> Response:
        values = {**context, "error": error, "reason": reason}
        return render(request, "proofread.html", values, status_code=status_code)

    if site is None:
        # Another site's key answers like an unknown one: 404, as everywhere else.
        return refuse("site", status_code=404)
    if values["url"]:
        settings = state_of(request).settings
        try:
            page = await fetch_page(
                values["url"],
                allowed_origins=list(site.allowed_origins),
                allow_private=settings.verify_allow_private,
                agent=user_agent(settings.base_url),
            )
        except Unreachable as exc:
            return refuse("fetch", exc.reason)
        text = draft_text(page.html or "", html=True, selector=site.article_selector)
    elif values["text"].strip():
        text = draft_text(values["text"], selector=site.article_selector)
    else:
        return refuse("empty")
    result = await proofread_draft(
        state_of(request).sessions,
        DraftSite(site.id, site.default_lang, site.article_selector),
        values["lang"],
        text,
    )
    return render(
        request,
        "proofread.html",
        {**context, "result": result, "pieces": pieces(text, result)},
    )


routes = [
    Route("/dashboard/proofread", proofread_page, methods=["GET"]),
    Route("/dashboard/proofread", proofread_submit, methods=["POST"]),
]
