"""The editors' JSON API: inbox, group, decisions, for tokens and for sessions."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.store.models import ErrorGroup, GroupEvent, OutboxEvent
from tests.dashboard.helpers import Newsroom, ingest, sign_in


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_inbox_needs_a_token_or_a_session(client: TestClient) -> None:
    assert client.get("/api/v1/groups").status_code == 401
    assert client.get("/api/v1/groups", headers=_bearer("cgo_nope")).status_code == 401
    assert client.get("/api/v1/groups", headers={"authorization": "Basic x"}).status_code == 401


def test_inbox_lists_open_first_then_most_reported(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    popular = ingest(client, "news", "the the")  # the second reader of that group
    api = client.get("/api/v1/groups", headers=_bearer(admin_token), params={"site": "news"})
    items = api.json()["items"]
    assert items[0]["id"] == popular and items[0]["report_count"] == 2
    assert [item["status"] for item in items] == ["open"] * 3
    # A decided group drops behind every open one.
    client.post(
        f"/api/v1/groups/{popular}/actions", json={"action": "fixed"}, headers=_bearer(admin_token)
    )
    items = client.get(
        "/api/v1/groups", headers=_bearer(admin_token), params={"site": "news"}
    ).json()["items"]
    assert [item["status"] for item in items] == ["open", "open", "fixed"]
    assert items[-1]["id"] == popular


def test_keyset_pagination_walks_every_group_once(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    for n in range(7):
        ingest(client, "news", f"misprint number {n}", path=f"/page-{n}")
    client.post(
        "/api/v1/groups/actions",
        json={"ids": newsroom.groups["news"][:2], "action": "reject"},
        headers=_bearer(admin_token),
    )
    seen: list[int] = []
    statuses: list[str] = []
    after = ""
    while True:
        page = client.get(
            "/api/v1/groups", headers=_bearer(admin_token), params={"limit": 3, "after": after}
        ).json()
        seen += [item["id"] for item in page["items"]]
        statuses += [item["status"] for item in page["items"]]
        if page["next"] is None:
            break
        after = page["next"]
    assert len(seen) == len(set(seen)) == 5 + 7
    assert statuses == ["open"] * 10 + ["rejected"] * 2


def test_filters(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    ukrainian = ingest(
        client, "news", "помилка", path="/uk/novyny", lang="uk", comment="Тут друкарська помилка"
    )
    commented = ingest(client, "sport", "the the", comment="Doubled WORD here")

    def ids(**params: str) -> list[int]:
        answer = client.get("/api/v1/groups", headers=_bearer(admin_token), params=params)
        assert answer.status_code == 200, answer.text
        return sorted(item["id"] for item in answer.json()["items"])

    assert ids(lang="uk") == [ukrainian]
    assert ids(url="https://news.example/uk/") == [ukrainian]
    assert ids(url="https://news.example/%") == []  # % is literal, not a wildcard
    assert ids(q="intergration") == sorted(
        [newsroom.groups["news"][0], newsroom.groups["sport"][0]]
    )
    assert ids(q="doubled word") == [commented]  # comments, case-insensitive
    assert ids(q="друкарська") == [ukrainian]
    assert ids(q="_") == []  # LIKE wildcards are escaped
    assert ids(site="sport", q="intergration") == [newsroom.groups["sport"][0]]
    assert ids(status="fixed") == []
    assert len(ids(since="2000-01-01", until="2999-12-31")) == 7
    assert ids(until="2000-01-01") == []
    assert ids(since="2024-02-02", until="2024-02-01") == []  # an empty range, as documented
    for bad in (
        {"status": "nope"},
        {"since": "yesterday"},
        {"after": "garbage"},
        {"limit": "0"},
        {"until": ""},
        {"limit": ""},
        {"q": "x" * 201},
    ):
        answer = client.get("/api/v1/groups", headers=_bearer(admin_token), params=bad)
        assert answer.status_code == 422, bad
        assert answer.json()["error"] == "invalid"


def test_group_detail_with_reports_diff_and_history(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    group_id = ingest(client, "news", "intergration", suggestion="integration", comment="typo")
    ingest(client, "news", "intergration", suggestion="integration")
    client.post(
        f"/api/v1/groups/{group_id}/actions",
        json={"action": "fixed", "note": "done in CMS"},
        headers=_bearer(admin_token),
    )
    body = client.get(f"/api/v1/groups/{group_id}", headers=_bearer(admin_token)).json()
    assert body["report_count"] == 3 and len(body["reports"]) == 3
    assert body["suggestions"][0]["text"] == "integration" and body["suggestions"][0]["count"] == 2
    assert body["suggestions"][0]["diff"] == [
        {"kind": "del", "text": "intergration"},
        {"kind": "ins", "text": "integration"},
    ]
    assert body["events"][0]["action"] == "fixed" and body["events"][0]["note"] == "done in CMS"
    assert body["status"] == "fixed" and body["status_note"] == "done in CMS"
    assert body["fragment_url"].startswith("https://news.example/2024/budget#:~:text=")
    assert client.get("/api/v1/groups/999999", headers=_bearer(admin_token)).status_code == 404
    huge = client.get("/api/v1/groups/99999999999999999999999", headers=_bearer(admin_token))
    assert huge.status_code == 404


def test_actions_are_recorded_with_who_and_when(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    group_id = newsroom.groups["news"][0]
    for action, status in (
        ("reject", "rejected"),
        ("reopen", "open"),
        ("spam", "spam"),
        ("fixed", "fixed"),
    ):
        answer = client.post(
            f"/api/v1/groups/{group_id}/actions",
            json={"action": action, "note": f"because {action}"},
            headers={"x-csrf-token": csrf},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == status
    again = client.post(
        f"/api/v1/groups/{group_id}/actions",
        json={"action": "fixed"},
        headers={"x-csrf-token": csrf},
    )
    assert again.status_code == 200
    events = client.get(f"/api/v1/groups/{group_id}").json()["events"]
    assert [e["action"] for e in events] == ["fixed", "spam", "reopen", "reject"]  # newest first
    assert {e["editor"] for e in events} == {newsroom.editors["news"]}
    assert events[-1]["from_status"] == "open" and events[-1]["to_status"] == "rejected"
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        group = conn.execute(select(ErrorGroup).where(ErrorGroup.id == group_id)).one()
    engine.dispose()
    assert group.status_changed_by is not None and group.status_changed_at is not None


def test_session_api_calls_need_the_csrf_header(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    group_id = newsroom.groups["news"][0]
    for headers in ({}, {"x-csrf-token": "wrong"}, {"x-csrf-token": ""}):
        answer = client.post(
            f"/api/v1/groups/{group_id}/actions", json={"action": "spam"}, headers=headers
        )
        assert answer.status_code == 403
        assert answer.json()["error"] == "csrf_failed"
    bulk = client.post("/api/v1/groups/actions", json={"ids": [group_id], "action": "spam"})
    assert bulk.status_code == 403
    assert client.get(f"/api/v1/groups/{group_id}").json()["status"] == "open"
    ok = client.post(
        f"/api/v1/groups/{group_id}/actions",
        json={"action": "spam"},
        headers={"x-csrf-token": csrf},
    )
    assert ok.json()["status"] == "spam"


def test_bad_action_bodies(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    url = f"/api/v1/groups/{newsroom.groups['news'][0]}/actions"
    cases = [
        (b"{", 400),
        (b'{"action": "delete"}', 422),
        (b'{"action": "fixed", "note": ' + b'"' + b"x" * 2001 + b'"}', 422),
        (b'{"action": "fixed", "extra": 1}', 422),
        (b'{"action": 5}', 422),
    ]
    for body, status in cases:
        answer = client.post(url, content=body, headers=_bearer(admin_token))
        assert answer.status_code == status, body
    bulk_cases = [
        (b'{"ids": [], "action": "fixed"}', 422),
        (b'{"ids": [0], "action": "fixed"}', 422),
        (b'{"ids": [99999999999999999999], "action": "fixed"}', 422),
        (b'{"ids": ' + str(list(range(1, 502))).encode() + b', "action": "fixed"}', 422),
    ]
    for body, status in bulk_cases:
        answer = client.post("/api/v1/groups/actions", content=body, headers=_bearer(admin_token))
        assert answer.status_code == status, body[:40]


def test_bulk_action_is_all_or_nothing(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    mine = newsroom.groups["news"]
    theirs = newsroom.groups["sport"][0]
    refused = client.post(
        "/api/v1/groups/actions",
        json={"ids": [*mine, theirs], "action": "fixed"},
        headers={"x-csrf-token": csrf},
    )
    assert refused.status_code == 404
    assert {client.get(f"/api/v1/groups/{g}").json()["status"] for g in mine} == {"open"}
    done = client.post(
        "/api/v1/groups/actions",
        json={"ids": mine, "action": "fixed", "note": "batch"},
        headers={"x-csrf-token": csrf},
    )
    assert done.status_code == 200
    assert [item["status"] for item in done.json()["items"]] == ["fixed"] * len(mine)


def test_rejected_group_remembers_the_decision(
    newsroom: Newsroom, settings: Settings, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    """A new report of a rejected quote joins the group: counted, not reopened, nobody told."""
    client = app_client()
    group_id = newsroom.groups["news"][1]
    client.post(
        f"/api/v1/groups/{group_id}/actions",
        json={"action": "reject", "note": "house style"},
        headers=_bearer(admin_token),
    )
    engine = make_engine(settings.resolved_database_url)

    def outbox_rows() -> int:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(OutboxEvent)
                    .where(OutboxEvent.group_id == group_id)
                ).scalar_one()
            )

    before = outbox_rows()
    assert ingest(client, "news", "the the", comment="still wrong!") == group_id
    body = client.get(f"/api/v1/groups/{group_id}", headers=_bearer(admin_token)).json()
    assert body["status"] == "rejected" and body["report_count"] == 2
    assert body["status_note"] == "house style"
    assert outbox_rows() == before
    with engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(GroupEvent)).scalar_one()
    engine.dispose()
    assert events == 1
    # A fixed group is different: reported again, it reopens (the fix did not reach the page).
    fixed = newsroom.groups["news"][2]
    client.post(
        f"/api/v1/groups/{fixed}/actions", json={"action": "fixed"}, headers=_bearer(admin_token)
    )
    assert ingest(client, "news", "counsil") == fixed
    assert (
        client.get(f"/api/v1/groups/{fixed}", headers=_bearer(admin_token)).json()["status"]
        == "open"
    )


def test_sites_lists_only_visible_sites(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    assert [
        s["key"] for s in client.get("/api/v1/sites", headers=_bearer(admin_token)).json()["items"]
    ] == [
        "news",
        "sport",
    ]
    sign_in(client, newsroom.editors["sport"])
    assert [s["key"] for s in client.get("/api/v1/sites").json()["items"]] == ["sport"]
