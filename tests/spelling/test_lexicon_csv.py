"""What the site's memory learns from a fix, and its CSV form."""

from __future__ import annotations

import pytest

from corrigo.domain.lexicon import (
    LexiconEntry,
    LexiconFormatError,
    accepted_from,
    from_csv,
    learned_fixes,
    to_csv,
)


def test_a_fix_teaches_word_pairs() -> None:
    assert learned_fixes("the intergration tets", "the integration tests") == [
        LexiconEntry("intergration", "integration"),
        LexiconEntry("tets", "tests"),
    ]
    assert learned_fixes("Пять років", "П'ять років") == [LexiconEntry("пять", "П'ять")]


def test_a_fix_that_is_not_word_for_word_is_learned_whole() -> None:
    assert learned_fixes("alot of", "a lot of") == [LexiconEntry("alot of", "a lot of")]


def test_nothing_to_learn() -> None:
    assert learned_fixes("same", "same") == []
    assert learned_fixes("", "x") == []
    assert learned_fixes("x", "  ") == []


def test_accepted_words_are_lower_case_once_each() -> None:
    assert accepted_from(["Corrigo corrigo", "Київʼян 2026"]) == [
        LexiconEntry("corrigo"),
        LexiconEntry("київ'ян"),
    ]


def test_csv_round_trip_neutralises_formulas() -> None:
    fixes = [LexiconEntry("=cmd", "+sum", 3), LexiconEntry("teh", "the", 1)]
    words = [LexiconEntry("corrigo", "", 2)]
    text = to_csv(fixes, words)
    assert "'=cmd" in text and "'+sum" in text
    assert from_csv(text) == [*fixes, *words]


@pytest.mark.parametrize(
    "text",
    [
        "correction,teh\n",
        "spell,teh,the,1\n",
        "correction,teh,the,many\n",
        "correction,teh,the,0\n",
        "correction,,the,1\n",
        "correction,teh,,1\n",
        "word,name,extra,1\n",
        "word," + "x" * 101 + ",,1\n",
    ],
)
def test_bad_csv_is_refused_with_its_line(text: str) -> None:
    with pytest.raises(LexiconFormatError, match="line 1"):
        from_csv(text)
