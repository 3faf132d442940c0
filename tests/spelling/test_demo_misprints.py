"""The demo articles' planted misprints: each gets the right proposal, and proofreading
the articles finds every one of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corrigo.cli import main
from corrigo.demo.articles import ARTICLES, Article
from corrigo.demo.library import CONTENT
from corrigo.domain.proposal import GroupFacts, propose
from corrigo.domain.words import dictionary_form
from corrigo.spelling.review import review_quote
from tests.conftest import SECRET


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_every_planted_misprint_gets_its_correction_proposed(article: Article) -> None:
    for misprint in article.misprints:
        view = review_quote(article.lang, misprint.text, accepted=set())
        assert view is not None
        proposal = propose(GroupFacts(misprint.text, [], {}, view.suggestions))
        assert proposal is not None, misprint
        assert proposal.source == "dictionary"
        assert dictionary_form(proposal.text) == dictionary_form(misprint.correction)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_proofread_finds_every_planted_misprint(
    article: Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    source = CONTENT / f"{article.slug}.html"
    result = CliRunner().invoke(
        main, ["proofread", str(source), "--lang", article.lang, "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    issues = json.loads(result.output)["issues"]
    for misprint in article.misprints:
        # A possessive stays one word: "councel’s" is flagged, and "council's" suggested.
        issue = next((i for i in issues if i["word"].startswith(misprint.text)), None)
        assert issue is not None, (misprint, [i["word"] for i in issues])
        wanted = dictionary_form(misprint.correction)
        suggestions = [dictionary_form(s) for s in issue["suggestions"][:3]]
        assert any(s.startswith(wanted) for s in suggestions), (misprint, suggestions)
