"""Reading what the channels produced: which tags and links a piece of HTML really has."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Markup(HTMLParser):
    """Collects start tags, link targets and the decoded text of an HTML fragment."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.attributes: set[str] = set()
        self.parts: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        """The visible text, entities decoded."""
        return "".join(self.parts)


# Every tag Corrigo's own markup uses; reader text must add none.
EMAIL_TAGS = frozenset(
    {"html", "head", "meta", "title", "body", "p", "a", "blockquote", "mark", "strong"}
)
TELEGRAM_TAGS = frozenset({"b", "u", "i", "a", "blockquote"})
SLACK_ANGLE = re.compile(r"<([^>]*)>")


def slack_unescape(text: str) -> str:
    """Undo Slack's three escapes (after links were taken out)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_links(text: str) -> list[tuple[str, str]]:
    """Every ``<target|label>`` in a mrkdwn text, as (target, label)."""
    links = []
    for inner in SLACK_ANGLE.findall(text):
        target, _, label = inner.partition("|")
        links.append((target, label))
    return links
