"""Signing in and out: cookies, CSRF, rate limits, password changes."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.domain.sign_in import sign_in_delay
from corrigo.http.app import create_app
from corrigo.store.db import make_engine
from corrigo.store.models import Editor, EditorSession
from tests.dashboard.helpers import PASSWORD, Newsroom, csrf_of, sign_in


def _post_sign_in(client: TestClient, email: str, password: str, **extra: str):
    client.get("/dashboard/sign-in")
    data = {
        "email": email,
        "password": password,
        "csrf_token": client.cookies.get("corrigo_signin") or "",
    }
    data.update(extra)
    return client.post("/dashboard/sign-in", data=data, follow_redirects=False)


def test_pages_redirect_to_sign_in_and_back(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    answer = client.get("/dashboard/groups/1?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/sign-in?next=%2Fdashboard%2Fgroups%2F1%3Fx%3D1"
    signed = _post_sign_in(client, newsroom.admin, PASSWORD, next="/dashboard/groups/1?x=1")
    assert signed.status_code == 303
    assert signed.headers["location"] == "/dashboard/groups/1?x=1"


def test_session_cookie_flags(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    answer = _post_sign_in(app_client(), newsroom.admin, PASSWORD)
    cookie = [c for c in answer.headers.get_list("set-cookie") if c.startswith("corrigo_session=")]
    assert len(cookie) == 1
    flags = cookie[0].lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags


def test_session_cookie_is_secure_over_https(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client(base_url="https://corrigo.example")
    client.base_url = "https://testserver"  # type: ignore[assignment]
    answer = _post_sign_in(client, newsroom.admin, PASSWORD)
    assert answer.status_code == 303
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "corrigo_session=" in c)
    assert cookie.startswith("__Host-corrigo_session=")
    assert "secure" in cookie.lower() and "httponly" in cookie.lower()


def test_wrong_password_and_unknown_address_are_refused_alike(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    wrong = _post_sign_in(client, newsroom.admin, "not the password")
    unknown = _post_sign_in(client, "nobody@corrigo.example", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.text and "Wrong e-mail or password." in unknown.text
    assert "corrigo_session" not in client.cookies
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_inactive_editor_cannot_sign_in(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(update(Editor).where(Editor.email == newsroom.admin).values(is_active=False))
    engine.dispose()
    assert _post_sign_in(app_client(), newsroom.admin, PASSWORD).status_code == 401


def test_sign_in_without_its_csrf_cookie_is_refused(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    client.get("/dashboard/sign-in")
    answer = client.post(
        "/dashboard/sign-in",
        data={"email": newsroom.admin, "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert "corrigo_session" not in client.cookies


def test_sign_in_is_rate_limited_per_account(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client(rate_limit_sign_in_account="3/minute", rate_limit_sign_in_address="off")
    for _ in range(3):
        assert _post_sign_in(client, newsroom.admin, "wrong password!").status_code == 401
    refused = _post_sign_in(client, newsroom.admin, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "corrigo_session" not in client.cookies
    # Another account from the same address is still served.
    assert _post_sign_in(client, newsroom.editors["news"], PASSWORD).status_code == 303


def test_sign_in_is_rate_limited_per_address(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client(rate_limit_sign_in_account="off", rate_limit_sign_in_address="3/minute")
    for email in ("a@corrigo.example", "b@corrigo.example", "c@corrigo.example"):
        assert _post_sign_in(client, email, "whatever!!").status_code == 401
    assert _post_sign_in(client, newsroom.admin, PASSWORD).status_code == 429


def test_next_never_leaves_the_dashboard(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/dashboard//evil.example",
        "/\\evil",
    ):
        answer = _post_sign_in(app_client(), newsroom.admin, PASSWORD, next=target)
        assert answer.headers["location"] == "/dashboard/", target


def test_sign_out_needs_csrf_and_ends_the_session(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    token = sign_in(client, newsroom.admin)
    assert client.post("/dashboard/sign-out", data={}, follow_redirects=False).status_code == 403
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    stolen = client.cookies.get("corrigo_session")
    answer = client.post("/dashboard/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    # The old cookie no longer works even if someone kept a copy.
    other = app_client()
    other.cookies.set("corrigo_session", stolen or "")
    assert other.get("/dashboard/", follow_redirects=False).status_code == 303


def test_expired_session_is_refused_and_deleted(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.admin)
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(
            update(EditorSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(EditorSession)).all() == []
    engine.dispose()


def test_change_password_checks_the_current_one_and_ends_other_sessions(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    mine, elsewhere = app_client(), app_client()
    token = sign_in(mine, newsroom.editors["news"])
    sign_in(elsewhere, newsroom.editors["news"])
    new = "a much better passphrase"
    wrong = mine.post(
        "/dashboard/account/password",
        data={"csrf_token": token, "current": "nope nope nope", "new": new, "repeat": new},
    )
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.text
    short = mine.post(
        "/dashboard/account/password",
        data={"csrf_token": token, "current": PASSWORD, "new": "short", "repeat": "short"},
    )
    assert short.status_code == 400
    forged = mine.post(
        "/dashboard/account/password",
        data={"csrf_token": "x" + token, "current": PASSWORD, "new": new, "repeat": new},
    )
    assert forged.status_code == 403
    done = mine.post(
        "/dashboard/account/password",
        data={"csrf_token": token, "current": PASSWORD, "new": new, "repeat": new},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert mine.get("/dashboard/", follow_redirects=False).status_code == 200
    assert elsewhere.get("/dashboard/", follow_redirects=False).status_code == 303
    fresh = app_client()
    assert _post_sign_in(fresh, newsroom.editors["news"], PASSWORD).status_code == 401
    assert _post_sign_in(fresh, newsroom.editors["news"], new).status_code == 303


def test_language_is_chosen_per_editor(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    ukrainian, english = app_client(), app_client()
    token = sign_in(ukrainian, newsroom.editors["news"])
    sign_in(english, newsroom.editors["sport"])
    saved = ukrainian.post("/dashboard/account/language", data={"csrf_token": token, "lang": "uk"})
    assert saved.status_code == 200
    assert '<html lang="uk">' in saved.text and "Вхідні" in saved.text
    assert '<html lang="en">' in english.get("/dashboard/").text
    bad = ukrainian.post("/dashboard/account/language", data={"csrf_token": token, "lang": "xx"})
    assert bad.status_code == 400


def test_csrf_token_is_per_session(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    first, second = app_client(), app_client()
    sign_in(first, newsroom.admin)
    sign_in(second, newsroom.admin)
    assert csrf_of(first) != csrf_of(second)


def test_knowing_an_editors_email_is_not_enough_to_lock_them_out(
    newsroom: Newsroom, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        workers_in_process=False,
        trusted_proxies="127.0.0.1/32",
        rate_limit_sign_in_address="off",
        rate_limit_sign_in_pair="3/minute",
        rate_limit_sign_in_account="5/minute",
    )
    with TestClient(create_app(settings), client=("127.0.0.1", 40000)) as client:

        def attempt(address: str, password: str) -> tuple[int, float]:
            client.cookies.clear()
            client.get("/dashboard/sign-in")
            data = {
                "email": newsroom.editors["news"],
                "password": password,
                "csrf_token": client.cookies.get("corrigo_signin") or "",
            }
            started = time.monotonic()
            answer = client.post(
                "/dashboard/sign-in",
                data=data,
                headers={"x-forwarded-for": address},
                follow_redirects=False,
            )
            return answer.status_code, time.monotonic() - started

        # One address guessing is stopped strictly, even when it then guesses right.
        assert [attempt("203.0.113.1", "wrong guess")[0] for _ in range(3)] == [401] * 3
        assert attempt("203.0.113.1", PASSWORD)[0] == 429
        # Three more addresses bring the account past its own limit...
        for address in ("203.0.113.2", "203.0.113.3", "203.0.113.4"):
            assert attempt(address, "wrong guess")[0] == 401
        # ...after which an address that already failed is refused at once,
        assert attempt("203.0.113.2", "another guess")[0] == 429
        # a new address is still checked (a wrong password stays wrong), slowed down,
        status, elapsed = attempt("198.51.100.9", "wrong guess")
        assert status == 401 and elapsed >= sign_in_delay(6)
        assert attempt("198.51.100.9", PASSWORD)[0] == 429
        # and the editor, from an address without failures, signs in.
        assert attempt("192.0.2.10", PASSWORD)[0] == 303
