"""The word diff between a quote and a proposed correction."""

from __future__ import annotations

from itertools import pairwise

import pytest

from corrigo.domain.worddiff import DiffPart, tokens, word_diff


def _side(parts: list[DiffPart], keep: str) -> str:
    return "".join(part.text for part in parts if part.kind in ("same", keep))


def test_a_changed_word_is_removed_and_inserted_whole() -> None:
    assert word_diff("intergration", "integration") == [
        DiffPart("del", "intergration"),
        DiffPart("ins", "integration"),
    ]


def test_unchanged_words_stay_together() -> None:
    assert word_diff("the the budget", "the budget") == [
        DiffPart("del", "the "),
        DiffPart("same", "the budget"),
    ]


def test_insertion_and_punctuation() -> None:
    parts = word_diff("Hello world", "Hello, wide world!")
    assert parts == [
        DiffPart("same", "Hello"),
        DiffPart("ins", ", wide"),
        DiffPart("same", " world"),
        DiffPart("ins", "!"),
    ]


def test_cyrillic_words_are_words() -> None:
    assert tokens("Київ — столиця") == ["Київ", " ", "—", " ", "столиця"]
    assert word_diff("в туманi", "в тумані") == [
        DiffPart("same", "в "),
        DiffPart("del", "туманi"),
        DiffPart("ins", "тумані"),
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("", "new text"),
        ("old text", ""),
        ("same", "same"),
        ("a  b\tc", "a b c"),
        ("<b>x</b> & y", "<i>x</i> & z"),
        ("one two three four", "four three two one"),
        ("🙂 emoji ok", "🙃 emoji ok"),
    ],
)
def test_both_texts_are_rebuilt_exactly(old: str, new: str) -> None:
    parts = word_diff(old, new)
    assert _side(parts, "del") == old
    assert _side(parts, "ins") == new
    # Neighbouring parts never share a kind (they are merged).
    assert all(a.kind != b.kind for a, b in pairwise(parts))
