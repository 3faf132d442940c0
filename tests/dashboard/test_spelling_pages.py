"""The Proofread page, the admin pages of a site's spelling memory, and the dictionaries list."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.sites import site_by_key
from tests.dashboard.helpers import Newsroom, sign_in


def _site_id(settings: Settings, key: str) -> int:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site_id = site_by_key(session, key).id
    engine.dispose()
    return site_id


def test_proofread_page_highlights_suspect_words(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    assert client.get("/dashboard/proofread").status_code == 200
    page = client.post(
        "/dashboard/proofread",
        data={"csrf_token": csrf, "site": "news", "text": "<p>The <b>intergration</b> is done."},
    )
    assert page.status_code == 200
    assert "1 suspect word" in page.text
    # HTML is read as the article's text; the word is marked, its suggestions in the title.
    assert (
        '<div class="proofread-text" id="proofread-text">The <mark title="integration' in page.text
    )
    pasted = client.post(
        "/dashboard/proofread",
        data={"csrf_token": csrf, "site": "news", "text": "Plain <script>x</script> intergration"},
    )
    assert "Plain &lt;script&gt;x&lt;/script&gt; <mark" in pasted.text
    refused = client.post("/dashboard/proofread", data={"csrf_token": csrf, "site": "sport"})
    assert refused.status_code == 404 and "Choose one of your sites." in refused.text
    empty = client.post("/dashboard/proofread", data={"csrf_token": csrf, "site": "news"})
    assert empty.status_code == 400 and "Paste a text" in empty.text
    inside = client.post(
        "/dashboard/proofread",
        data={"csrf_token": csrf, "site": "news", "url": "http://127.0.0.1:9/draft"},
    )
    assert inside.status_code == 400 and "could not be fetched" in inside.text
    no_csrf = client.post("/dashboard/proofread", data={"site": "news", "text": "x"})
    assert no_csrf.status_code == 403


def test_admins_edit_the_memory_and_move_it_as_csv(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    site_id = _site_id(settings, "news")
    address = f"/dashboard/admin/sites/{site_id}/lexicon"

    def post(**fields: str) -> str:
        answer = client.post(address, data={"csrf_token": csrf, **fields})
        assert answer.status_code == 200, answer.text
        return answer.text

    post(action="add-fix", misspelling="Intergration", correction="integration")
    page = post(action="add-word", word="Corrigo")
    assert "intergration" in page and "corrigo" in page
    fix_id = re.search(r'name="id" value="(\d+)">\s*<label', page)
    assert fix_id is not None
    post(action="edit-fix", id=fix_id.group(1), correction="integrations")
    csv = client.get(f"{address}.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1:] == [
        "correction,intergration,integrations,1",
        "word,corrigo,,1",
    ]
    imported = client.post(
        address,
        data={"csrf_token": csrf, "action": "import"},
        files={"file": ("memory.csv", b"correction,teh,the,3\nword,kyiv,,1\n", "text/csv")},
    )
    assert imported.status_code == 200 and "teh" in imported.text
    bad = client.post(
        address,
        data={"csrf_token": csrf, "action": "import"},
        files={"file": ("bad.csv", b"nonsense\n", "text/csv")},
    )
    assert bad.status_code == 400 and "line 1" in bad.text
    post(action="remove-fix", id=fix_id.group(1))
    assert "integrations" not in client.get(address).text
    assert (
        client.post(
            address, data={"csrf_token": csrf, "action": "remove-fix", "id": "999999"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            address, data={"csrf_token": csrf, "action": "add-fix", "misspelling": "x"}
        ).status_code
        == 400
    )
    editor = app_client()
    sign_in(editor, newsroom.editors["news"])
    assert editor.get(address).status_code == 404
    assert client.get("/dashboard/admin/sites/999999/lexicon").status_code == 404


def test_the_sites_page_lists_the_dictionaries(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.admin)
    page = client.get("/dashboard/admin/sites").text
    assert 'id="dictionaries"' in page
    for name in (
        "en_US",
        "en_GB",
        "uk_UA",
        "ru_RU",
        "de_DE",
        "fr_FR",
        "es_ES",
        "pl_PL",
        "it_IT",
        "pt_PT",
        "pt_BR",
    ):
        assert f"<code>{name}</code>" in page
