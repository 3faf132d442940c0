"""Previewing and applying one correction through a connector.

The editor first previews (the source is read, the words placed, the change
shown as a word diff in its sentence, the source's version returned) and then
applies, sending the version back: when the source changed in between, nothing
is written and the answer is a conflict. Nothing here runs without an editor's
request; there is no automatic apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from corrigo.connectors.base import Connector, ConnectorError, Fix, SourceConnector
from corrigo.domain.placement import PlacementError, clean_correction, place
from corrigo.domain.worddiff import DiffPart, word_diff

Status = Literal["preview", "applied", "unchanged", "refused", "conflict", "unplaceable"]
ALREADY = "The article already reads the correction there; nothing was written."
CHANGED = "The article's source changed since the preview; look at the new preview and apply again."


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a preview or an apply came to."""

    status: Status
    connector: str
    diff: list[DiffPart] = field(default_factory=list)
    version: str | None = None
    revision: str | None = None
    location: str | None = None
    reason: str | None = None

    @property
    def applied(self) -> bool:
        """Whether the source was changed by this request."""
        return self.status == "applied"

    @property
    def preview_text(self) -> str:
        """The diff on one line: ``[-removed-]{+inserted+}`` as ``git diff --word-diff`` has it."""
        marks = {"same": "{}", "del": "[-{}-]", "ins": "{{+{}+}}"}
        return "".join(marks[part.kind].format(part.text) for part in self.diff)


def _refused(connector: Connector, error: ConnectorError, diff: list[DiffPart]) -> Outcome:
    status: Status = "conflict" if error.why == "changed" else "refused"
    return Outcome(status, connector.kind, diff, reason=error.message)


def _delegate(connector: Connector, fix: Fix, correction: str, preview: bool) -> Outcome:
    quote = fix.quote
    diff = word_diff(quote.window, quote.prefix + correction + quote.suffix)
    if preview:
        return Outcome("preview", connector.kind, diff)
    assert not isinstance(connector, SourceConnector)
    try:
        written = connector.request(fix)
    except ConnectorError as error:
        return _refused(connector, error, diff)
    return Outcome("applied", connector.kind, diff, None, written.revision, written.location)


def run(connector: Connector, fix: Fix, *, preview: bool, base_version: str | None) -> Outcome:
    """Preview or apply `fix` with `connector`.

    With `base_version` (from a preview) an apply refuses with a conflict when
    the source is no longer that version.
    """
    try:
        correction = clean_correction(fix.correction, fix.quote.exact)
    except PlacementError as error:
        return Outcome("unplaceable", connector.kind, reason=str(error))
    if not isinstance(connector, SourceConnector):
        return _delegate(connector, fix, correction, preview)
    try:
        source = connector.find(fix.url)
    except ConnectorError as error:
        return _refused(connector, error, [])
    if base_version is not None and base_version != source.version and not preview:
        # Checked first: an edit since the preview may also have moved the words.
        return Outcome("conflict", connector.kind, [], source.version, reason=CHANGED)
    try:
        placed = place(source.text, source.fmt, fix.quote, correction)
    except PlacementError as error:
        return Outcome("unplaceable", connector.kind, version=source.version, reason=str(error))
    diff = word_diff(placed.sentence_before, placed.sentence_after)
    if preview:
        return Outcome("preview", connector.kind, diff, source.version, location=source.location)
    if not placed.changed:
        return Outcome(
            "unchanged",
            connector.kind,
            diff,
            source.version,
            location=source.location,
            reason=ALREADY,
        )
    try:
        written = connector.write(source, placed.source, fix)
    except ConnectorError as error:
        return _refused(connector, error, diff)
    return Outcome(
        "applied", connector.kind, diff, source.version, written.revision, written.location
    )
