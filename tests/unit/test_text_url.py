import random
import re
import unicodedata

import pytest

from corrigo.domain.origins import normalize_origin, origin_allowed
from corrigo.domain.text import clean, clean_multiline, clean_stripped
from corrigo.domain.url import normalize_url, origin_of


def test_clean_nfc_controls_and_whitespace() -> None:
    decomposed = "cafe\u0301"
    assert clean(decomposed) == "caf\u00e9"
    assert clean("a\u0000b\u200bc\u202ed") == "ab\u200bcd"
    assert clean("  two \t\n words ") == " two words "
    assert clean_stripped("  two \t\n words ") == "two words"


# Characters that test each rule of `clean`: ones that cannot be text, joiners, Unicode
# spaces that are not printable, a space that NFC rewrites (U+2000), combining marks, Cyrillic.
_TRICKY = "ab \t\n\r\x00\x1f\x7f\x85\xa0\u0301\u0439\u0438\u0306\u2000\u2028\u200b\u200d"
_TRICKY += "\u202e\ufeffé"


@pytest.mark.parametrize("seed", range(5))
def test_clean_output_is_nfc_visible_and_folded_for_any_mix(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2000):
        raw = "".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 12)))
        cleaned = clean(raw)
        assert unicodedata.is_normalized("NFC", cleaned), repr(raw)
        assert not re.search(r"\s\s", cleaned), repr(raw)
        # What stays is visible, a space, or a format character that is part of text (ZWJ…).
        visible = (c == " " or c.isprintable() or unicodedata.category(c) == "Cf" for c in cleaned)
        assert all(visible), repr(raw)
        assert clean(cleaned) == cleaned, repr(raw)


def test_clean_keeps_clean_text_as_it_is() -> None:
    assert clean("Plain words, one space each.") == "Plain words, one space each."
    assert clean(" Київ ") == " Київ "
    assert clean("x\u0438\u0306") == "x\u0439"  # decomposed й: printable, still composed


def test_clean_multiline_keeps_paragraphs_only() -> None:
    assert clean_multiline("a\r\n\r\n\r\n\r\nb  c\x07") == "a\n\nb c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://News.Example:443/a/b?utm_source=x&id=3&fbclid=y#frag",
            "https://news.example/a/b?id=3",
        ),
        ("http://news.example:8080", "http://news.example:8080/"),
        ("https://news.example/a?gclid=1&UTM_MEDIUM=2", "https://news.example/a"),
        ("https://news.example/a?b=2&a=1", "https://news.example/a?b=2&a=1"),
        ("https://[::1]:8443/x", "https://[::1]:8443/x"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "ftp://news.example/",
        "/relative",
        "https://",
        "data:text/html,x",
        "https://user:pw@news.example/",
    ],
)
def test_normalize_url_refuses_non_http(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(bad)


def test_origins() -> None:
    assert origin_of("https://News.example:443/x") == "https://news.example"
    assert normalize_origin("https://News.Example/") == "https://news.example"
    assert normalize_origin("https://*.Example.com") == "https://*.example.com"
    allowed = ["https://news.example", "https://*.example.com"]
    assert origin_allowed("https://news.example", allowed)
    assert origin_allowed("https://a.b.example.com", allowed)
    assert not origin_allowed("https://example.com", allowed)
    assert not origin_allowed("http://news.example", allowed)
    assert not origin_allowed("https://news.example.evil", allowed)
    assert not origin_allowed("https://evilexample.com", allowed)
    for bad in ["news.example", "https://news.example/path", "ftp://x"]:
        with pytest.raises(ValueError):
            normalize_origin(bad)
