"""The interface every connector offers, and what travels through it.

A *source* connector (WordPress, Git, the demo) finds the article's source by
its URL and writes a changed source back; Corrigo itself places the quote in it
(:mod:`corrigo.domain.placement`). A *delegating* connector (the fix webhook)
hands the whole fix to someone else's CMS and reports what it answered.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

from corrigo.domain.quote import Quote
from corrigo.domain.source_text import SourceFormat

KINDS = ("wordpress", "git", "webhook", "demo")
# Why a connector could not do its part.
Why = Literal["not_found", "credentials", "network", "changed", "refused", "config"]


class ConnectorError(Exception):
    """A connector's refusal: `why` sorts it, the message says it to an editor.

    Messages never contain a secret.
    """

    def __init__(self, why: Why, message: str) -> None:
        super().__init__(message)
        self.why: Why = why
        self.message = message


@dataclass(frozen=True, slots=True)
class Source:
    """An article's source as the CMS holds it.

    `version` changes whenever the source changes (WordPress's modified time, a Git
    blob id, a digest); `ref` names it for the connector (post id, file path);
    `location` is where a person can look at it.
    """

    text: str
    fmt: SourceFormat
    version: str
    ref: str
    location: str


@dataclass(frozen=True, slots=True)
class Fix:
    """One correction an editor asked for, on one group."""

    group_id: int
    site_key: str
    url: str
    quote: Quote
    correction: str
    editor_email: str


@dataclass(frozen=True, slots=True)
class Written:
    """What a connector wrote: a revision id and where to see it."""

    revision: str
    location: str


class SourceConnector(ABC):
    """A CMS whose article sources Corrigo reads and writes itself."""

    kind: ClassVar[str]

    @abstractmethod
    def check(self) -> str:
        """Try the credentials with a harmless call; a line saying what answered."""

    @abstractmethod
    def find(self, url: str) -> Source:
        """The source of the article published at `url`; ConnectorError when there is none."""

    @abstractmethod
    def write(self, source: Source, new_text: str, fix: Fix) -> Written:
        """Replace `source` with `new_text`, unless it changed since it was read.

        Raises ConnectorError("changed") when the stored source is no longer
        `source.version`; nothing is written then.
        """


class DelegatingConnector(ABC):
    """A CMS that takes the fix itself and answers whether it applied it."""

    kind: ClassVar[str]

    @abstractmethod
    def check(self) -> str:
        """Try the receiver; a line saying what answered."""

    @abstractmethod
    def request(self, fix: Fix) -> Written:
        """Ask the CMS to apply `fix`; ConnectorError with its reason when it does not."""


Connector = SourceConnector | DelegatingConnector
