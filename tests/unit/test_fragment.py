"""Text Fragment links (https://wicg.github.io/scroll-to-text-fragment/)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from corrigo.domain.fragment import encode_part, fragment_link, text_directive


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("well-known", "well%2Dknown"),  # "-" marks prefix/suffix: must be encoded
        ("a, b", "a%2C%20b"),  # "," separates the parts
        ("R&D", "R%26D"),  # "&" separates directives
        ("50%", "50%25"),
        ("#1 hit", "%231%20hit"),
        ("Київ", "%D0%9A%D0%B8%D1%97%D0%B2"),
        ("a_b.c~d", "a_b.c~d"),
    ],
)
def test_parts_are_percent_encoded(text: str, encoded: str) -> None:
    assert encode_part(text) == encoded
    assert unquote(encoded) == text


def test_directive_with_context_words() -> None:
    assert text_directive("intergration", "they plan to implement ", " into the core system") == (
        "text=they%20plan%20to%20implement-,intergration,-into%20the%20core%20system"
    )


def test_selection_inside_a_word_is_widened_to_the_word() -> None:
    # Text fragments match whole words only: "tergra" alone would match nothing.
    assert text_directive("tergra", "plan to implement in", "tion into the") == (
        "text=plan%20to%20implement-,intergration,-into%20the"
    )


def test_context_cut_mid_word_at_the_limit_drops_the_partial_word() -> None:
    prefix = "xtremely long sentence before t "  # 32 characters, cut inside "extremely"
    assert len(prefix) == 32
    directive = text_directive("word", prefix, "")
    assert directive == "text=long%20sentence%20before%20t-,word"


def test_hyphens_commas_and_ampersands_in_every_part() -> None:
    directive = text_directive("co-operate", "R&D, then ", " - fast, well")
    prefix, exact, suffix = directive.removeprefix("text=").split(",")
    assert prefix == "R%26D%2C%20then-"
    assert exact == "co%2Doperate"
    assert suffix == "-%2D%20fast%2C%20well"


def test_link_replaces_an_existing_fragment() -> None:
    link = fragment_link("https://News.example/a?b=1#top", "teh", "read ", " news")
    assert link == "https://news.example/a?b=1#:~:text=read-,teh,-news"


def test_no_context() -> None:
    assert fragment_link("https://news.example/a", "Hello world") == (
        "https://news.example/a#:~:text=Hello%20world"
    )
