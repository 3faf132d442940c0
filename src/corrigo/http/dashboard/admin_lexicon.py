"""Admin pages for a site's memory: remembered fixes and accepted words, edited by hand,
exported and imported as CSV."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.domain.lexicon import (
    MAX_PHRASE,
    MAX_WORD,
    LexiconEntry,
    LexiconFormatError,
    accepted_from,
    from_csv,
)
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import render, require_admin
from corrigo.http.dashboard.forms import text_field
from corrigo.http.db import in_session
from corrigo.store import lexicon
from corrigo.store.models import Site
from corrigo.store.sites import sites_of

# A CSV pasted or uploaded into the import form.
MAX_IMPORT = 2 * 1024 * 1024


def _site(session: Session, site_id: int) -> Site:
    found = sites_of(session, [site_id])
    if not found:
        raise HTTPException(404)
    return found[0]


def _back(site_id: int, saved: str) -> RedirectResponse:
    return RedirectResponse(f"/dashboard/admin/sites/{site_id}/lexicon?saved={saved}", 303)


async def _page(request: Request, error: str | None = None) -> Response:
    site_id: int = request.path_params["site_id"]

    def load(session: Session) -> dict[str, object]:
        return {
            "site": _site(session, site_id),
            "fixes": lexicon.corrections(session, site_id),
            "words": lexicon.accepted_words(session, site_id),
        }

    values = await in_session(request, load)
    values["error"] = error
    values["saved"] = request.query_params.get("saved") if error is None else None
    return render(request, "admin_lexicon.html", values, status_code=400 if error else 200)


async def lexicon_page(request: Request) -> Response:
    """The site's remembered fixes and accepted words, with forms to change them."""
    await require_admin(request)
    return await _page(request)


async def change_lexicon(request: Request) -> Response:
    """One change from the page: add, edit or remove an entry, or import CSV."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    site_id: int = request.path_params["site_id"]
    action = text_field(form, "action", 20)
    now = datetime.now(UTC)
    misspelling = text_field(form, "misspelling", MAX_PHRASE).strip()
    correction = text_field(form, "correction", MAX_PHRASE).strip()
    word = text_field(form, "word", MAX_WORD).strip()
    entry_text = text_field(form, "id", 12)
    entry_id = int(entry_text) if entry_text.isdigit() else 0
    upload = form.get("file")
    csv_text = text_field(form, "csv", MAX_IMPORT)
    if upload is not None and not isinstance(upload, str):
        raw = await upload.read(MAX_IMPORT + 1)
        if len(raw) > MAX_IMPORT:
            return await _page(request, "The file is too large.")
        csv_text = raw.decode("utf-8", errors="replace")

    def change(session: Session) -> str:
        _site(session, site_id)
        if action == "add-fix":
            if not misspelling or not correction:
                raise LexiconFormatError("Give both the misspelling and its correction.")
            lexicon.add_corrections(
                session, site_id, [LexiconEntry(misspelling.lower(), correction)], now
            )
        elif action == "edit-fix":
            if not correction:
                raise LexiconFormatError("Give the correction.")
            if not lexicon.update_correction(session, site_id, entry_id, correction, now):
                raise HTTPException(404)
        elif action == "remove-fix":
            if not lexicon.remove_correction(session, site_id, entry_id):
                raise HTTPException(404)
        elif action == "add-word":
            entries = accepted_from([word])
            if len(entries) != 1:
                raise LexiconFormatError("Give one word.")
            lexicon.add_words(session, site_id, entries, now)
        elif action == "remove-word":
            if not lexicon.remove_word(session, site_id, entry_id):
                raise HTTPException(404)
        elif action == "import":
            lexicon.import_entries(session, site_id, from_csv(csv_text), now)
        else:
            raise HTTPException(400, "Unknown action.")
        session.commit()
        return action

    try:
        done = await in_session(request, change)
    except LexiconFormatError as error:
        return await _page(request, str(error))
    return _back(site_id, done)


async def lexicon_csv(request: Request) -> Response:
    """The site's memory as a CSV download."""
    await require_admin(request)
    site_id: int = request.path_params["site_id"]

    def load(session: Session) -> tuple[str, str]:
        site = _site(session, site_id)
        return site.public_key, lexicon.export_csv(session, site_id)

    key, text = await in_session(request, load)
    key = re.sub(r"[^A-Za-z0-9_-]", "_", key)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="lexicon-{key}.csv"'},
    )


routes = [
    Route("/dashboard/admin/sites/{site_id:id}/lexicon", lexicon_page, methods=["GET"]),
    Route("/dashboard/admin/sites/{site_id:id}/lexicon", change_lexicon, methods=["POST"]),
    Route("/dashboard/admin/sites/{site_id:id}/lexicon.csv", lexicon_csv, methods=["GET"]),
]
