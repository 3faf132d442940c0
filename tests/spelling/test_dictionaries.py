"""The installed dictionaries through pyenchant, and working without them."""

from __future__ import annotations

import threading

import pytest

from corrigo.spelling import dictionaries
from corrigo.spelling.dictionaries import available, speller
from corrigo.spelling.review import review_quote

LANGUAGES = ["en-US", "en-GB", "uk", "ru", "de", "fr", "es", "pl", "it", "pt-PT", "pt-BR"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_a_dictionary(lang: str) -> None:
    check = speller(lang)
    assert check is not None, f"no dictionary for {lang}: see the Makefile's dictionaries"
    assert check.dicts


def test_english_suggestions_are_ranked() -> None:
    check = speller("en")
    assert check is not None
    assert not check.known("intergration")
    assert check.suggest("intergration")[0] == "integration"
    assert check.suggest("Intergration")[0] == "Integration"
    assert check.known("well-known") and check.known("don't")


def test_ukrainian_apostrophes_and_suggestions() -> None:
    check = speller("uk-UA")
    assert check is not None
    assert check.known("пʼять") and check.known("п’ять") and check.known("п'ять")
    assert check.known("будь-який")
    assert "принцип" in check.suggest("прнцип")[:3]
    # Suggestions keep the apostrophe the text used.
    assert "пʼять" in check.suggest("пʼятт")[:3]


def test_russian() -> None:
    view = review_quote("ru", "Превет, мир", accepted=set())
    assert view is not None and view.unknown == ["Превет"]
    assert view.suggestions["Превет"][0] == "Привет"


def test_accepted_words_are_not_flagged() -> None:
    view = review_quote("en", "Corrigoo works", accepted={"corrigoo"})
    assert view is not None and view.unknown == []
    assert view.hint


def test_a_language_without_a_dictionary_gives_no_view() -> None:
    assert speller("ja") is None
    assert review_quote("ja", "誤植", accepted=set()) is None
    assert review_quote("", "text", accepted=set()) is None


def test_without_libenchant_nothing_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dictionaries, "_enchant", lambda: None)
    available.cache_clear()
    try:
        assert available() == {}
        assert review_quote("en", "intergration", accepted=set()) is None
    finally:
        available.cache_clear()


def test_each_thread_gets_its_own_dictionaries() -> None:
    # Sharing one pyenchant dictionary between threads crashes the process.
    found: list[object] = []

    def work() -> None:
        check = speller("en")
        assert check is not None
        check.suggest("recieve")
        found.append(check)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(check) for check in found}) == 3
