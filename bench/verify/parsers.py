"""Which HTML parser reads an article fastest: parse a ~300 KB news page, select the article.

For each parser that is installed: parse the page, find ``[itemprop=articleBody]``
and collect its text nodes (what corrigo.domain.article needs from a parser);
the median of 50 runs. Run it where the candidates are installed, e.g.
``pip install selectolax lxml cssselect html5-parser`` in a scratch venv:

    python bench/verify/parsers.py
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import time
from collections.abc import Callable

WORDS = [
    "the",
    "council",
    "said",
    "budget",
    "city",
    "river",
    "bridge",
    "trams",
    "would",
    "open",
    "new",
    "school",
    "year",
]


def news_page(paragraphs: int = 420, teasers: int = 400) -> str:
    """A messy ~300 KB page: scripts, navigation, teasers, the article, a footer."""
    rng = random.Random(1)

    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    head = "".join(
        f"<script>var x{i}='{words(40)}';</script><style>.a{i}{{}}</style>" for i in range(60)
    )
    nav = "".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(200))
    aside = "".join(
        f"<div><h3><a href=/a{i}>{words(8)}</a></h3><p>{words(20)}" for i in range(teasers)
    )
    body = "".join(
        f"<p>{words(60)} <a href=/x>{words(3)}</a> <em>{words(2)}</em>&nbsp;{words(20)}"
        for _ in range(paragraphs)
    )
    return (
        f"<!doctype html><html><head><title>News</title>{head}</head><body><nav>{nav}</nav>"
        f"<aside>{aside}</aside><article><div itemprop=articleBody>{body}</div></article>"
        f"<footer>{words(300)}</footer></body></html>"
    )


def selectolax_lexbor(html: str) -> list[str]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    # Text nodes joined by NUL in one call, as corrigo.domain.article reads them.
    return [
        piece
        for root in tree.css("[itemprop=articleBody]")
        for piece in root.text(deep=True, separator="\0", strip=False).split("\0")
    ]


def lxml_html(html: str) -> list[str]:
    import lxml.html

    tree = lxml.html.fromstring(html)
    return [text for root in tree.cssselect("[itemprop=articleBody]") for text in root.itertext()]


def html5_parser(html: str) -> list[str]:
    import html5_parser as parser

    tree = parser.parse(html)
    return [text for root in tree.xpath("//*[@itemprop='articleBody']") for text in root.itertext()]


CANDIDATES: dict[str, tuple[str, Callable[[str], list[str]]]] = {
    "selectolax (Lexbor, WHATWG parser)": ("selectolax", selectolax_lexbor),
    "lxml (libxml2 HTML parser, not WHATWG)": ("lxml", lxml_html),
    "html5-parser (gumbo into lxml)": ("html5_parser", html5_parser),
}


def main() -> None:
    """Print one Markdown row per parser."""
    html = news_page()
    print(f"page: {len(html.encode()) // 1024} KB")
    print("| parser | median ms |")
    print("| --- | --- |")
    for label, (module, run) in CANDIDATES.items():
        if importlib.util.find_spec(module) is None:
            print(f"| {label} | not installed |")
            continue
        try:
            run(html)
        except Exception as exc:  # e.g. html5-parser refuses an lxml of another libxml2
            print(f"| {label} | fails: {str(exc)[:80]} |")
            continue
        times = []
        for _ in range(50):
            start = time.perf_counter()
            run(html)
            times.append(time.perf_counter() - start)
        print(f"| {label} | {1000 * statistics.median(times):.2f} |")


if __name__ == "__main__":
    main()
