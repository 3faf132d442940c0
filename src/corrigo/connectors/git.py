"""The Git connector: article sources as Markdown or HTML files in a Git repository.

Corrigo keeps a bare clone of the repository in its data folder. Finding an
article maps its URL's path to a file (a pattern such as
``content/{section}/{slug}.md``, or an explicit map), reads it from the branch
and takes the file's blob id as its version. Writing builds the commit without a
working tree (a temporary index, ``commit-tree``), with the editor as author and
Corrigo as committer, moves the branch only if it still points where it did
(or creates a review branch), and pushes it. A file changed since the preview,
or a push the remote refuses, writes nothing.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from corrigo.connectors.base import ConnectorError, Fix, Source, SourceConnector, Written
from corrigo.domain.source_text import SourceFormat

GIT_TIMEOUT = 60.0
COMMITTER = ("Corrigo", "corrigo@localhost")
_PLACEHOLDER = re.compile(r"\{(path|slug|section|dir)\}")
_SAFE_PATH = re.compile(r"[A-Za-z0-9._~/@+\-]+")
_BRANCH = re.compile(r"[A-Za-z0-9._/\-]+")
FORMATS: dict[str, SourceFormat] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".html": "html",
    ".htm": "html",
}


def file_for(url: str, pattern: str, mapping: dict[str, str]) -> str:
    """The repository path of the article at `url`: the explicit map first, else the pattern.

    Placeholders: ``{path}`` (the URL path without surrounding slashes), ``{slug}`` (its
    last segment), ``{section}`` (its first), ``{dir}`` (all but the last).
    """
    path = unquote(urlsplit(url).path).strip("/")
    if path in mapping:
        return mapping[path]
    segments = path.split("/") if path else []
    if not segments or any(part in ("", ".", "..") for part in segments):
        raise ConnectorError("not_found", "The article's address does not name a file.")
    values = {
        "path": path,
        "slug": segments[-1],
        "section": segments[0],
        "dir": "/".join(segments[:-1]),
    }
    found = _PLACEHOLDER.sub(lambda m: values[m.group(1)], pattern)
    if not _SAFE_PATH.fullmatch(found) or ".." in found.split("/"):
        raise ConnectorError("not_found", "The article's address does not name a file.")
    return found.strip("/")


def format_of(path: str) -> SourceFormat:
    """Markdown or HTML, from the file's extension."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ConnectorError("config", f"{path} is neither Markdown nor HTML.")
    return fmt


