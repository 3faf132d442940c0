"""Serving the widget: encodings, validators, cache lifetimes, CORS, versions."""

from __future__ import annotations

import gzip

import brotli
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from corrigo.http import widget_files
from corrigo.http.widget_files import choose_encoding
from corrigo.widget.bundle import widget_bundle


@pytest.fixture(scope="module")
def files() -> TestClient:
    """Only the widget's routes: no database needed."""
    return TestClient(Starlette(routes=widget_files.routes))


def _dialog_path(lang: str = "en", version: str | None = None) -> str:
    return f"/widget/{version or widget_bundle().version}/dialog-{lang}.js"


def test_the_app_serves_the_loader(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.text == widget_bundle().loader.body.decode()


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("identity", "identity"),
        ("", "identity"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br;q=nonsense, gzip", "gzip"),
        ("BR", "br"),
    ],
)
def test_choose_encoding(accept: str, encoding: str) -> None:
    assert choose_encoding(accept) == encoding


@pytest.mark.parametrize("path", ["/widget.js", _dialog_path(), _dialog_path("uk")])
def test_precompressed_variants_decode_to_the_same_file(files: TestClient, path: str) -> None:
    plain = files.get(path, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["content-type"] == "text/javascript; charset=utf-8"
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        # Read the raw bytes: the client would otherwise decode them for us.
        with files.stream("GET", path, headers={"accept-encoding": coding}) as response:
            raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == coding
        assert response.headers["vary"] == "Accept-Encoding"
        assert int(response.headers["content-length"]) == len(raw) < len(plain.content)
        assert decode(raw) == plain.content


def test_loader_is_cached_briefly_and_revalidated(files: TestClient) -> None:
    first = files.get("/widget.js", headers={"accept-encoding": "gzip"})
    assert first.headers["cache-control"].startswith("public, max-age=3600")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('-gzip"')
    again = files.get("/widget.js", headers={"accept-encoding": "gzip", "if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # A CDN may send the weak form or a list; another encoding's tag does not match.
    weak = files.get(
        "/widget.js", headers={"accept-encoding": "gzip", "if-none-match": f'"x", W/{etag}'}
    )
    assert weak.status_code == 304
    other = files.get("/widget.js", headers={"accept-encoding": "br", "if-none-match": etag})
    assert other.status_code == 200
    assert other.headers["etag"] != etag


def test_versioned_dialog_is_immutable_and_an_old_version_is_not(files: TestClient) -> None:
    current = files.get(_dialog_path())
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    old = files.get(_dialog_path(version="0123456789ab"))
    assert old.status_code == 200
    assert old.content == current.content
    assert old.headers["cache-control"] == "public, max-age=300"


def test_cross_origin_headers(files: TestClient) -> None:
    for path in ("/widget.js", _dialog_path(), f"/widget/{widget_bundle().version}/dialog.css"):
        response = files.get(path, headers={"origin": "https://news.example"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["cross-origin-resource-policy"] == "cross-origin"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_stylesheet_for_browsers_without_constructed_stylesheets(files: TestClient) -> None:
    response = files.get(f"/widget/{widget_bundle().version}/dialog.css")
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.text.startswith(":host{")


def test_head_and_unknown_language(files: TestClient) -> None:
    head = files.head("/widget.js", headers={"accept-encoding": "br"})
    assert head.status_code == 200
    assert head.headers["etag"]
    missing = files.get(_dialog_path("xx"))
    assert missing.status_code == 404
    assert files.get(_dialog_path("../../widget")).status_code == 404
    assert files.post("/widget.js").status_code == 405


def test_version_follows_the_files() -> None:
    bundle = widget_bundle()
    assert f'"v":"{bundle.version}"' in bundle.loader.body.decode()
    assert len(bundle.version) == 12


def test_captions_of_languages_the_loader_does_not_carry(files: TestClient) -> None:
    version = widget_bundle().version
    answer = files.get(f"/widget/{version}/caption-pl.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert "immutable" in answer.headers["cache-control"]
    caption, touch = answer.json()
    assert "{keys}" in caption and "„Zgłoś błąd”" in touch
    for bad in ("xx", "..%2Fen", "en.json"):
        assert files.get(f"/widget/{version}/caption-{bad}.json").status_code == 404
