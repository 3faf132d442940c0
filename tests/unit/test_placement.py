"""Placing a quote in an HTML or Markdown source and writing the correction there."""

from __future__ import annotations

import pytest

from corrigo.domain.placement import PlacementError, Refusal, fold, place
from corrigo.domain.quote import Quote
from corrigo.domain.source_text import html_text, markdown_text


def _html(source: str, exact: str, correction: str, prefix: str = "", suffix: str = "") -> str:
    result = place(source, "html", Quote(exact, prefix, suffix), correction)
    assert result.changed
    return result.source


def test_visible_html_text_hides_tags_and_decodes_entities() -> None:
    page = html_text("<p>Rock&nbsp;&amp;&#8217;roll <em>now</em></p>\n<p>Next</p>")
    assert page.text == "Rock &’roll now Next"
    assert len(page.spans) == len(page.text)


def test_blocks_without_whitespace_between_them_are_apart() -> None:
    assert html_text("<h2>Title</h2><p>Body</p><ul><li>a</li><li>b</li></ul>").text == (
        "Title Body a b"
    )


def test_comments_scripts_and_quoted_angles_are_hidden() -> None:
    source = '<!-- wp:paragraph --><p title="a > b">Hi</p><script>x = "<p>"</script><!-- /wp -->'
    assert html_text(source).text == "Hi"


def test_decomposed_letters_compose() -> None:
    assert html_text("cafe\u0301 ok").text == "café ok"


def test_plain_misprint() -> None:
    source = "<p>They plan the intergration of lines.</p>"
    assert _html(source, "intergration", "integration", "plan the ", " of lines") == (
        "<p>They plan the integration of lines.</p>"
    )


def test_misprint_inside_em_keeps_the_tag() -> None:
    source = "<p>The ban is <em>absolutly</em> necessary.</p>"
    assert _html(source, "absolutly", "absolutely", "The ban is ", " necessary.") == (
        "<p>The ban is <em>absolutely</em> necessary.</p>"
    )


def test_quote_across_a_link_keeps_the_link() -> None:
    link = '<a href="https://x.example/r?a=1&amp;b=2">'
    source = f"<p>According to the {link}city councel’s report</a>.</p>"
    out = _html(source, "city councel’s report", "city council’s report", "According to the ", ".")
    assert out == f"<p>According to the {link}city council’s report</a>.</p>"


def test_a_change_that_crosses_a_tag_keeps_the_tag() -> None:
    source = "<p>the <em>the</em> photographers</p>"
    assert _html(source, "the the", "the", "", " photographers") == (
        "<p>the<em></em> photographers</p>"
    )


def test_doubled_word() -> None:
    source = "<p>For the the photographers</p>"
    assert _html(source, "the the", "the", "For ", " photographers") == (
        "<p>For the photographers</p>"
    )


def test_nbsp_and_smart_quotes_in_the_source() -> None:
    source = "<p>It&#8217;s 10&nbsp;recieved &#8220;items&#8221; today.</p>"
    out = _html(source, "10 recieved “items”", "10 received “items”", "It’s ", " today.")
    assert out == "<p>It&#8217;s 10&nbsp;received &#8220;items&#8221; today.</p>"


def test_page_shows_typography_that_the_source_types_plainly() -> None:
    # WordPress shows ' as ’ and -- as – on the page; the source keeps its own.
    source = "<p>The mayor's plan -- a bold one... was recieved well.</p>"
    out = _html(source, "recieved", "received", "mayor’s plan – a bold one… was ", " well.")
    assert out == "<p>The mayor's plan -- a bold one... was received well.</p>"


def test_correction_is_escaped_in_html() -> None:
    source = "<p>Fish and chips</p>"
    out = _html(source, "and", "<b>&</b>", "Fish ", " chips")
    assert out == "<p>Fish &lt;b&gt;&amp;&lt;/b&gt; chips</p>"


def test_correction_is_normalised_to_nfc() -> None:
    out = _html("<p>a cafe here</p>", "cafe", "cafe\u0301", "a ", " here")
    assert out == "<p>a café here</p>"


def test_two_places_with_the_same_context_are_refused() -> None:
    source = "<p>We recieved it.</p><p>We recieved it.</p>"
    with pytest.raises(PlacementError) as caught:
        place(source, "html", Quote("recieved", "We ", " it."), "received")
    assert caught.value.refusal is Refusal.AMBIGUOUS


