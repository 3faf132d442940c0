"""Proofreading a draft for a site: its text (from HTML like the widget reads it), the site's
memory for its words, and the check on the spelling thread. The CLI, the API and the
dashboard's Proofread page all come through here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from corrigo.domain.article import article_texts
from corrigo.domain.lexicon import SiteMemory
from corrigo.spelling.proofread import Proofread, memory_keys, proofread
from corrigo.spelling.thread import on_spelling_thread
from corrigo.store.lexicon import site_memory

# A document that starts with a tag is HTML; anything else is plain text.
_HTML_START = re.compile(r"\s*<(?:!doctype|!--|[a-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DraftSite:
    """The site a draft is checked for: its id (for the memory), default language, and
    where its pages keep the article (a CSS selector; None: the widget's defaults)."""

    id: int
    default_lang: str
    article_selector: str | None = None


def looks_like_html(content: str) -> bool:
    """Whether `content` is an HTML document or fragment rather than plain text."""
    return bool(_HTML_START.match(content))


def draft_text(content: str, *, html: bool | None = None, selector: str | None = None) -> str:
    """The text to proofread: for HTML, the article's text as the widget reads it."""
    if html is None:
        html = looks_like_html(content)
    if not html:
        return content
    return "\n\n".join(text for text in article_texts(content, selector) if text)


def proofread_sync(
    sessions: sessionmaker[Session] | None, site: DraftSite | None, lang: str, text: str
) -> Proofread:
    """Proofread `text` in `lang` with the site's memory (none without a site)."""
    memory = SiteMemory()
    if site is not None and sessions is not None:
        with sessions() as session:
            memory = site_memory(session, site.id, memory_keys(text))
    return proofread(text, lang or (site.default_lang if site else ""), memory)


async def proofread_draft(
    sessions: sessionmaker[Session] | None, site: DraftSite | None, lang: str, text: str
) -> Proofread:
    """:func:`proofread_sync` on the spelling thread, where the dictionaries live."""
    return await on_spelling_thread(proofread_sync, sessions, site, lang, text)
