"""The dashboard's gettext catalogues: complete, consistent, and compiled without a build step."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from corrigo.http.dashboard.i18n import (
    CATALOGUES,
    LANGUAGES,
    catalogue_path,
    supported,
    translations,
)

DASHBOARD = CATALOGUES.parent
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")


def _extracted() -> set[str | tuple[str, str]]:
    with (CATALOGUES / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        DASHBOARD, method_map, options_map
    ):
        found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def _catalogue(lang: str) -> Catalog:
    with Path(catalogue_path(lang)).open("rb") as source:
        return read_po(source, locale=lang)


def test_every_string_in_the_code_is_in_both_catalogues() -> None:
    wanted = _extracted()
    assert len(wanted) > 100
    for lang in LANGUAGES:
        catalogue = _catalogue(lang)
        present = {
            message.id if isinstance(message.id, str) else tuple(message.id)
            for message in catalogue
            if message.id
        }
        assert not wanted - present, f"{lang}: missing {sorted(map(str, wanted - present))[:10]}"


def test_ukrainian_is_translated_with_the_same_placeholders() -> None:
    for message in _catalogue("uk"):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated: {ids[0]!r}"
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= expected, (ids[0], string)
        if isinstance(message.id, str):
            assert set(PLACEHOLDER.findall(strings[0])) == set(PLACEHOLDER.findall(message.id))


def test_catalogues_compile_at_runtime() -> None:
    uk = translations("uk")
    assert uk.gettext("Inbox") == "Вхідні"
    assert uk.ngettext("Marked fixed.", "{n} misprints marked fixed.", 1).format(n=1) == (
        "1 помилку позначено виправленою."
    )
    assert uk.ngettext("Marked fixed.", "{n} misprints marked fixed.", 3).format(n=3) == (
        "3 помилки позначено виправленими."
    )
    assert uk.ngettext("Marked fixed.", "{n} misprints marked fixed.", 11).format(n=11) == (
        "11 помилок позначено виправленими."
    )
    assert translations("en").gettext("Inbox") == "Inbox"


def test_language_fallbacks() -> None:
    assert supported("uk-UA") == "uk"
    assert supported("UK") == "uk"
    assert supported("de") == "en"
    assert supported(None) == "en"
