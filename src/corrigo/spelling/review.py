"""What the dictionary says about a text: its unknown words and their suggestions."""

from __future__ import annotations

from collections.abc import Collection

from corrigo.domain.proposal import DictionaryView
from corrigo.domain.words import Word, dictionary_form, is_checkable, words
from corrigo.spelling.dictionaries import Speller, speller


def unknown_words(check: Speller, found: list[Word], accepted: Collection[str]) -> list[Word]:
    """The words of `found` that neither the dictionary nor the site's accepted words know."""
    return [
        word
        for word in found
        if is_checkable(word.text)
        and dictionary_form(word.text).lower() not in accepted
        and not check.known(word.text)
    ]


def review_quote(lang: str, quote: str, accepted: Collection[str]) -> DictionaryView | None:
    """The dictionary's view of a quote, or None when no dictionary serves `lang`."""
    check = speller(lang)
    if check is None:
        return None
    unknown = list(dict.fromkeys(w.text for w in unknown_words(check, words(quote), accepted)))
    return DictionaryView(check.name, unknown, {word: check.suggest(word) for word in unknown})
