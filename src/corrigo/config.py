"""Settings from `CORRIGO_*` environment variables, optionally a TOML file.

Every value is typed and checked when the process starts, so a bad setting
stops the server with one clear sentence instead of failing on first use.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from limits import RateLimitItem, parse_many
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from corrigo.domain.interval import parse_interval

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(Exception):
    """A setting has a value Corrigo cannot use; the message says which and why."""


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return value


def _parsed(limits: str) -> list[RateLimitItem]:
    """Limits such as ``5/minute;30/hour`` parsed; none for ``off``."""
    return [] if limits == "off" else parse_many(limits)


class Settings(BaseSettings):
    """All of Corrigo's settings. Build one with :func:`load_settings`."""

    model_config = SettingsConfigDict(env_prefix="CORRIGO_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Folder for the SQLite store and the secret key."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in data_dir when unset."
    )
    secret_key: str | None = Field(default=None, min_length=32)
    base_url: str = "http://127.0.0.1:8000"
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = Field(default_factory=list)
    # Reasoning in the README ("Rate limits"): a reader with several misprints in one
    # long article, and readers who share one address.
    rate_limit_reader: str = "10/minute;60/hour;300/day"
    rate_limit_site: str = "120/minute;2000/hour;10000/day"
    rate_limit_sign_in_pair: str = Field(
        default="5/minute;20/hour",
        description="Failed dashboard sign-ins per account from one client address.",
    )
    rate_limit_sign_in_account: str = Field(
        default="50/hour",
        description="Failed sign-ins per account from all addresses; beyond it only "
        "addresses without failures for the account may try.",
    )
    rate_limit_sign_in_address: str = Field(
        default="20/minute;200/hour", description="Dashboard sign-in attempts per client address."
    )
    rate_limit_storage: str = Field(
        default="memory://", description="limits storage URI, e.g. redis://127.0.0.1:6379"
    )
    rate_limit_storage_timeout: float = Field(
        default=0.25,
        gt=0,
        le=5,
        description="Seconds a shared rate-limit storage may take before limits count per process.",
    )
    rate_limit_storage_cooldown: float = Field(
        default=5.0, gt=0, description="Seconds limits count per process after the storage failed."
    )
    body_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a request's body may take to arrive (408 after)."
    )
    max_slow_bodies: int = Field(
        default=256, ge=1, description="Requests per process that may wait for body bytes at once."
    )
    workers_in_process: bool = True
    report_retention_days: int = Field(default=365, ge=1)

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "corrigo@localhost"
    smtp_timeout: float = Field(default=10.0, gt=0)
    telegram_api_base: str = "https://api.telegram.org"
    notify_threshold: int = Field(
        default=5, ge=2, description="Notify again when a group reaches this many readers."
    )
    notify_timeout: float = Field(
        default=10.0, gt=0, description="Seconds one webhook, Slack or Telegram call may take."
    )
    notify_max_attempts: int = Field(
        default=10, ge=1, le=100, description="Attempts per delivery before it is marked failed."
    )
    notify_retry_base: float = Field(
        default=30.0, gt=0, description="Seconds before the first retry; doubles per attempt."
    )
    notify_retry_max: float = Field(default=3600.0, gt=0, description="Longest wait between tries.")
    notify_lease: float = Field(
        default=300.0,
        gt=0,
        description="Seconds a worker owns a claimed delivery; then another worker may take it.",
    )
    notify_poll_interval: float = Field(
        default=0.25, gt=0, le=60, description="Seconds an idle notifier waits between looks."
    )
    proposal_wait: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="Seconds a notification waits for its group's proposed correction.",
    )
    notify_concurrency: int = Field(default=64, ge=1, description="Sends in flight per worker.")
    notify_channel_concurrency: int = Field(
        default=8, ge=1, description="Sends in flight per channel and worker."
    )
    verify_interval: str = Field(
        default="6h",
        description="How often open groups' pages are checked (90s, 30m, 6h, 2d), or off.",
    )
    verify_allow_private: bool = Field(
        default=False,
        description="Let the page checker fetch private and loopback addresses (intranet, demo).",
    )
    verify_poll_interval: float = Field(
        default=1.0, gt=0, le=60, description="Seconds an idle page checker waits between looks."
    )
    verify_concurrency: int = Field(default=16, ge=1, description="Pages fetched at once.")
    demo_mode: bool = Field(
        default=False,
        description="Set by `corrigo demo`: the dashboard shows the demo's mailbox.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("CORRIGO_CONFIG")
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_proxies(cls, value: Any) -> Any:
        return [ipaddress.ip_network(item, strict=False) for item in _split_list(value)]

    @field_validator(
        "rate_limit_reader",
        "rate_limit_site",
        "rate_limit_sign_in_pair",
        "rate_limit_sign_in_account",
        "rate_limit_sign_in_address",
    )
    @classmethod
    def _check_limits(cls, value: str) -> str:
        value = value.strip()
        if value.lower() == "off":
            return "off"
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(
                f"expected limits such as '5/minute;30/hour' or 'off' ({exc})"
            ) from None
        return value

    @field_validator("base_url", "telegram_api_base")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("verify_interval")
    @classmethod
    def _check_interval(cls, value: str) -> str:
        parse_interval(value)  # its ValueError says what is wrong
        return value.strip().lower()

    @field_validator("notify_lease")
    @classmethod
    def _check_lease(cls, value: float, info: ValidationInfo) -> float:
        # A delivery still being sent when its lease runs out may be sent again by
        # another worker, so the lease must outlast the slowest allowed send.
        slowest = max(info.data.get("notify_timeout", 0.0), info.data.get("smtp_timeout", 0.0))
        if value <= 2 * slowest:
            raise ValueError(f"must be more than twice the longest send timeout ({slowest:g} s)")
        return value

    @cached_property
    def reader_limits(self) -> list[RateLimitItem]:
        """Parsed per-reader limits; empty when switched off."""
        return _parsed(self.rate_limit_reader)

    @cached_property
    def site_limits(self) -> list[RateLimitItem]:
        """Parsed per-site limits; empty when switched off."""
        return _parsed(self.rate_limit_site)

    @cached_property
    def sign_in_pair_limits(self) -> list[RateLimitItem]:
        """Parsed failed-sign-in limits per account and address; empty when switched off."""
        return _parsed(self.rate_limit_sign_in_pair)

    @cached_property
    def sign_in_account_limits(self) -> list[RateLimitItem]:
        """Parsed failed-sign-in limits per account; empty when switched off."""
        return _parsed(self.rate_limit_sign_in_account)

    @cached_property
    def sign_in_address_limits(self) -> list[RateLimitItem]:
        """Parsed sign-in limits per client address; empty when switched off."""
        return _parsed(self.rate_limit_sign_in_address)

    @property
    def verify_seconds(self) -> int | None:
        """Seconds between checks of open groups' pages; None when switched off."""
        return parse_interval(self.verify_interval) or None

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one or SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'corrigo.db').resolve()}"

    @property
    def is_https(self) -> bool:
        """Whether the public address is served over TLS (for Secure cookies)."""
        return self.base_url.startswith("https://")


def make_private_dir(path: Path) -> None:
    """Create the data folder so that only its owner may enter it (store, key, password)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _persisted_secret(data_dir: Path) -> str:
    """Read the secret key kept in the data folder, creating it on first start."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    make_private_dir(data_dir)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def load_settings(**overrides: Any) -> Settings:
    """Read and validate the settings; raise :class:`ConfigError` with a readable message."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "CORRIGO_" + "_".join(str(part) for part in error["loc"][:1]).upper()
            problems.append(f"{name}: {error['msg']}")
        raise ConfigError("bad configuration: " + "; ".join(problems)) from None
    if settings.secret_key is None:
        settings.secret_key = _persisted_secret(settings.data_dir)
    if settings.resolved_database_url.startswith("sqlite"):
        make_private_dir(settings.data_dir)
    return settings
