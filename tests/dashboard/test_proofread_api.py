"""POST /api/v1/proofread: suspect words of a draft, the site's memory, limits and refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.lexicon import learn_fix
from corrigo.store.sites import site_by_key
from tests.dashboard.helpers import Newsroom, sign_in

BLNS = json.loads((Path(__file__).parents[1] / "data" / "blns.json").read_text("utf-8"))
DRAFT = "The intergration went well. Then the counsil met."


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture
def api(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> TestClient:
    return app_client()


def test_text_issues_with_positions_sentences_and_reasons(
    api: TestClient, admin_token: str
) -> None:
    answer = api.post(
        "/api/v1/proofread", json={"site": "news", "text": DRAFT}, headers=_bearer(admin_token)
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["lang"] == "en" and body["dictionary"] == "en_US"
    words = [issue["word"] for issue in body["issues"]]
    assert words == ["intergration", "counsil"]
    first = body["issues"][0]
    assert DRAFT[first["start"] : first["end"]] == "intergration"
    assert first["sentence"] == "The intergration went well."
    assert first["suggestions"][0] == "integration" and first["reason"] == "dictionary"


def test_html_is_read_like_the_widget_reads_the_article(api: TestClient, admin_token: str) -> None:
    html = (
        "<html><body><nav>Menu wrods</nav><article><h1>Budget</h1>"
        "<p>The <b>intergration</b> went well.</p><script>var teh = 1;</script></article>"
    )
    body = api.post(
        "/api/v1/proofread",
        json={"site": "news", "html": html, "lang": "en-GB"},
        headers=_bearer(admin_token),
    ).json()
    assert body["dictionary"] == "en_GB"
    assert [issue["word"] for issue in body["issues"]] == ["intergration"]


def test_the_site_memory_gives_the_reason_and_the_correction(
    api: TestClient, settings: Settings, admin_token: str
) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        news = site_by_key(session, "news")
        for _ in range(4):
            learn_fix(session, news.id, "counsil", "council", datetime.now(UTC))
        session.commit()
    engine.dispose()
    issues = api.post(
        "/api/v1/proofread", json={"site": "news", "text": DRAFT}, headers=_bearer(admin_token)
    ).json()["issues"]
    assert issues[1]["reason"] == 'site: readers reported this 4 times, fixed as "council"'
    assert issues[1]["suggestions"][0] == "council"
    # Another site's memory is not this one's.
    other = api.post(
        "/api/v1/proofread", json={"site": "sport", "text": DRAFT}, headers=_bearer(admin_token)
    ).json()["issues"]
    assert other[1]["reason"] == "dictionary"


def test_refusals_are_json(api: TestClient, admin_token: str, newsroom: Newsroom) -> None:
    auth = _bearer(admin_token)

    def post(body: object, **extra: object) -> tuple[int, dict[str, object]]:
        answer = api.post("/api/v1/proofread", headers=auth, **extra, json=body)  # type: ignore[arg-type]
        return answer.status_code, answer.json()

    assert post({"site": "news"})[0] == 422
    assert post({"site": "news", "text": "a", "html": "<p>a</p>"})[0] == 422
    assert post({"site": "news", "text": "a", "extra": 1})[0] == 422
    assert post({"site": "nope", "text": "a"}) == (
        404,
        {"error": "not_found", "message": "No such site.", "field": "site"},
    )
    for broken in (b"{not json", b'{"site": "news", "text": "\xff\xc3("}'):
        bad = api.post("/api/v1/proofread", headers=auth, content=broken)
        assert bad.status_code == 400 and bad.json()["error"] == "malformed_json"
    huge = "word " * (1024 * 1024 // 5 + 10)
    big = api.post("/api/v1/proofread", headers=auth, json={"site": "news", "text": huge})
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    assert api.post("/api/v1/proofread", json={"site": "news", "text": "a"}).status_code == 401


def test_an_editor_proofreads_only_for_their_sites(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["sport"])
    refused = client.post(
        "/api/v1/proofread",
        json={"site": "news", "text": DRAFT},
        headers={"x-csrf-token": csrf},
    )
    assert refused.status_code == 404
    assert (
        client.post("/api/v1/proofread", json={"site": "sport", "text": DRAFT}).status_code == 403
    )
    allowed = client.post(
        "/api/v1/proofread", json={"site": "sport", "text": DRAFT}, headers={"x-csrf-token": csrf}
    )
    assert allowed.status_code == 200


def test_naughty_strings_never_break_it(api: TestClient, admin_token: str) -> None:
    auth = _bearer(admin_token)
    for lang in ("en", "uk"):
        body = {"site": "news", "lang": lang, "text": "\n".join(BLNS)}
        answer = api.post("/api/v1/proofread", headers=auth, json=body)
        assert answer.status_code == 200, answer.text
        text = "\n".join(BLNS)
        for issue in answer.json()["issues"]:
            assert text[issue["start"] : issue["end"]] == issue["word"]
    for index in range(0, len(BLNS), 25):
        chunk = BLNS[index : index + 25]
        for key in ("text", "html"):
            answer = api.post(
                "/api/v1/proofread",
                headers=auth,
                json={"site": "news", key: "\n".join(chunk), "lang": chunk[0][:35]},
            )
            assert answer.status_code < 500, (chunk, answer.text)
