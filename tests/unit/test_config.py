import asyncio
from pathlib import Path

import pytest

from corrigo.config import ConfigError, load_settings
from corrigo.http.ratelimit import Limiter, Refusal


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("CORRIGO_"):
            monkeypatch.delenv(name)


def test_defaults_and_generated_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "d"))
    settings = load_settings()
    assert (
        settings.resolved_database_url == f"sqlite:///{(tmp_path / 'd' / 'corrigo.db').resolve()}"
    )
    assert settings.secret_key and len(settings.secret_key) >= 32
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o777 == 0o600
    # The secret survives a restart.
    assert load_settings().secret_key == settings.secret_key
    assert [str(item) for item in settings.reader_limits] == [
        "10 per 1 minute",
        "60 per 1 hour",
        "300 per 1 day",
    ]


def test_values_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CORRIGO_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")
    monkeypatch.setenv("CORRIGO_RATE_LIMIT_READER", "off")
    monkeypatch.setenv("CORRIGO_BASE_URL", "https://corrigo.example/")
    monkeypatch.setenv("CORRIGO_DATABASE_URL", "postgresql+psycopg://u@db/corrigo")
    settings = load_settings()
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.0/8", "192.168.1.1/32"]
    assert settings.reader_limits == []
    assert settings.base_url == "https://corrigo.example"
    assert settings.is_https
    assert settings.resolved_database_url == "postgresql+psycopg://u@db/corrigo"


def test_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "corrigo.toml"
    config.write_text(f'data_dir = "{tmp_path}"\nrate_limit_site = "10/minute"\n')
    monkeypatch.setenv("CORRIGO_CONFIG", str(config))
    monkeypatch.setenv("CORRIGO_RATE_LIMIT_READER", "1/second")
    settings = load_settings()
    assert settings.rate_limit_site == "10/minute"
    assert settings.rate_limit_reader == "1/second"  # the environment wins over the file


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("CORRIGO_RATE_LIMIT_READER", "lots", "CORRIGO_RATE_LIMIT_READER"),
        ("CORRIGO_TRUSTED_PROXIES", "not-an-ip", "CORRIGO_TRUSTED_PROXIES"),
        ("CORRIGO_BASE_URL", "corrigo.example", "http"),
        ("CORRIGO_SMTP_PORT", "70000", "CORRIGO_SMTP_PORT"),
        ("CORRIGO_SMTP_SECURITY", "ssl", "CORRIGO_SMTP_SECURITY"),
        ("CORRIGO_SECRET_KEY", "short", "CORRIGO_SECRET_KEY"),
    ],
)
def test_bad_values_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert words in str(error.value)
    assert str(error.value).startswith("bad configuration: ")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "in 1 second"),
        (1, "in 1 second"),
        (59, "in 59 seconds"),
        (89, "in 89 seconds"),
        (90, "in 2 minutes"),
        (3599, "in 60 minutes"),
        (5399, "in 90 minutes"),
        (5400, "in 2 hours"),
        (86400, "in 24 hours"),
    ],
)
def test_refusals_say_when_in_words(seconds: int, words: str) -> None:
    assert Refusal("reader", "5/minute", seconds).in_words == words


def test_default_reader_limit_lets_a_proofreader_through(tmp_path: Path) -> None:
    """Ten reports in a minute from one reader pass (a long article's misprints); the
    eleventh waits, and a day allows three hundred (readers sharing one address)."""
    settings = load_settings(data_dir=tmp_path, secret_key="x" * 32)
    limiter = Limiter("memory://")

    async def eleven() -> list[Refusal | None]:
        return [await limiter.hit("reader", "r", settings.reader_limits) for _ in range(11)]

    *first, refusal = asyncio.run(eleven())
    assert first == [None] * 10
    assert refusal is not None and refusal.limit.startswith("10 per 1 minute")
    assert max(item.amount for item in settings.reader_limits) == 300
