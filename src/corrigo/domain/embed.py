"""The tag a site puts in its article pages to load the widget."""

from __future__ import annotations

from html import escape


def embed_snippet(base_url: str, site_key: str, article_selector: str | None = None) -> str:
    """The ``<script>`` tag for a site; with the site's article selector as ``data-article``.

    The widget reads the article from that element, and so does the page checker:
    the site's setting reaches both through this one tag.
    """
    article = f' data-article="{escape(article_selector)}"' if article_selector else ""
    return (
        f'<script src="{escape(base_url)}/widget.js" data-site="{escape(site_key)}"'
        f"{article} defer></script>"
    )
