"""The demo news site: pages render, carry what the widget reads, and hide their misprints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from corrigo.config import load_settings
from corrigo.demo.articles import ARTICLES, Article
from corrigo.http.app import create_app
from tests.conftest import SECRET

BASE_URL = "http://demo.test"
WIDGET_TAG = '<script src="/widget.js" data-site="demo" defer></script>'
VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with attributes, and the article body's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.body_runs: list[tuple[str, frozenset[str]]] = []
        self._open: list[str] = []
        self._body_depth: int | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in VOID:
            return
        self._open.append(tag)
        if attributes.get("itemprop") == "articleBody":
            self._body_depth = len(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self._open and self._open[-1] == tag, f"</{tag}> closes <{self._open[-1:]}>"
        if self._body_depth == len(self._open):
            self._body_depth = None
        self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._body_depth is not None:
            inside = frozenset(self._open[self._body_depth :])
            self.body_runs.append((data, inside))

    @property
    def body_text(self) -> str:
        """The article body's text, whitespace folded as the widget folds it."""
        return " ".join("".join(run for run, _ in self.body_runs).split())

    def runs_inside(self, tag: str) -> list[str]:
        """Body text that sits inside an element `tag`."""
        return [run for run, inside in self.body_runs if tag in inside]

    def find(self, tag: str, **attributes: str) -> list[dict[str, str | None]]:
        """Attributes of every `tag` element that has these attribute values."""
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(key) == value for key, value in attributes.items())
        ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on an empty SQLite store: the demo pages read nothing from the database."""
    data = tmp_path_factory.mktemp("demo")
    settings = load_settings(
        data_dir=data,
        database_url=f"sqlite:///{data / 'c.db'}",
        secret_key=SECRET,
        base_url=BASE_URL,
    )
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        yield client


def _get(demo: TestClient, path: str) -> tuple[str, Page]:
    answer = demo.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text, Page(answer.text)


def _assert_shell(html: str, page: Page, lang: str) -> None:
    """What every demo page has: language, landmarks, stylesheet, CSP-safe markup, the widget."""
    assert page.find("html", lang=lang)
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark), landmark
    assert page.find("link", rel="stylesheet", href="/demo/static/demo.css")
    assert html.rstrip().endswith(WIDGET_TAG + "\n</body>\n</html>")
    assert not page.find("style")
    for tag, attrs in page.tags:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], tag
        if tag == "script":
            assert attrs.get("src"), "inline script"
        if tag == "img":
            assert attrs.get("alt") is not None, attrs


def test_index_lists_every_article(demo: TestClient) -> None:
    html, page = _get(demo, "/demo/")
    _assert_shell(html, page, "en")
    assert page.find("link", rel="canonical", href=f"{BASE_URL}/demo/")
    for article in ARTICLES:
        links = page.find("a", href=f"/demo/{article.slug}")
        assert links, article.slug
        assert article.title in html
        assert page.find("time", datetime=article.published.isoformat())
    assert page.find("article", lang="uk")


def test_pages_are_served_under_a_strict_content_security_policy(demo: TestClient) -> None:
    policy = demo.get("/demo/bridge-reopens").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_article_page_has_news_metadata(demo: TestClient, article: Article) -> None:
    html, page = _get(demo, f"/demo/{article.slug}")
    _assert_shell(html, page, article.lang)
    assert page.find("link", rel="canonical", href=f"{BASE_URL}/demo/{article.slug}")
    assert page.find("meta", name="author", content=article.author)
    assert page.find("time", datetime=article.published.isoformat())
    assert re.search(rf"<h1[^>]*>{re.escape(article.title)}</h1>", html)
    assert article.standfirst in html
    assert page.find("img", src=f"/demo/static/{article.photo.file}", alt=article.photo.alt)
    assert article.photo.credit in html
    assert len(page.find("article")) == 1
    assert page.find("div", itemprop="articleBody")
    for tag in ("h2", "blockquote", "a", "em"):
        assert page.runs_inside(tag), f"the body has no <{tag}>"


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_article_hides_its_listed_misprints(demo: TestClient, article: Article) -> None:
    _, page = _get(demo, f"/demo/{article.slug}")
    text = page.body_text
    assert 3 <= len(article.misprints) <= 5
    for misprint in article.misprints:
        # Exactly once, so a test selecting it knows which one it gets.
        assert text.count(misprint.text) == 1, misprint
        assert misprint.text != misprint.correction
    assert any(m.text in run for m in article.misprints for run in page.runs_inside("a"))
    assert any(m.text in run for m in article.misprints for run in page.runs_inside("em"))


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_article_assets_are_served(demo: TestClient, article: Article) -> None:
    _, page = _get(demo, f"/demo/{article.slug}")
    sources = [attrs["src"] for attrs in page.find("img")] + [
        attrs["href"] for attrs in page.find("link") if attrs.get("href", "").startswith("/demo/")
    ]
    for source in sources:
        assert source is not None
        answer = demo.get(source)
        assert answer.status_code == 200, source


@pytest.mark.parametrize(
    "path", ["/demo/no-such-story", "/demo/base", "/demo/article-en.html", "/demo/%2e%2e"]
)
def test_unknown_slug_is_404(demo: TestClient, path: str) -> None:
    answer = demo.get(path)
    assert answer.status_code == 404
    assert "Page not found" in answer.text
    assert 'rel="canonical"' not in answer.text
