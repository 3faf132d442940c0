"""Dictionaries through pyenchant (Aspell and Hunspell over libenchant), one set per thread.

pyenchant crashes the process when two threads share a dictionary object, so
every thread gets brokers and dictionaries of its own (:func:`spellers`); the
work itself is meant to run on the one spelling thread of
:mod:`corrigo.spelling.thread`, which keeps them loaded (Ukrainian takes close
to a second to load). Without libenchant or without a language's dictionary,
everything answers "no dictionary" and the rest of Corrigo works on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from corrigo.domain.languages import pick_dictionary
from corrigo.domain.ranking import merge_suggestions, one_edit_variants, rank
from corrigo.domain.words import dictionary_form, is_checkable, match_case, with_apostrophe_of
from corrigo.spelling.frequency import alphabet_of, zipf_lookup

log = logging.getLogger(__name__)

PROVIDERS = ("aspell", "hunspell")
# Longer "words" are URLs, hashes or glued text: no library suggests anything useful.
MAX_WORD = 40
# A library's suggestions beyond this rank hardly ever win.
LIBRARY_SUGGESTIONS = 8
# Words whose check or suggestions a speller keeps.
CACHE_ENTRIES = 50_000
T = TypeVar("T")


def _enchant() -> Any:
    """The pyenchant module, or None when libenchant is not installed."""
    try:
        # Imported here: the import fails where libenchant is not installed.
        import enchant
    except ImportError:
        return None
    return enchant


@lru_cache(maxsize=1)
def available() -> dict[str, tuple[str, ...]]:
    """Installed dictionaries: name (`en_US`) → the libraries that have it (Aspell first)."""
    enchant = _enchant()
    if enchant is None:
        return {}
    found: dict[str, list[str]] = {}
    for provider in PROVIDERS:
        # Each library's own list: enchant lists a name once, under the library it prefers.
        broker = enchant.Broker()
        broker.set_ordering("*", provider)
        for name, owner in broker.list_dicts():
            if owner.name == provider:
                found.setdefault(name, []).append(provider)
    return {name: tuple(providers) for name, providers in sorted(found.items())}


def dictionary_for(lang: str) -> str | None:
    """The installed dictionary that serves the BCP 47 tag `lang`, or None."""
    return pick_dictionary(lang, frozenset(available())) if lang else None


@dataclass
class Speller:
    """One language's dictionaries (every library that has it) with frequency-ranked suggestions."""

    name: str
    dicts: list[Any]
    zipf: Callable[[str], float]
    alphabet: str
    _known: dict[str, bool] = field(default_factory=dict)
    _suggested: dict[str, list[str]] = field(default_factory=dict)

    def known(self, word: str) -> bool:
        """Whether any dictionary accepts `word` (or, hyphenated, each of its parts)."""
        form = dictionary_form(word)
        cached = self._known.get(form)
        if cached is None:
            cached = self._check(form)
            _remember(self._known, form, cached)
        return cached

    def _check(self, form: str) -> bool:
        if not is_checkable(form) or len(form) > MAX_WORD:
            return True
        if self.alphabet and not any(char in self.alphabet for char in form.lower()):
            # Another script (a Cyrillic name in English text): not this dictionary's to judge.
            return True
        for candidate in (form, form.lower()):
            if any(d.check(candidate) for d in self.dicts):
                return True
        parts = [part for part in form.replace("\u2010", "-").split("-") if part]
        return len(parts) > 1 and all(self._check(part) for part in parts)

    def suggest(self, word: str, *, quick: bool = False) -> list[str]:
        """Corrections for an unknown `word`, best first, in its case and apostrophe style.

        `quick` asks only the first (fastest) library: Hunspell can take a tenth of a
        second a word, too slow for proofreading a long draft while someone waits.
        """
        key = f"{quick}:{word}"
        found = self._suggested.get(key)
        if found is None:
            found = self._suggest(word, self.dicts[:1] if quick else self.dicts)
            _remember(self._suggested, key, found)
        return list(found)

    def _suggest(self, word: str, dicts: list[Any]) -> list[str]:
        form = dictionary_form(word)
        if not form or len(form) > MAX_WORD:
            return []
        lists = [d.suggest(form)[:LIBRARY_SUGGESTIONS] for d in dicts]
        extra = [
            variant
            for variant in one_edit_variants(form, self.alphabet)
            if self.zipf(variant) > 0 and self.known(variant)
        ]
        ranked = rank(form, merge_suggestions(lists, extra), self.zipf)
        shown = (match_case(word, with_apostrophe_of(word, text)) for text in ranked)
        return list(dict.fromkeys(shown))


def _remember(cache: dict[str, T], key: str, value: T) -> None:
    # Texts repeat their words; a plain dict emptied when full is enough of a cache.
    if len(cache) >= CACHE_ENTRIES:
        cache.clear()
    cache[key] = value


class _ThreadSpellers(threading.local):
    def __init__(self) -> None:
        self.by_name: dict[str, Speller | None] = {}


_local = _ThreadSpellers()


def speller(lang: str) -> Speller | None:
    """This thread's speller for the BCP 47 tag `lang`; None without a dictionary for it."""
    name = dictionary_for(lang)
    if name is None:
        return None
    if name not in _local.by_name:
        _local.by_name[name] = _load(name)
    return _local.by_name[name]


def _load(name: str) -> Speller | None:
    enchant = _enchant()
    if enchant is None:
        return None
    dicts: list[Any] = []  # enchant.Dict: pyenchant has no type information
    for provider in PROVIDERS:
        # A broker of its own per library: a broker hands out one dictionary per name.
        # A library without `uk_UA` may still serve it from its `uk`.
        broker = enchant.Broker()
        broker.set_ordering(name, provider)
        try:
            loaded = broker.request_dict(name)
        except enchant.errors.Error as exc:
            log.warning("dictionary %s (%s) did not load: %s", name, provider, exc)
            continue
        if loaded.provider.name not in {d.provider.name for d in dicts}:
            dicts.append(loaded)
    if not dicts:
        return None
    language = name.split("_")[0]
    return Speller(name, dicts, zipf_lookup(language), alphabet_of(language))
