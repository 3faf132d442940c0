"""The WordPress connector: posts and pages through WordPress's own REST API.

No plugin is needed on the WordPress side: an application password (WordPress
5.6+, Users → Profile) authenticates Basic-auth calls. The article is found by
the slug of its URL (``?p=ID`` and ``?page_id=ID`` addresses by their id),
among posts and then pages, and accepted only when WordPress's own ``link`` for
it is the group's URL. Its ``content.raw`` is the source; its version is the
``modified_gmt`` time with a digest of the content, so an edit within the same
second is noticed too. WordPress keeps the old text as a revision.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import msgspec

from corrigo.connectors.base import ConnectorError, Fix, Source, SourceConnector, Written
from corrigo.connectors.http import make_client, request
from corrigo.domain.url import normalize_url
from corrigo.net.fetch import TIMEOUT

TYPES = ("posts", "pages")


def _same_page(a: str, b: str) -> bool:
    try:
        return normalize_url(a).rstrip("/") == normalize_url(b).rstrip("/")
    except ValueError:
        return False


def version_of(item: dict[str, Any]) -> str:
    """The post's modified time and a digest of its raw content."""
    raw = str(item.get("content", {}).get("raw", ""))
    return f"{item.get('modified_gmt', '')}/{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


class WordPressConnector(SourceConnector):
    """Reads and updates posts and pages of one WordPress site."""

    kind: ClassVar[str] = "wordpress"

    def __init__(self, url: str, user: str, password: str, timeout: float = TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self._auth = httpx.BasicAuth(user, password)
        self._timeout = timeout

    def _call(
        self, client: httpx.Client, method: str, route: str, body: Any = None, **params: str
    ) -> Any:
        """One REST call (``?rest_route=`` works with and without pretty permalinks)."""
        query = {"rest_route": route, **params}
        kwargs: dict[str, Any] = {"params": query, "auth": self._auth}
        if body is not None:
            kwargs["json"] = body
        status, answer = request(client, method, self.url + "/", **kwargs)
        if status in (401, 403):
            raise ConnectorError(
                "credentials", "WordPress refused the user name or application password."
            )
        if status == 404:
            raise ConnectorError("not_found", "WordPress has no such post or page.")
        if not 200 <= status < 300:
            raise ConnectorError("refused", f"WordPress answered HTTP {status}.")
        try:
            return msgspec.json.decode(answer)
        except msgspec.DecodeError:
            raise ConnectorError("refused", "WordPress's answer is not JSON.") from None

    def check(self) -> str:
        """Ask who the application password belongs to."""
        with make_client(self._timeout) as client:
            me = self._call(client, "GET", "/wp/v2/users/me", context="edit")
        if not isinstance(me, dict):
            raise ConnectorError("refused", "WordPress's answer is not a user.")
        return f"WordPress user {me.get('slug', '?')} at {self.url}"

    def _candidates(self, client: httpx.Client, url: str) -> list[tuple[str, dict[str, Any]]]:
        query = parse_qs(urlsplit(url).query)
        for name, kind in (("p", "posts"), ("page_id", "pages")):
            if query.get(name, [""])[0].isdigit():
                item = self._call(client, "GET", f"/wp/v2/{kind}/{query[name][0]}", context="edit")
                return [(kind, item)] if isinstance(item, dict) else []
        segments = [part for part in unquote(urlsplit(url).path).split("/") if part]
        if not segments:
            return []
        found: list[tuple[str, dict[str, Any]]] = []
        for kind in TYPES:
            items = self._call(client, "GET", f"/wp/v2/{kind}", slug=segments[-1], context="edit")
            found += [(kind, item) for item in items if isinstance(item, dict)]
        return found

    def _read(self, client: httpx.Client, url: str) -> Source:
        matches = [
            (kind, item)
            for kind, item in self._candidates(client, url)
            if _same_page(str(item.get("link", "")), url)
        ]
        if not matches:
            raise ConnectorError("not_found", "No WordPress post or page has this address.")
        kind, item = matches[0]
        raw = item.get("content", {}).get("raw")
        if not isinstance(raw, str):
            raise ConnectorError("credentials", "This user may not edit the post.")
        return Source(raw, "html", version_of(item), f"{kind}/{item['id']}", str(item["link"]))

    def find(self, url: str) -> Source:
        """The post or page published at `url`, with its raw content."""
        with make_client(self._timeout) as client:
            return self._read(client, url)

    def write(self, source: Source, new_text: str, fix: Fix) -> Written:
        """Update the content if the post is still the version that was read."""
        with make_client(self._timeout) as client:
            current = self._call(client, "GET", f"/wp/v2/{source.ref}", context="edit")
            if version_of(current) != source.version:
                raise ConnectorError("changed", "The post changed since it was read.")
            saved = self._call(client, "POST", f"/wp/v2/{source.ref}", {"content": new_text})
            revisions = self._call(
                client, "GET", f"/wp/v2/{source.ref}/revisions", per_page="1", context="edit"
            )
        post_id = source.ref.split("/")[1]
        revision = f"post {post_id} modified {saved.get('modified_gmt', '')}"
        location = f"{self.url}/wp-admin/post.php?post={post_id}&action=edit"
        if revisions and isinstance(revisions, list) and isinstance(revisions[0], dict):
            revision += f", revision {revisions[0].get('id')}"
            location = f"{self.url}/wp-admin/revision.php?revision={revisions[0].get('id')}"
        return Written(revision, location)
