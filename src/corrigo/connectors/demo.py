"""The demo connector: corrections to the demo news site's articles (`corrigo demo`)."""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

from corrigo.connectors.base import ConnectorError, Fix, Source, SourceConnector, Written
from corrigo.demo.articles import BY_SLUG
from corrigo.demo.library import DemoLibrary, StaleVersion, version_of

_ARTICLE_PATH = re.compile(r"/demo/([a-z0-9-]+)/?")


class DemoConnector(SourceConnector):
    """Reads and writes the demo articles kept in the data folder."""

    kind: ClassVar[str] = "demo"

    def __init__(self, library: DemoLibrary) -> None:
        self._library = library

    def check(self) -> str:
        """The demo needs no credentials; say where its articles live."""
        return f"demo articles in {self._library.folder}"

    def find(self, url: str) -> Source:
        """The body of the demo article at `url` (``…/demo/<slug>``)."""
        match = _ARTICLE_PATH.fullmatch(urlsplit(url).path)
        if match is None or match.group(1) not in BY_SLUG:
            raise ConnectorError("not_found", "This address is not an article of the demo site.")
        slug = match.group(1)
        text = self._library.read(slug)
        return Source(text, "html", version_of(text), slug, url)

    def write(self, source: Source, new_text: str, fix: Fix) -> Written:
        """Replace the article's body, unless it changed since it was read."""
        try:
            revision = self._library.write(source.ref, new_text, source.version)
        except StaleVersion:
            raise ConnectorError(
                "changed", "The article changed since it was read; preview again."
            ) from None
        return Written(revision, source.location)
