"""Anchoring a reported quote in the article as it is now: a table of edits."""

from __future__ import annotations

import pytest

from corrigo.domain.anchoring import anchor
from corrigo.domain.article import article_texts
from corrigo.domain.quote import Quote

ARTICLE = (
    "The city council met on Tuesday to discuss the budget. "
    "Members praised the intergration of the tram and bus networks, which opened in May. "
    "The mayor said the next step is a new bridge across the river. "
    "Work is expected to start next spring and last two years."
)


def quote_of(text: str, exact: str, occurrence: int = 0) -> Quote:
    """The quote the widget sends for the `occurrence`-th `exact` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return Quote(exact, text[max(0, start - 32) : start], text[end : end + 32], start)


QUOTE = quote_of(ARTICLE, "intergration")
MOVED = ARTICLE.split(". ")
MOVED = ". ".join([MOVED[2], MOVED[0], MOVED[1], MOVED[3]])


@pytest.mark.parametrize(
    ("edited", "outcome", "now"),
    [
        pytest.param(ARTICLE, "present", "intergration", id="unchanged"),
        pytest.param(
            ARTICLE.replace("intergration", "integration"), "corrected", "integration", id="fixed"
        ),
        pytest.param(
            ARTICLE.replace("praised", "welcomed"), "present", "intergration", id="word-near-it"
        ),
        pytest.param(
            ARTICLE.replace("praised", "welcomed").replace("intergration", "integration"),
            "corrected",
            "integration",
            id="word-near-it-and-fixed",
        ),
        pytest.param(
            ARTICLE.replace("the intergration of", "the merging of"),
            "corrected",
            "merging",
            id="other-word",
        ),
        pytest.param(MOVED, "present", "intergration", id="paragraph-moved"),
        pytest.param(
            MOVED.replace("intergration", "integration"),
            "corrected",
            "integration",
            id="moved-and-fixed",
        ),
        pytest.param(
            "Intergration is a word people misspell. "
            + ARTICLE.replace("intergration", "integration"),
            "corrected",
            "integration",
            id="same-words-elsewhere",
        ),
        pytest.param(
            ARTICLE.replace(ARTICLE[ARTICLE.index("Members") : ARTICLE.index("The mayor")], ""),
            "missing",
            None,
            id="passage-deleted",
        ),
        pytest.param(
            "A completely different article about the weather and the harvest this year.",
            "missing",
            None,
            id="rewritten",
        ),
        pytest.param(ARTICLE + " " + ARTICLE, "present", "intergration", id="page-twice"),
    ],
)
def test_edits(edited: str, outcome: str, now: str | None) -> None:
    found = anchor(QUOTE, [edited])
    assert (found.outcome, found.now) == (outcome, now)


def test_same_words_elsewhere_picks_the_reported_spot() -> None:
    text = "An intergration here. " + ARTICLE
    found = anchor(quote_of(text, "intergration", 1), [text])
    assert found.outcome == "present"
    assert found.start == text.index("intergration", 5)


def test_an_inserted_letter_at_the_edge_belongs_to_the_word() -> None:
    text = "The river is a big one and the bridge over it is very old indeed today."
    quote = quote_of(text, "a")
    found = anchor(quote, [text.replace(" a big", " an big")])
    assert (found.outcome, found.now) == ("corrected", "an")


def test_the_quote_across_a_link_and_an_emphasis() -> None:
    html = (
        "<article><p>Members praised the <a href='/x'>inter<em>gration</em></a> "
        "of the tram and bus networks.</p></article>"
    )
    text = article_texts(html)[0]
    quote = quote_of(text, "praised the intergration of")
    assert anchor(quote, article_texts(html)).outcome == "present"
    fixed = html.replace("inter<em>gration</em>", "inte<em>gration</em>")
    found = anchor(quote, article_texts(fixed))
    assert (found.outcome, found.now) == ("corrected", "praised the integration of")


def test_cyrillic_with_combining_marks() -> None:
    # The reader's browser composed "ї"; the page spells it "і" + U+0308 (the widget
    # and the extractor both read text in NFC), and "й" likewise.
    quote = Quote("Украінa", "Столиця країни — місто Київ. ", " має гарний травень.", 29)
    html = (
        "<main><p>Столиця краі\u0308ни — місто Киі\u0308в. Украінa має гарний травень.</p></main>"
    )
    assert anchor(quote, article_texts(html)).outcome == "present"
    fixed = html.replace("Украінa", "Украі\u0308на")
    found = anchor(quote, article_texts(fixed))
    assert (found.outcome, found.now) == ("corrected", "Україна")


def test_whitespace_and_nbsp_unlike_what_the_widget_saw() -> None:
    quote = quote_of(ARTICLE, "intergration")
    html = (
        "<main><p>"
        + ARTICLE.replace(" the intergration", "&nbsp;the\n   intergration")
        + "</p></main>"
    )
    assert anchor(quote, article_texts(html)).outcome == "present"


def test_several_article_elements() -> None:
    found = anchor(QUOTE, ["Nothing here.", ARTICLE])
    assert (found.outcome, found.root) == ("present", 1)


def test_no_text_at_all() -> None:
    assert anchor(QUOTE, []).outcome == "missing"
    assert anchor(QUOTE, [""]).outcome == "missing"


def test_quote_without_context() -> None:
    alone = Quote("intergration", "", "", 0)
    assert anchor(alone, ["intergration"]).outcome == "present"
    assert anchor(alone, ["integration"]).outcome == "missing"


def test_quote_at_the_start_of_the_article() -> None:
    quote = quote_of(ARTICLE, "The city")
    found = anchor(quote, [ARTICLE.replace("The city", "Teh city", 1)])
    assert (found.outcome, found.now) == ("corrected", "Teh city")
