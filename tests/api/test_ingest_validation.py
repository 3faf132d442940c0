"""Every validation rule of POST /api/v1/reports, with bad inputs; never a 500."""

import json
import random

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from tests.api.helpers import Report, count, post, report, rows


def test_accepted_report_is_stored_with_cleaned_fields(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    body = report(
        comment="  Should be\r\n\r\n\r\n  integration \u0007 ",
        suggestion=" integration ",
        author="Olena  Petrenko",
        title="Budget\u202e approved",
    )
    answer = post(client, body)
    assert answer.status_code == 202
    data = answer.json()
    assert set(data) == {"report_id", "group_id", "duplicate"}
    assert data["duplicate"] is False
    stored = rows(settings, Report)[0]
    assert stored.exact == "intergration"
    assert stored.comment == "Should be\n\nintegration"
    assert stored.suggestion == "integration"
    assert stored.author == "Olena Petrenko"
    assert stored.title == "Budget approved"
    assert stored.pos_start == body["position"]["start"]
    assert stored.reader_hash and "testclient" not in stored.reader_hash


def test_same_client_id_twice_stores_once_and_answers_the_same(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    body = report()
    first = post(client, body).json()
    second = post(client, body)
    assert second.status_code == 202
    assert second.json() == first
    assert count(settings, Report) == 1
    # A retry of a report that joined a group also keeps saying "duplicate".
    joined = report()
    first_joined = post(client, joined).json()
    assert first_joined["duplicate"] is True
    assert post(client, joined).json() == first_joined
    assert count(settings, Report) == 2


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("exact", "", "empty_quote"),
        ("exact", " \t\n\u200b ", "empty_quote"),
        ("exact", "x" * 301, "too_long"),
        ("prefix", "p" * 65, "too_long"),
        ("suffix", "s" * 65, "too_long"),
    ],
)
def test_quote_limits(
    client: TestClient, news_site: str, field: str, value: str, code: str
) -> None:
    body = report()
    body["quote"][field] = value
    answer = post(client, body)
    assert answer.status_code == 422
    assert answer.json()["error"] == code
    assert answer.json()["field"] == f"quote.{field}"
    assert answer.json()["message"]


def test_limits_apply_after_cleaning(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    body = report()
    # 300 visible characters padded with control characters and folded whitespace.
    body["quote"] = {
        "exact": "  " + "a\u202e" * 150 + "\u0000" + " \n\t " + "b" * 149 + "  ",
        "prefix": "p" * 60 + "\ufeff" * 20,
        "suffix": "s  " * 20,
    }
    body.pop("position")
    assert post(client, body).status_code == 202
    stored = rows(settings, Report)[0]
    assert len(stored.exact) == 300
    assert stored.suffix == " " + "s " * 20  # the selection's trailing space joined it


@pytest.mark.parametrize(
    ("field", "limit"),
    [("comment", 1000), ("suggestion", 300), ("title", 300), ("author", 200)],
)
def test_text_field_limits(client: TestClient, news_site: str, field: str, limit: int) -> None:
    assert post(client, report(**{field: "y" * limit})).status_code == 202
    answer = post(client, report(**{field: "y" * (limit + 1)}))
    assert answer.status_code == 422
    assert answer.json() == {
        "error": "too_long",
        "field": field,
        "message": f"{field} may be at most {limit} characters.",
    }


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("https://news.example/" + "a" * 2030, 422, "too_long"),
        ("javascript:alert(1)", 422, "bad_url"),
        ("ftp://news.example/a", 422, "bad_url"),
        ("/relative/path", 422, "bad_url"),
        ("https://evil.example/a", 403, "url_not_allowed"),
        ("http://news.example/a", 403, "url_not_allowed"),
    ],
)
def test_url_rules(client: TestClient, news_site: str, url: str, status: int, code: str) -> None:
    answer = post(client, report(url=url))
    assert answer.status_code == status
    assert answer.json()["error"] == code


def test_url_of_2048_characters_is_accepted(client: TestClient, news_site: str) -> None:
    url = "https://news.example/" + "a" * (2048 - len("https://news.example/"))
    assert post(client, report(url=url)).status_code == 202


@pytest.mark.parametrize("lang", ["en", "uk", "en-GB", "zh-Hant-TW", "sr-Latn", "es-419"])
def test_good_language_tags(client: TestClient, news_site: str, lang: str) -> None:
    assert post(client, report(lang=lang)).status_code == 202


