"""The server's reading of an article, by the widget's rules (see dialog.js)."""

from __future__ import annotations

import pytest

from corrigo.domain.article import article_texts, valid_selector


def test_default_chain_prefers_the_article_body() -> None:
    html = (
        "<body><nav>Menu</nav><article><h1>Title</h1>"
        "<div itemprop=articleBody><p>One.</p><p>Two.</p></div></article></body>"
    )
    assert article_texts(html) == ["One. Two."]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<body><main><p>In main</p></main><p>out</p></body>", ["In main"]),
        ("<body><p>Only body</p></body>", ["Only body"]),
        ("<article>A</article><article>B</article>", ["A", "B"]),
    ],
)
def test_fallbacks(html: str, expected: list[str]) -> None:
    assert article_texts(html) == expected


def test_site_selector_first_and_invalid_selector_falls_back() -> None:
    html = "<article><div class=story>Story</div><aside>Aside</aside></article>"
    assert article_texts(html, ".story") == ["Story"]
    assert article_texts(html, "[[[") == ["Story Aside"]
    assert article_texts(html, ".nothing") == ["Story Aside"]


def test_blocks_and_breaks_are_spaces_inline_elements_are_not() -> None:
    html = "<main><p>a<b>b</b>c</p><p>d<br>e</p><ul><li>f</li><li>g</li></ul>h<em>i</em></main>"
    assert article_texts(html) == ["abc d e f g hi"]


def test_left_out_elements_and_hidden_ones() -> None:
    html = (
        "<main>a<script>x</script><style>y</style><noscript>z</noscript><textarea>t</textarea>"
        "<select><option>o</select><svg><text>s</text></svg><template>t</template>"
        "<span hidden>h</span><p hidden=until-found>u</p>b<!-- comment --></main>"
    )
    assert article_texts(html) == ["ab"]


def test_hidden_root_is_still_read() -> None:
    assert article_texts("<main hidden><p>text</p></main>") == ["text"]


def test_whitespace_nbsp_and_invisible_characters() -> None:
    html = "<main>\n  one&nbsp;&nbsp;two\u2003three\u200b\u00adfour\u202e\tfive\r\n</main>"
    # Like the widget, only what cannot be text goes (here U+202E); U+200B and U+00AD stay.
    assert article_texts(html) == ["one two three\u200b\u00adfour five"]


def test_each_text_node_in_nfc() -> None:
    assert article_texts("<main>Украі\u0308на e\u0301</main>") == ["Україна é"]
    # Split across elements the browser keeps them apart, and so do we.
    assert article_texts("<main>e<b>\u0301</b></main>") == ["e\u0301"]


def test_messy_html_parses_as_a_browser_would() -> None:
    html = "<main><p>one<p>two<table><tr><td>cell</table><b><i>bold</b>italic</i></main>"
    assert article_texts(html) == ["one two cell bolditalic"]


def test_no_roots() -> None:
    assert article_texts("") == [""]  # an empty document still has a body


@pytest.mark.parametrize(
    ("selector", "valid"),
    [(".entry-content", True), ("article > div.body", True), ("[[", False), ("", False)],
)
def test_valid_selector(selector: str, valid: bool) -> None:
    assert valid_selector(selector) is valid


def test_a_hidden_root_inside_another_is_skipped_by_the_outer_one_only() -> None:
    assert article_texts("<article>a<article hidden>b</article>c</article>") == ["ac", "b"]
