"""`corrigo proofread` (exit codes, text and JSON) and `corrigo lexicon export|import`."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from corrigo.cli import main
from corrigo.spelling import dictionaries
from tests.conftest import SECRET

DRAFT = "The intergration went well.\nПотім рада зібралась.\n"


@pytest.fixture
def run(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | bytes | None = None) -> Result:
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    return invoke


def _site(run: Callable[..., Result]) -> str:
    result = run("site", "add", "Daily News", "--origin", "https://news.example", "--lang", "en")
    assert result.exit_code == 0, result.output
    return result.output.split("site key: ")[1].split()[0]


def test_a_draft_with_misprints_exits_1_and_lists_them(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run("proofread", str(draft), "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "1:5  intergration → integration" in result.output
    assert "(dictionary)" in result.output and "\x1b[" not in result.output  # no colour off a TTY
    assert "Потім" not in result.output.split("\n")[0]  # another script is not flagged
    found = run("proofread", str(draft), "--lang", "en", "--format", "json")
    assert found.exit_code == 1
    body: dict[str, Any] = json.loads(found.output)
    assert body["lang"] == "en" and body["dictionary"] == "en_US"
    [issue] = body["issues"]
    assert DRAFT[issue["start"] : issue["end"]] == "intergration"
    assert issue["sentence"] == "The intergration went well."
    assert issue["suggestions"][0] == "integration" and issue["reason"] == "dictionary"


def test_a_clean_draft_exits_0(run: Callable[..., Result]) -> None:
    result = run("proofread", "-", "--lang", "uk", stdin="Потім рада зібралась, пʼять разів.")
    assert result.exit_code == 0, result.output
    assert "no suspect word" in result.output
    html = "<article><p>Everything is <i>fine</i> here.</p></article><nav>wrods</nav>"
    assert run("proofread", "-", "--lang", "en", stdin=html).exit_code == 0


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["missing.txt", "--lang", "en"], None, "cannot read missing.txt"),
        (["-"], "text", "give --lang"),
        (["-", "--lang", "en"], b"\xff\xfe bad", "not UTF-8"),
        (["-", "--lang", "en"], "x" * (1024 * 1024 + 1), "larger than"),
        (["https://news.example/a", "--lang", "en"], None, "give --site"),
        (["-", "--site", "nope"], "text", "no site has the key"),
    ],
)
def test_bad_input_exits_2(
    run: Callable[..., Result], args: list[str], stdin: str | bytes | None, message: str
) -> None:
    result = run("proofread", *args, stdin=stdin)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_urls_are_fetched_only_from_the_site_and_never_from_private_addresses(
    run: Callable[..., Result],
) -> None:
    key = _site(run)
    other = run("proofread", "https://elsewhere.example/a", "--site", key)
    assert other.exit_code == 2 and "cannot fetch" in other.output
    inside = run("proofread", "http://127.0.0.1:9/a", "--site", key)
    assert inside.exit_code == 2 and "cannot fetch" in inside.output


def test_the_site_memory_round_trips_as_csv_and_feeds_proofreading(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    key = _site(run)
    source = tmp_path / "in.csv"
    source.write_text(
        "kind,misspelling,correction,count\n"
        "correction,intergration,integration,4\n"
        "word,Corrigo,,1\n",
        encoding="utf-8",
    )
    imported = run("lexicon", "import", key, str(source))
    assert imported.exit_code == 0, imported.output
    assert "imported 1 corrections and 1 accepted words" in imported.output
    exported = run("lexicon", "export", key, "-")
    assert exported.output.splitlines() == [
        "kind,misspelling,correction,count",
        "correction,intergration,integration,4",
        "word,corrigo,,1",
    ]
    result = run(
        "proofread", "-", "--site", key, "--format", "json", stdin="Corrigo: the intergration."
    )
    assert result.exit_code == 1
    [issue] = json.loads(result.output)["issues"]
    assert issue["reason"] == 'site: readers reported this 4 times, fixed as "integration"'
    bad = tmp_path / "bad.csv"
    bad.write_text("correction,teh\n", encoding="utf-8")
    refused = run("lexicon", "import", key, str(bad))
    assert refused.exit_code == 1 and "line 1" in refused.output
    assert run("lexicon", "export", "nope", "-").exit_code == 1


def test_check_lists_the_dictionaries(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = run("check").output
    line = next(line for line in output.splitlines() if line.startswith("spelling dictionaries:"))
    for name in ("en_US", "en_GB", "uk_UA", "ru_RU", "de_DE", "fr_FR", "es_ES", "pl_PL", "it_IT"):
        assert name in line.split()
    monkeypatch.setattr(dictionaries, "_enchant", lambda: None)
    dictionaries.available.cache_clear()
    try:
        assert "spelling dictionaries: none" in run("check").output
        missing = run("proofread", "-", "--lang", "en", "--format", "json", stdin="intergration")
        assert missing.exit_code == 0
        assert json.loads(missing.output)["dictionary"] is None
    finally:
        dictionaries.available.cache_clear()


class _Article(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (
            b"<html><body><nav>Menu wrods</nav><article><p>The intergration "
            b"of the the trams.</p></article></body></html>"
        )
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


def test_a_url_on_the_site_is_fetched_and_read_like_the_widget(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        origin = f"http://127.0.0.1:{server.server_port}"
        added = run("site", "add", "Local", "--origin", origin, "--lang", "en")
        key = added.output.split("site key: ")[1].split()[0]
        # Loopback addresses are refused unless the operator allows private ones.
        assert run("proofread", f"{origin}/draft", "--site", key).exit_code == 2
        monkeypatch.setenv("CORRIGO_VERIFY_ALLOW_PRIVATE", "true")
        result = run("proofread", f"{origin}/draft", "--site", key, "--format", "json")
        assert result.exit_code == 1, result.output
        issues = json.loads(result.output)["issues"]
        assert [issue["word"] for issue in issues] == ["intergration", "the the"]
        assert issues[1]["reason"] == "repeated word" and issues[1]["suggestions"] == ["the"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
