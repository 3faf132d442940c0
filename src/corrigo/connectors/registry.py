"""Building a site's connector from its stored configuration."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from corrigo.config import Settings
from corrigo.connectors.base import Connector, ConnectorError
from corrigo.connectors.demo import DemoConnector
from corrigo.connectors.git import GitConnector
from corrigo.connectors.webhook import WebhookConnector
from corrigo.connectors.wordpress import WordPressConnector
from corrigo.demo.library import DemoLibrary
from corrigo.secretbox import SecretBox
from corrigo.store.connectors import ConnectorConfig


def secret_box(settings: Settings) -> SecretBox:
    """The box that seals connector secrets under this server's secret key."""
    assert settings.secret_key is not None  # load_settings always sets one
    return SecretBox(settings.secret_key)


def connector_options(
    kind: str,
    *,
    url: str = "",
    user: str = "",
    branch: str = "main",
    pattern: str = "{path}.md",
    mapping: dict[str, str] | None = None,
    review_branches: bool = False,
) -> dict[str, Any]:
    """The stored options of a connector of `kind` (what may be shown; never a secret).

    For Git, `url` is the repository (a local path is made absolute).
    """
    if kind == "wordpress":
        if not url or not user:
            raise ConnectorError("config", "WordPress needs its address and a user name.")
        return {"url": url.rstrip("/"), "user": user}
    if kind == "git":
        if not url:
            raise ConnectorError("config", "Git needs the repository's path or URL.")
        local = Path(url)
        return {
            "repo": str(local.resolve()) if local.exists() else url,
            "branch": branch or "main",
            "path": pattern or "{path}.md",
            "map": dict(mapping or {}),
            "review_branches": review_branches,
        }
    if kind == "webhook":
        if not url:
            raise ConnectorError("config", "The fix webhook needs its URL.")
        return {"url": url}
    if kind == "demo":
        return {}
    raise ConnectorError("config", f"Unknown connector kind {kind!r}.")


def try_connector(config: ConnectorConfig, settings: Settings) -> str:
    """Build the connector and make its test call; what answered, or ConnectorError."""
    return build_connector(config, settings).check()


def build_connector(config: ConnectorConfig, settings: Settings) -> Connector:
    """The connector a stored configuration describes."""
    options = config.options
    if config.kind == "demo":
        return DemoConnector(DemoLibrary.in_data_dir(settings.data_dir))
    if config.kind == "wordpress":
        return WordPressConnector(str(options["url"]), str(options["user"]), config.secret)
    if config.kind == "webhook":
        return WebhookConnector(str(options["url"]), config.secret)
    if config.kind == "git":
        repo = str(options["repo"])
        # One mirror per site and repository, named by a digest (keys may hold any character).
        name = hashlib.sha256(f"{config.site_key}\n{repo}".encode()).hexdigest()[:24]
        return GitConnector(
            repo,
            str(options.get("branch", "main")),
            str(options.get("path", "{path}.md")),
            settings.data_dir / "git" / f"{name}.git",
            mapping={str(k): str(v) for k, v in dict(options.get("map", {})).items()},
            review_branches=bool(options.get("review_branches", False)),
            token=config.secret,
        )
    raise ConnectorError("config", f"Unknown connector kind {config.kind!r}.")
