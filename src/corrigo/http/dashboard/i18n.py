"""The dashboard's languages: gettext catalogues compiled from the `.po` files at first use.

Compiling at runtime (with Babel, already a dependency) means the repository
holds only the editable `.po` sources and no build step can be forgotten.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

CATALOGUES = Path(__file__).resolve().parent / "i18n"
DOMAIN = "messages"
# Code → the language's own name, as shown in the language picker.
LANGUAGES = {"en": "English", "uk": "Українська"}
DEFAULT_LANG = "en"


def supported(lang: str | None) -> str:
    """The dashboard language to use for a stored preference (falls back to English)."""
    if lang:
        base = lang.lower().split("-", 1)[0]
        if base in LANGUAGES:
            return base
    return DEFAULT_LANG


def catalogue_path(lang: str) -> Path:
    """Where the `.po` file of a language lives."""
    return CATALOGUES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """Compiled translations for a supported language code."""
    lang = supported(lang)
    with catalogue_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
