"""Short confirmations shown after a redirect (`?done=fixed&n=3`), in the editor's language.

Only known codes and a number travel in the address, never free text, so a
crafted link cannot put words on the page.
"""

from __future__ import annotations

from starlette.requests import Request

from corrigo.domain.lifecycle import Action
from corrigo.domain.numbers import parse_whole
from corrigo.http.dashboard.i18n import translations
from corrigo.http.dashboard.templating import request_lang


def notice_for(request: Request) -> str | None:
    """The confirmation for this request's `done`/`n` parameters, or None."""
    done = request.query_params.get("done", "")
    raw_count = request.query_params.get("n", "1")
    count = parse_whole(raw_count, 0, 99_999) or 1
    catalogue = translations(request_lang(request))
    ngettext = catalogue.ngettext
    messages: dict[str, str] = {
        Action.FIXED: ngettext("Marked fixed.", "{n} misprints marked fixed.", count),
        Action.REJECT: ngettext("Rejected.", "{n} misprints rejected.", count),
        Action.SPAM: ngettext("Marked spam.", "{n} misprints marked spam.", count),
        Action.REOPEN: ngettext("Reopened.", "{n} misprints reopened.", count),
    }
    messages["checked"] = catalogue.gettext("The page was checked.")
    messages["no_worker"] = catalogue.gettext(
        "No worker checked the page in time; are the workers running?"
    )
    message = messages.get(done)
    return None if message is None else message.format(n=count)
