"""Which of a site's channels hear about a misprint: URL prefix, author, default (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

# An article's author meta may list several people: "Jane Roe, John Doe and Ann Poe".
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:[,;/&]|\band\b)\s*", re.IGNORECASE)


def normalize_prefix(prefix: str) -> str:
    """A URL prefix ready for matching: absolute http(s) with lower-case host, or a path.

    Raises ValueError for anything else.
    """
    prefix = prefix.strip()
    if not prefix:
        return ""
    if prefix.startswith("/"):
        return prefix
    parts = urlsplit(prefix)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{prefix!r} is neither an http(s) URL nor a path starting with /")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def author_matches(configured: str, article_author: str) -> bool:
    """Whether the article's author (one name or a list of names) includes `configured`."""
    wanted = _fold(configured)
    if not wanted:
        return False
    names = {_fold(part) for part in _AUTHOR_SEPARATORS.split(article_author)}
    return wanted in names or wanted == _fold(article_author)


@dataclass(frozen=True, slots=True)
class RouteRule:
    """The routing part of one channel's configuration."""

    channel_id: int
    url_prefix: str = ""
    author: str = ""

    @property
    def is_default(self) -> bool:
        """A channel without rules takes what no routed channel takes."""
        return not self.url_prefix and not self.author

    def matches(self, url: str, author: str) -> bool:
        """Whether every rule this channel has holds for the page (rules combine with AND)."""
        if self.url_prefix:
            subject = urlsplit(url).path if self.url_prefix.startswith("/") else url
            if not subject.startswith(self.url_prefix):
                return False
        return not self.author or author_matches(self.author, author)


def route(rules: Iterable[RouteRule], url: str, author: str) -> list[int]:
    """Channel ids for a misprint on `url` by `author`.

    Every routed channel whose rules match gets it (a section desk and the
    author may both hear); when none matches, the default channels get it.
    """
    rules = list(rules)
    routed = [r.channel_id for r in rules if not r.is_default and r.matches(url, author)]
    if routed:
        return routed
    return [r.channel_id for r in rules if r.is_default]
