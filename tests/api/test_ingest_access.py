"""CORS, rate limits, trusted proxies and privacy of the ingest."""

import re
import time
from collections.abc import Callable

import pytest
import redis
from sqlalchemy import text
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.http.app import create_app
from corrigo.store.db import make_engine
from tests.api.helpers import Report, count, post, report


def test_preflight_for_an_allowed_origin(client: TestClient, news_site: str) -> None:
    answer = client.options(
        "/api/v1/reports",
        headers={
            "origin": "https://news.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "https://news.example"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-headers"] == "content-type"


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://news.example.evil"])
def test_preflight_for_other_origins_is_refused(
    client: TestClient, news_site: str, origin: str
) -> None:
    answer = client.options(
        "/api/v1/reports", headers={"origin": origin, "access-control-request-method": "POST"}
    )
    assert answer.status_code == 403
    assert "access-control-allow-origin" not in answer.headers


def test_post_from_an_allowed_origin_gets_cors_headers(client: TestClient, news_site: str) -> None:
    answer = post(client, report())
    assert answer.headers["access-control-allow-origin"] == "https://news.example"
    assert "Origin" in answer.headers["vary"]


def test_post_from_another_origin_is_refused(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    answer = post(client, report(), origin="https://evil.example")
    assert answer.status_code == 403
    assert answer.json()["error"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in answer.headers
    assert count(settings, Report) == 0


def test_an_origin_of_one_site_cannot_post_for_another(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    from corrigo.store.admin import create_site
    from corrigo.store.db import make_sessionmaker

    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Other", ["https://other.example"], public_key="other-key")
        session.commit()
    engine.dispose()
    answer = post(client, report(), origin="https://other.example")
    assert answer.status_code == 403


def test_reader_limit_answers_429_with_retry_after(make_client, news_site: str) -> None:
    client = make_client(rate_limit_reader="2/minute")
    assert [post(client, report()).status_code for _ in range(2)] == [202, 202]
    refused = post(client, report())
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    body = refused.json()
    assert body["error"] == "rate_limited"
    assert body["retry_after"] == int(refused.headers["retry-after"])
    # The sentence says when, in words, not "later".
    assert re.fullmatch(
        r"You have sent too many reports; please try again in \d+ seconds?\.", body["message"]
    )
    assert refused.headers["access-control-allow-origin"] == "https://news.example"


def test_site_limit_says_when_in_hours(make_client, news_site: str) -> None:
    client = make_client(rate_limit_site="1/day")
    assert post(client, report()).status_code == 202
    refused = post(client, report()).json()
    assert (
        refused["message"] == "This site has sent too many reports; please try again in 24 hours."
    )


def test_site_limit(make_client, news_site: str) -> None:
    client = make_client(rate_limit_site="3/hour")
    codes = [post(client, report()).status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]


def _client_from(settings: Settings, peer: str) -> TestClient:
    return TestClient(create_app(settings), client=(peer, 40000))


def test_forwarded_for_is_ignored_from_untrusted_peers(
    make_settings: Callable[..., Settings], news_site: str
) -> None:
    settings = make_settings(rate_limit_reader="2/minute", trusted_proxies="10.0.0.1")
    with _client_from(settings, "203.0.113.9") as client:
        codes = [
            post(client, report(), headers={"x-forwarded-for": f"198.51.100.{i}"}).status_code
            for i in range(3)
        ]
    assert codes == [202, 202, 429]


def test_forwarded_for_is_used_behind_a_trusted_proxy(
    make_settings: Callable[..., Settings], news_site: str
) -> None:
    settings = make_settings(rate_limit_reader="2/minute", trusted_proxies="10.0.0.0/8")
    with _client_from(settings, "10.0.0.1") as client:
        flood = [
            post(client, report(), headers={"x-forwarded-for": "198.51.100.7"}).status_code
            for _ in range(3)
        ]
        # Another reader behind the same proxy is not hurt by the first one's flood.
        other = post(client, report(), headers={"x-forwarded-for": "198.51.100.8"}).status_code
        # A reader cannot pick an address by prepending to the header: the proxy appends.
        spoof = post(
            client, report(), headers={"x-forwarded-for": "1.2.3.4, 198.51.100.7"}
        ).status_code
    assert flood == [202, 202, 429]
    assert other == 202
    assert spoof == 429


def test_raw_addresses_are_never_stored(
    make_settings: Callable[..., Settings], news_site: str
) -> None:
    settings = make_settings(trusted_proxies="10.0.0.0/8")
    with _client_from(settings, "10.0.0.1") as client:
        post(client, report(), headers={"x-forwarded-for": "198.51.100.77"})
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT * FROM reports")).all()
    engine.dispose()
    assert stored
    assert "198.51.100.77" not in repr(stored)
    assert "10.0.0.1" not in repr(stored)


def test_rate_limits_are_shared_through_redis(
    make_settings: Callable[..., Settings], news_site: str
) -> None:
    """Several server processes share counts when the limiter stores them in Redis."""
    settings = make_settings(
        rate_limit_reader="off",
        rate_limit_site="3/minute",
        rate_limit_storage="redis://127.0.0.1:6379",
        # This test is about sharing counts, not about a slow Redis: on a loaded machine the
        # default 0.25 s could open the breaker and fall back to per-process counts.
        rate_limit_storage_timeout=5,
    )
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        redis.Redis.from_url("redis://127.0.0.1:6379").flushdb()
        codes = [post(client, report()).status_code for client in (first, second, first, second)]
    assert codes == [202, 202, 202, 429]


def test_an_expired_site_entry_answers_while_one_lookup_refreshes_it(
    client: TestClient, news_site: str
) -> None:
    assert post(client, report()).status_code == 202
    cache = client.app.state.corrigo.site_cache  # type: ignore[attr-defined]
    site = cache.peek(news_site)[2]
    lookups: list[str] = []
    get = cache.get

    def counted(key: str) -> object:
        lookups.append(key)
        return get(key)

    cache.get = counted
    cache._entries[news_site] = (0.0, site)  # expired
    assert post(client, report()).status_code == 202
    # The expired entry answered; one lookup refreshes it in the background.
    deadline = time.monotonic() + 10
    while cache.peek(news_site)[1] is False and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.peek(news_site)[:2] == (True, True)
    assert post(client, report("the the")).status_code == 202
    assert lookups == [news_site]
