"""The demo news site as a small CMS: article bodies kept as HTML files in the data folder.

Until the demo connector first changes an article, its original body
(``content/<slug>.html``) is shown; the connector's first write puts the file in
the folder, and from then on the page shows that file. Writes are atomic (a
new file renamed over the old one) and check that the file is still the
version that was read.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from corrigo.demo.articles import BY_SLUG

CONTENT = Path(__file__).resolve().parent / "content"
FOLDER_NAME = "demo-articles"
_LOCK = threading.Lock()


class StaleVersion(Exception):
    """The article changed since the version the writer read."""


def version_of(text: str) -> str:
    """A short digest that changes whenever the body changes."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DemoLibrary:
    """The demo articles' bodies in `folder` (created on first use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> DemoLibrary:
        """The library kept in Corrigo's data folder."""
        return cls(data_dir / FOLDER_NAME)

    def _path(self, slug: str) -> Path:
        if slug not in BY_SLUG:
            raise KeyError(slug)
        return self.folder / f"{slug}.html"

    def read(self, slug: str) -> str:
        """The body of the article `slug` (KeyError for an unknown one)."""
        path = self._path(slug)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return (CONTENT / f"{slug}.html").read_text(encoding="utf-8")

    def write(self, slug: str, text: str, expected_version: str) -> str:
        """Replace the body if it is still `expected_version`; the new version."""
        path = self._path(slug)
        with _LOCK:
            if version_of(self.read(slug)) != expected_version:
                raise StaleVersion(slug)
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        return version_of(text)
