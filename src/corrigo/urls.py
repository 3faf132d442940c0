"""Absolute links to Corrigo's own pages, built in one place (like Datasette's ``Urls``).

Notifications, digests and the command line link to the dashboard; they ask
this builder instead of gluing paths to the base URL themselves, so a page
that moves changes here only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Urls:
    """Links under one public base URL (``settings.base_url``, without a trailing slash)."""

    base_url: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def dashboard(self) -> str:
        """The dashboard's inbox."""
        return f"{self.base_url}/dashboard/"

    def group(self, group_id: int) -> str:
        """One misprint group's page in the dashboard."""
        return f"{self.base_url}/dashboard/groups/{group_id}"

    def demo(self, slug: str = "") -> str:
        """The demo news site's front page, or one of its articles."""
        return f"{self.base_url}/demo/{slug}"
