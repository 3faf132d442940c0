"""The Git connector against real repositories: a bare remote, a working clone, pushes."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from corrigo.connectors.apply import run
from corrigo.connectors.base import ConnectorError, Fix
from corrigo.connectors.git import GitConnector, file_for
from corrigo.domain.quote import Quote
from corrigo.domain.source_text import markdown_text

ARTICLE = """---
title: Budget approved
---
# Budget approved

Officials said that they plan to implement *intergration* into the core system
before the winter, adding that the [city counsil](https://council.example) approved it.
"""
URL = "https://news.example/news/budget"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Writer", "-c", "user.email=writer@news.example", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@dataclass
class Repo:
    remote: Path
    work: Path
    mirror: Path

    def connector(self, **options: object) -> GitConnector:
        return GitConnector(
            str(self.remote), "main", "content/{section}/{slug}.md", self.mirror, **options
        )

    def remote_file(self, ref: str = "main") -> str:
        return git(self.remote, "show", f"{ref}:content/news/budget.md") + "\n"

    def edit_upstream(self, old: str, new: str) -> None:
        git(self.work, "pull", "--quiet", "origin", "main")
        path = self.work / "content/news/budget.md"
        path.write_text(path.read_text().replace(old, new))
        git(self.work, "commit", "--quiet", "-am", "Writer's own edit")
        git(self.work, "push", "--quiet", "origin", "main")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", str(remote), str(work))
    git(work, "checkout", "--quiet", "-b", "main")
    (work / "content/news").mkdir(parents=True)
    (work / "content/news/budget.md").write_text(ARTICLE)
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "Budget story")
    git(work, "push", "--quiet", "origin", "main")
    return Repo(remote, work, tmp_path / "data/git/site.git")


def _fix(exact: str, correction: str, group_id: int = 17) -> Fix:
    page = markdown_text(ARTICLE).text
    start = page.index(exact)
    quote = Quote(exact, page[max(0, start - 32) : start], page[start + len(exact) :][:32])
    return Fix(group_id, "news", URL, quote, correction, "olena@news.example")


def test_commit_on_the_branch_with_the_editor_as_author(repo: Repo) -> None:
    connector = repo.connector()
    assert connector.check().startswith("branch main at ")
    preview = run(connector, _fix("intergration", "integration"), preview=True, base_version=None)
    assert preview.status == "preview" and "[-intergration-]{+integration+}" in preview.preview_text
    done = run(
        connector, _fix("intergration", "integration"), preview=False, base_version=preview.version
    )
    assert done.applied, done
    assert "*integration*" in repo.remote_file()
    assert repo.remote_file().replace("integration", "intergration") == ARTICLE
    log = git(repo.remote, "log", "-1", "--format=%an <%ae>|%cn|%s|%H", "main")
    author, committer, subject, sha = log.split("|")
    assert author == "olena <olena@news.example>" and committer == "Corrigo"
    assert subject == 'Fix misprint "intergration" → "integration" (Corrigo #17)'
    assert done.revision == sha
    again = run(connector, _fix("intergration", "integration"), preview=False, base_version=None)
    assert again.status == "unchanged"
    assert git(repo.remote, "rev-parse", "main") == sha


def test_a_link_keeps_its_target(repo: Repo) -> None:
    done = run(repo.connector(), _fix("counsil", "council"), preview=False, base_version=None)
    assert done.applied
    assert "[city council](https://council.example)" in repo.remote_file()


def test_review_branch_leaves_the_branch_alone(repo: Repo) -> None:
    before = git(repo.remote, "rev-parse", "main")
    done = run(
        repo.connector(review_branches=True),
        _fix("intergration", "integration", group_id=5),
        preview=False,
        base_version=None,
    )
    assert done.applied
    assert git(repo.remote, "rev-parse", "main") == before
    branch = f"corrigo/fix-5-{done.revision[:8]}"
    assert "*integration*" in repo.remote_file(branch)
    assert branch in done.location


def test_file_edited_since_the_preview_is_a_conflict(repo: Repo) -> None:
    connector = repo.connector()
    fix = _fix("intergration", "integration")
    preview = run(connector, fix, preview=True, base_version=None)
    repo.edit_upstream("before the winter", "before the spring")
    head = git(repo.remote, "rev-parse", "main")
    done = run(connector, fix, preview=False, base_version=preview.version)
    assert done.status == "conflict" and "changed" in done.reason
    assert git(repo.remote, "rev-parse", "main") == head


def test_a_write_after_the_branch_moved_is_refused(repo: Repo) -> None:
    connector = repo.connector()
    fix = _fix("intergration", "integration")
    source = connector.find(URL)
    repo.edit_upstream("before the winter", "before the spring")
    with pytest.raises(ConnectorError) as caught:
        connector.write(source, source.text.replace("intergration", "integration"), fix)
    assert caught.value.why == "changed"


def test_unknown_article_and_bad_remote(repo: Repo, tmp_path: Path) -> None:
    missing = Fix(1, "news", "https://news.example/news/other", Quote("a"), "b", "x@y.z")
    assert run(repo.connector(), missing, preview=True, base_version=None).status == "refused"
    with pytest.raises(ConnectorError):
        GitConnector(str(tmp_path / "nowhere"), "main", "{path}.md", tmp_path / "m").check()
    with pytest.raises(ConnectorError):
        GitConnector("--upload-pack=touch /tmp/x", "main", "{path}.md", tmp_path / "m")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://n.example/news/budget", "content/news/budget.md"),
        ("https://n.example/news/budget/", "content/news/budget.md"),
        ("https://n.example/about", "content/about/about.md"),
    ],
)
def test_paths_from_the_url(url: str, expected: str) -> None:
    assert file_for(url, "content/{section}/{slug}.md", {}) == expected


@pytest.mark.parametrize(
    "url", ["https://n.example/", "https://n.example/a/../b", "https://n.example/%2e%2e/x"]
)
def test_paths_that_name_no_file(url: str) -> None:
    with pytest.raises(ConnectorError):
        file_for(url, "{path}.md", {})


def test_explicit_map_wins() -> None:
    assert file_for("https://n.example/x/y", "{path}.md", {"x/y": "posts/1.html"}) == "posts/1.html"
