"""Tokenising by Unicode word rules, and the forms dictionaries are asked about."""

from __future__ import annotations

import pytest

from corrigo.domain.words import (
    Sentences,
    dictionary_form,
    is_checkable,
    match_case,
    with_apostrophe_of,
    words,
)


def texts(text: str) -> list[str]:
    return [word.text for word in words(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The intergration isn't done.", ["The", "intergration", "isn't", "done"]),
        ("rock’n’roll, o'clock", ["rock’n’roll", "o'clock"]),
        ("П'ять, пʼять і п’ять м'ячів", ["П'ять", "пʼять", "і", "п’ять", "м'ячів"]),
        ("Об'єднання — будь-який варіант", ["Об'єднання", "будь-який", "варіант"]),
        (
            "Съешь же ещё этих мягких французских булок",
            ["Съешь", "же", "ещё", "этих", "мягких", "французских", "булок"],
        ),
        ("well-known state‐of‐the‐art", ["well-known", "state‐of‐the‐art"]),
        ("-leading and trailing- 'quotes'", ["leading", "and", "trailing", "quotes"]),
        ("Schöne Grüße, naïve café", ["Schöne", "Grüße", "naïve", "café"]),
        ("COVID-19 in 2026", ["COVID-19", "in", "2026"]),
        ("", []),
        ("… — !!! ???", []),
    ],
)
def test_words_follow_unicode_rules(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_combining_marks_stay_inside_the_word() -> None:
    # "e" + COMBINING ACUTE, and a Ukrainian stress mark on "о": one word each.
    text = "cafe\u0301 сло\u0301во"
    found = words(text)
    assert [w.text for w in found] == ["cafe\u0301", "сло\u0301во"]
    assert all(text[w.start : w.end] == w.text for w in found)


def test_spans_index_the_text() -> None:
    text = "  A  пʼять\nwell-known "
    for word in words(text):
        assert text[word.start : word.end] == word.text


def test_dictionary_form_unifies_apostrophes_and_drops_stress() -> None:
    assert dictionary_form("пʼять") == "п'ять"
    assert dictionary_form("п’ять") == "п'ять"
    assert dictionary_form("сло\u0301во") == "слово"
    assert dictionary_form("cafe\u0301") == "café"


def test_checkable_words_have_letters_and_no_digits() -> None:
    assert is_checkable("word")
    assert is_checkable("пʼять")
    assert not is_checkable("2026")
    assert not is_checkable("COVID-19")
    assert not is_checkable("'")


def test_case_and_apostrophe_follow_the_original() -> None:
    assert match_case("Intergration", "integration") == "Integration"
    assert match_case("NASA", "nasal") == "NASAL"
    assert match_case("teh", "the") == "the"
    assert with_apostrophe_of("пʼять", "п'ять") == "пʼять"
    assert with_apostrophe_of("dont", "don't") == "don't"


def test_sentences_find_the_sentence_of_a_word() -> None:
    text = "First one here. The intergration fails! Last line\nnew line"
    sentences = Sentences(text)
    start = text.index("intergration")
    assert sentences.around(start, start + 12) == "The intergration fails!"
    assert sentences.around(text.index("new"), text.index("new") + 3) == "new line"


def test_an_endless_sentence_is_cut_to_a_window() -> None:
    text = "word " * 10_000 + "misprnt " + "word " * 10_000
    start = text.index("misprnt")
    shown = Sentences(text).around(start, start + 7)
    assert "misprnt" in shown
    assert len(shown) < 500