@pytest.mark.parametrize("lang", ["english", "e", "en_US", "en--GB", "<script>", "12"])
def test_bad_language_tags(client: TestClient, news_site: str, lang: str) -> None:
    answer = post(client, report(lang=lang))
    assert answer.status_code == 422
    assert answer.json()["error"] == "bad_lang"


@pytest.mark.parametrize(
    "position",
    [
        {"start": 5, "end": 5},
        {"start": -1, "end": 3},
        {"start": 9, "end": 2},
        {"start": 0, "end": 10**12},
    ],
)
def test_bad_positions(client: TestClient, news_site: str, position: dict[str, int]) -> None:
    answer = post(client, report(position=position))
    assert answer.status_code == 422
    assert answer.json()["field"] == "position"


@pytest.mark.parametrize("client_id", ["short", "x" * 65, "has space in it", "<script>x</script>"])
def test_bad_client_ids(client: TestClient, news_site: str, client_id: str) -> None:
    answer = post(client, report(client_id=client_id))
    assert answer.status_code == 422
    assert answer.json()["error"] == "bad_client_id"


def test_body_over_16_kib_is_413(client: TestClient, news_site: str) -> None:
    body = json.dumps(report(comment="z" * 900)) + " " * (16 * 1024)
    answer = post(client, body.encode())
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"


def test_chunked_body_over_16_kib_is_413(client: TestClient, news_site: str) -> None:
    def chunks():  # no Content-Length: the limit must hold while streaming
        for _ in range(20):
            yield b" " * 1024

    answer = client.post(
        "/api/v1/reports", content=chunks(), headers={"origin": "https://news.example"}
    )
    assert answer.status_code == 413


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"{", 400, "malformed_json", None),
        (b"", 400, "malformed_json", None),
        (b"\xff\xfe", 400, "malformed_json", None),
        (b"[]", 422, "invalid", None),
        (b'{"site": 5}', 422, "invalid", "site"),
        (b'{"site": "news-site-key", "url": "https://news.example/"}', 422, "invalid", "quote"),
        (
            b'{"site": "news-site-key", "url": "https://news.example/", "quote": {"exact": 1}}',
            422,
            "invalid",
            "quote.exact",
        ),
        (
            b'{"site": "news-site-key", "url": "https://news.example/", "quote": {"exact": "a"},'
            b' "position": {"start": "1", "end": 2}}',
            422,
            "invalid",
            "position.start",
        ),
    ],
)
def test_malformed_and_mistyped_bodies(
    client: TestClient, news_site: str, body: bytes, status: int, code: str, field: str | None
) -> None:
    answer = post(client, body)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    payload = answer.json()
    assert payload["error"] == code
    assert payload["field"] == field
    assert payload["message"].endswith(".")


def test_unknown_site_is_404(client: TestClient, news_site: str) -> None:
    answer = post(client, report(site="no-such-site"))
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "unknown_site",
        "message": "This site is not known.",
        "field": "site",
    }


def test_random_garbage_never_causes_a_500(client: TestClient, news_site: str) -> None:
    rng = random.Random(7)
    values = [
        None,
        True,
        0,
        -1,
        2**70,
        1.5,
        "",
        "x" * 70,
        [],
        {},
        {"exact": None},
        "\u0000",
        "https://news.example/",
        {"start": 1, "end": 2},
    ]
    keys = [
        "site",
        "url",
        "quote",
        "position",
        "title",
        "lang",
        "comment",
        "suggestion",
        "client_id",
        "author",
        "widget_version",
        "website",
        "extra",
    ]
    for _ in range(300):
        body = {key: rng.choice(values) for key in rng.sample(keys, rng.randint(0, len(keys)))}
        if rng.random() < 0.5:
            body["site"] = "news-site-key"
        answer = post(client, body)
        assert answer.status_code < 500, (body, answer.text)
    for _ in range(100):
        blob = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200)))
        assert post(client, blob).status_code < 500


def test_honeypot_is_accepted_and_dropped(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    answer = post(client, report(website="http://spam.example"))
    assert answer.status_code == 202
    assert count(settings, Report) == 0


def test_whitespace_trimmed_from_the_selection_moves_into_its_context(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    # A double-click on Windows selects "intergration " with the trailing space.
    body = report()
    start = body["position"]["start"]
    body["quote"] = {
        "exact": " intergration ",
        "prefix": "they plan to implement",
        "suffix": "into the core",
    }
    body["position"] = {"start": start - 1, "end": start + len("intergration") + 1}
    assert post(client, body).status_code == 202
    stored = rows(settings, Report)[0]
    assert (stored.prefix, stored.exact, stored.suffix) == (
        "they plan to implement ",
        "intergration",
        " into the core",
    )
    assert stored.pos_start == start