class GitConnector(SourceConnector):
    """Reads and commits article files of one branch of a repository."""

    kind: ClassVar[str] = "git"

    def __init__(
        self,
        repo: str,
        branch: str,
        pattern: str,
        mirror: Path,
        *,
        mapping: dict[str, str] | None = None,
        review_branches: bool = False,
        token: str = "",
    ) -> None:
        if repo.startswith("-") or not _BRANCH.fullmatch(branch) or branch.startswith("-"):
            raise ConnectorError("config", "The repository or branch name is not valid.")
        self.repo, self.branch, self.pattern = repo, branch, pattern
        self.mirror, self.mapping = mirror, dict(mapping or {})
        self.review_branches, self._token = review_branches, token

    def _env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", **extra}
        if self._token:
            # The token goes in an environment-only config entry: never on the command
            # line (visible to other users) nor in the clone's config file.
            basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode()
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
            )
        return env

    def _git(self, *args: str, stdin: bytes | None = None, **env: str) -> bytes:
        try:
            done = subprocess.run(  # noqa: S603 (fixed program, arguments checked above)
                ["git", *args],  # noqa: S607
                input=stdin,
                capture_output=True,
                timeout=GIT_TIMEOUT,
                env=self._env(**env),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ConnectorError("network", "Git did not finish in time.") from None
        if done.returncode != 0:
            message = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
            raise ConnectorError("network", f"git {args[0]} failed: {message}")
        return done.stdout

    def _in_mirror(self, *args: str, stdin: bytes | None = None, **env: str) -> bytes:
        return self._git("--git-dir", str(self.mirror), *args, stdin=stdin, **env)

    def _sync(self) -> None:
        """Bring the mirror's branches to the remote's (local-only commits are dropped)."""
        if not (self.mirror / "HEAD").exists():
            self.mirror.parent.mkdir(parents=True, exist_ok=True)
            self._git("clone", "--bare", "--quiet", "--", self.repo, str(self.mirror))
        self._in_mirror("fetch", "--quiet", "--prune", "origin", "+refs/heads/*:refs/heads/*")

    def _blob(self, ref: str, path: str) -> str | None:
        listing = self._in_mirror("ls-tree", "-z", ref, "--", path).decode()
        if not listing:
            return None
        meta, _, _name = listing.rstrip("\0").partition("\t")
        mode, kind, blob = meta.split()
        return blob if kind == "blob" and mode in ("100644", "100755") else None

    def check(self) -> str:
        """List the branch on the remote: the address and credentials work."""
        heads = self._git("ls-remote", "--heads", "--", self.repo, self.branch).decode()
        if not heads.strip():
            raise ConnectorError("not_found", f"The repository has no branch {self.branch}.")
        return f"branch {self.branch} at {heads.split()[0][:12]}"

    def find(self, url: str) -> Source:
        """The article's file on the branch; its blob id is its version."""
        path = file_for(url, self.pattern, self.mapping)
        fmt = format_of(path)
        self._sync()
        blob = self._blob(f"refs/heads/{self.branch}", path)
        if blob is None:
            raise ConnectorError("not_found", f"There is no file {path} on {self.branch}.")
        text = self._in_mirror("cat-file", "blob", blob).decode("utf-8", "replace")
        return Source(text, fmt, blob, path, f"{path} on {self.branch}")

    def write(self, source: Source, new_text: str, fix: Fix) -> Written:
        """Commit the changed file (on the branch or a review branch) and push it."""
        self._sync()
        head = self._in_mirror("rev-parse", f"refs/heads/{self.branch}").decode().strip()
        if self._blob(head, source.ref) != source.version:
            raise ConnectorError(
                "changed", f"{source.ref} changed on {self.branch} since it was read."
            )
        blob = self._in_mirror("hash-object", "-w", "--stdin", stdin=new_text.encode())
        mode = self._in_mirror("ls-tree", head, "--", source.ref).decode().split()[0]
        with tempfile.TemporaryDirectory() as scratch:
            index = str(Path(scratch) / "index")
            self._in_mirror("read-tree", head, GIT_INDEX_FILE=index)
            cacheinfo = f"{mode},{blob.decode().strip()},{source.ref}"
            self._in_mirror("update-index", "--cacheinfo", cacheinfo, GIT_INDEX_FILE=index)
            tree = self._in_mirror("write-tree", GIT_INDEX_FILE=index).decode().strip()
        message = (
            f'Fix misprint "{fix.quote.exact}" \u2192 "{fix.correction}" '
            f"(Corrigo #{fix.group_id})\n\nAt {fix.url}\n"
        )
        author = fix.editor_email or COMMITTER[1]
        commit = (
            self._in_mirror(
                "commit-tree",
                tree,
                "-p",
                head,
                "-F",
                "-",
                stdin=message.encode(),
                GIT_AUTHOR_NAME=author.split("@")[0],
                GIT_AUTHOR_EMAIL=author,
                GIT_COMMITTER_NAME=COMMITTER[0],
                GIT_COMMITTER_EMAIL=COMMITTER[1],
            )
            .decode()
            .strip()
        )
        target = f"corrigo/fix-{fix.group_id}-{commit[:8]}" if self.review_branches else self.branch
        try:
            # Pushing the commit is the write: without --force the remote refuses it
            # when the branch moved meanwhile, and nothing is written.
            self._in_mirror("push", "--quiet", "origin", f"{commit}:refs/heads/{target}")
        except ConnectorError as error:
            why = "changed" if "rejected" in error.message else error.why
            raise ConnectorError(why, f"The push was refused: {error.message}") from None
        self._in_mirror("update-ref", f"refs/heads/{target}", commit)
        return Written(commit, f"commit {commit[:12]} on {target} ({source.ref})")