def test_context_picks_one_of_two_places() -> None:
    source = "<p>We recieved it.</p><p>They recieved them.</p>"
    out = _html(source, "recieved", "received", "They ", " them.")
    assert out == "<p>We recieved it.</p><p>They received them.</p>"


def test_words_no_longer_there_are_not_found() -> None:
    with pytest.raises(PlacementError) as caught:
        place("<p>All fine here.</p>", "html", Quote("recieved", "We ", " it"), "received")
    assert caught.value.refusal is Refusal.NOT_FOUND


def test_different_context_is_not_found() -> None:
    with pytest.raises(PlacementError) as caught:
        place("<p>They recieved it.</p>", "html", Quote("recieved", "We ", " it"), "received")
    assert caught.value.refusal is Refusal.NOT_FOUND


def test_applying_twice_changes_nothing_the_second_time() -> None:
    quote = Quote("recieved", "We ", " it.")
    first = place("<p>We recieved it.</p>", "html", quote, "received")
    second = place(first.source, "html", quote, "received")
    assert not second.changed
    assert second.source == first.source == "<p>We received it.</p>"


def test_context_cut_by_the_source_edge_is_accepted() -> None:
    # The page showed the headline before the body; the source is the body alone.
    out = _html("<p>Councel meets today.</p>", "Councel", "Council", "Budget news ", " meets")
    assert out == "<p>Council meets today.</p>"


def test_empty_and_unchanged_corrections_are_refused() -> None:
    quote = Quote("recieved")
    with pytest.raises(PlacementError) as empty:
        place("<p>recieved</p>", "html", quote, "  ")
    assert empty.value.refusal is Refusal.EMPTY
    with pytest.raises(PlacementError) as same:
        place("<p>recieved</p>", "html", quote, "recieved")
    assert same.value.refusal is Refusal.NO_CHANGE


def test_preview_sentence() -> None:
    source = "<p>First one. We recieved it today. Last one.</p>"
    result = place(source, "html", Quote("recieved", "We ", " it"), "received")
    assert result.sentence_before == "We recieved it today."
    assert result.sentence_after == "We received it today."


def test_hostile_source_text_survives() -> None:
    source = "<p>x <script>alert('recieved')</script> We recieved <b onclick=\"a>b\">it</b></p>"
    out = _html(source, "recieved it", "received it", "x We ", "")
    assert "<script>alert('recieved')</script>" in out
    assert 'We received <b onclick="a>b">it</b>' in out


def test_markdown_visible_text() -> None:
    source = (
        "---\ntitle: A *post*\n---\n# Heading\n\n"
        'Some *emphasis* and a [link](https://x.example/a_(b) "t").\n'
        "- item one\n- item_two\n\n> quoted `code`\n![img](a.png)\n"
    )
    assert markdown_text(source).text == (
        "Heading Some emphasis and a link. item one item_two quoted code"
    )


def test_markdown_misprint_in_emphasis_and_link() -> None:
    source = (
        "Intro.\n\nThe ban is *absolutly* needed, says the [city councel](https://c.example).\n"
    )
    quote = Quote("absolutly", "The ban is ", " needed")
    first = place(source, "markdown", quote, "absolutely").source
    assert "*absolutely*" in first
    second = place(first, "markdown", Quote("councel", "says the city ", ""), "council").source
    assert second.endswith("[city council](https://c.example).\n")


def test_markdown_correction_is_escaped() -> None:
    out = place("A b c\n", "markdown", Quote("b", "A ", " c"), "*b*").source
    assert out == "A \\*b\\* c\n"


def test_markdown_escaped_characters_are_visible() -> None:
    assert markdown_text(r"2 \* 3 = snake_case and 2 * 3").text == "2 * 3 = snake_case and 2 * 3"


def test_fold_collapses_dashes_and_expands_ellipsis() -> None:
    assert fold("a – b -- c…")[0] == "a - b - c..."


def test_a_dash_the_page_shows_keeps_the_sources_spelling() -> None:
    source = "<p>At 10&nbsp;am -- and ... then recieved it.</p>"
    quote = Quote("am — and … then recieved", "At 10 ", " it.")
    out = place(source, "html", quote, "am — and … then received").source
    assert out == "<p>At 10&nbsp;am -- and ... then received it.</p>"


def test_only_what_differs_on_the_page_is_written() -> None:
    # "-" and "–" look the same to readers: the source keeps its hyphen, the digit changes.
    out = place("<p>pages 3-5 only</p>", "html", Quote("3-5", "pages ", " only"), "3–7").source
    assert out == "<p>pages 3-7 only</p>"
