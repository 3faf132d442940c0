"""Proposals computed by the worker and shown in the API and the dashboard; the site's memory
growing from decisions, one site's memory never reaching another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.domain.proposal import NOT_A_SPELLING_ERROR
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.lexicon import accepted_words, corrections
from corrigo.store.sites import site_by_key
from corrigo.workers.proposer import Proposer
from tests.dashboard.helpers import Newsroom, ingest, sign_in
from tests.workers.receivers import wait_until


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def propose_all(settings: Settings) -> None:
    """Run the proposer until no group is due."""
    engine = make_engine(settings.resolved_database_url)
    try:
        Proposer(engine).drain()
    finally:
        engine.dispose()


def group(client: TestClient, token: str, group_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/groups/{group_id}", headers=_bearer(token))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_dictionary_proposal_and_hint_in_the_api(
    newsroom: Newsroom, settings: Settings, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    misprint, doubled = newsroom.groups["news"][0], newsroom.groups["news"][1]
    assert group(client, admin_token, misprint)["proposal"] is None  # not computed yet
    propose_all(settings)
    body = group(client, admin_token, misprint)
    assert body["proposal"] == {"text": "integration", "source": "dictionary", "readers": 0}
    assert body["dictionary"]["lang"] == "en_US"
    assert body["dictionary"]["unknown"] == ["intergration"]
    assert body["dictionary"]["suggestions"]["intergration"][0] == "integration"
    assert body["hint"] is None
    # "the the": every word is known, so the hint says it may not be spelling; the word
    # typed twice is still proposed once.
    body = group(client, admin_token, doubled)
    assert body["proposal"] == {"text": "the", "source": "dictionary", "readers": 0}
    assert body["dictionary"]["unknown"] == [] and body["hint"] == NOT_A_SPELLING_ERROR
    items = client.get("/api/v1/groups", headers=_bearer(admin_token)).json()["items"]
    listed = {item["id"]: item for item in items}
    assert listed[misprint]["proposal"]["text"] == "integration"


def test_a_new_suggestion_makes_the_proposal_the_readers(
    newsroom: Newsroom, settings: Settings, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    misprint = newsroom.groups["news"][0]
    propose_all(settings)
    ingest(client, "news", "intergration", suggestion="integrations")
    propose_all(settings)
    body = group(client, admin_token, misprint)
    assert body["proposal"] == {"text": "integrations", "source": "readers", "readers": 1}


def test_memory_grows_from_decisions_and_stays_on_its_site(
    newsroom: Newsroom, settings: Settings, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    news_misprint, _doubled, news_council = newsroom.groups["news"]
    propose_all(settings)
    ingest(client, "news", "intergration", suggestion="integration-test")
    propose_all(settings)
    for group_id, action in ((news_misprint, "fixed"), (news_council, "reject")):
        answer = client.post(
            f"/api/v1/groups/{group_id}/actions",
            json={"action": action},
            headers=_bearer(admin_token),
        )
        assert answer.status_code == 200, answer.text
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        news = site_by_key(session, "news")
        sport = site_by_key(session, "sport")
        assert news is not None and sport is not None
        assert [(c.misspelling, c.correction, c.count) for c in corrections(session, news.id)] == [
            ("intergration", "integration-test", 1)
        ]
        assert [w.word for w in accepted_words(session, news.id)] == ["counsil"]
        assert corrections(session, sport.id) == [] and accepted_words(session, sport.id) == []
    engine.dispose()
    # The same misprints on other pages: the news site remembers, the sport site does not.
    news_again = ingest(client, "news", "intergration", path="/2025/other")
    sport_again = ingest(client, "sport", "intergration", path="/2025/other")
    news_name = ingest(client, "news", "counsil", path="/2025/other")
    sport_name = ingest(client, "sport", "counsil", path="/2025/other")
    propose_all(settings)
    assert group(client, admin_token, news_again)["proposal"] == {
        "text": "integration-test",
        "source": "site",
        "readers": 0,
    }
    assert group(client, admin_token, sport_again)["proposal"]["source"] == "dictionary"
    assert group(client, admin_token, news_name)["dictionary"]["unknown"] == []
    assert group(client, admin_token, sport_name)["dictionary"]["unknown"] == ["counsil"]


def test_group_page_and_inbox_show_the_proposal(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    misprint, doubled = newsroom.groups["news"][0], newsroom.groups["news"][1]
    page = client.get(f"/dashboard/groups/{misprint}").text
    assert 'id="proposal-pending"' in page
    propose_all(settings)
    page = client.get(f"/dashboard/groups/{misprint}").text
    assert "<ins>integration</ins>" in page and "from the dictionary" in page
    assert 'id="dictionary"' in page
    assert 'id="proposal-hint"' in client.get(f"/dashboard/groups/{doubled}").text
    inbox = client.get("/dashboard/").text
    assert "→ integration" in inbox


def test_no_dictionary_for_the_language(
    newsroom: Newsroom, settings: Settings, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    group_id = ingest(client, "news", "誤植です", lang="ja", path="/ja")
    propose_all(settings)
    body = group(client, admin_token, group_id)
    assert body["proposal"] is None and body["dictionary"] is None and body["hint"] is None
    page_client = app_client()
    sign_in(page_client, newsroom.admin)
    page = page_client.get(f"/dashboard/groups/{group_id}").text
    assert "No dictionary is installed for this language." in page


def test_the_export_carries_the_proposal(
    newsroom: Newsroom, settings: Settings, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    propose_all(settings)
    rows = client.get(
        "/api/v1/export?what=groups&format=json&site=news", headers=_bearer(admin_token)
    ).json()
    by_quote = {row["exact"]: row for row in rows}
    assert by_quote["intergration"]["proposal"] == "integration"
    assert by_quote["intergration"]["proposal_source"] == "dictionary"
    assert by_quote["the the"]["proposal"] == "the"
    assert by_quote["counsil"]["proposal_source"] == "dictionary"


def test_the_server_s_own_workers_compute_proposals(
    newsroom: Newsroom, admin_token: str, make_client: Callable[..., TestClient]
) -> None:
    client = make_client()  # workers in the server's process, as `corrigo serve` runs them
    group_id = ingest(client, "news", "recieved", path="/2025/served")

    def proposed() -> bool:
        return group(client, admin_token, group_id)["proposal"] is not None

    wait_until(proposed, 60, "the in-process proposer")
    assert group(client, admin_token, group_id)["proposal"]["text"] == "received"
