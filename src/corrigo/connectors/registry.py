"""Building a site's connector from its stored configuration."""

from __future__ import annotations

from corrigo.config import Settings
from corrigo.connectors.base import Connector, ConnectorError
from corrigo.connectors.demo import DemoConnector
from corrigo.demo.library import DemoLibrary
from corrigo.secretbox import SecretBox
from corrigo.store.connectors import ConnectorConfig


def secret_box(settings: Settings) -> SecretBox:
    """The box that seals connector secrets under this server's secret key."""
    assert settings.secret_key is not None  # load_settings always sets one
    return SecretBox(settings.secret_key)


def build_connector(config: ConnectorConfig, settings: Settings) -> Connector:
    """The connector a stored configuration describes."""
    if config.kind == "demo":
        return DemoConnector(DemoLibrary.in_data_dir(settings.data_dir))
    raise ConnectorError("config", f"Unknown connector kind {config.kind!r}.")
