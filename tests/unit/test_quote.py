import pytest

from corrigo.domain.fingerprint import fingerprint
from corrigo.domain.quote import Quote, overlaps, shown_context

TEXT = (
    "We plan to implement intergration into the core system next year, "
    "said the minister, adding that the intergration would be slow."
)


def quote_at(exact: str, occurrence: int = 0, with_position: bool = True) -> Quote:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(exact, start + 1)
    end = start + len(exact)
    return Quote(
        exact,
        TEXT[max(0, start - 32) : start],
        TEXT[end : end + 32],
        start if with_position else None,
    )


def test_overlapping_selections_of_the_same_words_match() -> None:
    base = quote_at("intergration")
    assert overlaps(base, quote_at("intergration into"))
    assert overlaps(base, quote_at("to implement intergration"))
    assert overlaps(base, quote_at("ntergra"))


def test_adjacent_and_different_words_do_not_match() -> None:
    base = quote_at("intergration")
    assert not overlaps(base, quote_at("into"))
    assert not overlaps(base, quote_at("implement"))
    assert not overlaps(quote_at("to"), quote_at("implement"))


def test_same_word_elsewhere_on_the_page_is_another_misprint() -> None:
    assert not overlaps(quote_at("intergration", 0), quote_at("intergration", 1))
    assert not overlaps(quote_at("intergration", 0, False), quote_at("intergration", 1, False))


def test_text_alignment_without_positions() -> None:
    base = quote_at("intergration", with_position=False)
    assert overlaps(base, quote_at("intergration into", with_position=False))
    assert overlaps(quote_at("to implement intergration", with_position=False), base)
    assert not overlaps(base, quote_at("into", with_position=False))


def test_positions_must_agree_with_text() -> None:
    # Same offsets, different words (the page changed between two reports).
    a = Quote("cat", "the black ", " sat", 10)
    b = Quote("dog", "the black ", " sat", 10)
    assert not overlaps(a, b)


def test_empty_quotes_never_overlap() -> None:
    assert not overlaps(Quote(""), Quote("x"))


def test_fingerprint_is_stable_and_sensitive() -> None:
    one = fingerprint("k", "https://a/", "p", "e", "s")
    assert one == fingerprint("k", "https://a/", "p", "e", "s")
    assert (
        len(
            {
                one,
                fingerprint("k2", "https://a/", "p", "e", "s"),
                fingerprint("k", "https://b/", "p", "e", "s"),
                fingerprint("k", "https://a/", "p", "e2", "s"),
                fingerprint("k", "https://a/", "p", "e", "s2"),
            }
        )
        == 5
    )
    # Field boundaries cannot be shifted to forge a collision.
    assert fingerprint("k", "https://a/", "ab", "c", "") != fingerprint(
        "k", "https://a/", "a", "bc", ""
    )


@pytest.mark.parametrize(
    ("prefix", "suffix", "shown"),
    [
        # Full-length sides were cut from a longer text: the partial words go, "…" marks it.
        (
            "nce and by a transport grant it ",
            " was finished in March by the cit",
            ("…and by a transport grant it ", " was finished in March by the…"),
        ),
        # Short sides reach the article's edges and stay whole.
        ("The ", " reopened.", ("The ", " reopened.")),
        ("", "", ("", "")),
        # A side that starts or ends at a space loses no word.
        (
            " and by a transport grant it was",
            "was finished in March by the city ",
            ("…and by a transport grant it was", "was finished in March by the city…"),
        ),
        # No space to cut at (one long word, or a script without spaces): kept, with "…".
        (
            "x" * 32,
            "東京都の新しい橋は三月に開通しました。これは市の資金で建てられた",
            ("…" + "x" * 32, "東京都の新しい橋は三月に開通しました。これは市の資金で建てられた…"),
        ),
    ],
)
def test_shown_context_cuts_at_word_boundaries(
    prefix: str, suffix: str, shown: tuple[str, str]
) -> None:
    assert shown_context(prefix, suffix) == shown
