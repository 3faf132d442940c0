"""A site's memory: misspellings it fixed (with their corrections and counts) and words it
accepts. Every query is scoped to one site; nothing here reads another site's entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from corrigo.domain.lexicon import (
    MAX_PHRASE,
    MAX_WORD,
    LexiconEntry,
    SiteMemory,
    accepted_from,
    learned_fixes,
    to_csv,
)
from corrigo.domain.lifecycle import Status
from corrigo.domain.proposal import readers_choice
from corrigo.store.db import affected
from corrigo.store.models import ErrorGroup, LexiconCorrection, LexiconWord
from corrigo.store.proposals import proposal_of, reader_suggestions

# The admin pages and the export list at most this many entries of each kind.
MAX_LISTED = 10_000
# Words looked up per query (SQLite allows a few thousand bound parameters at most).
LOOKUP_BATCH = 500


@dataclass(frozen=True, slots=True)
class CorrectionRow:
    """One remembered fix as the admin page lists it."""

    id: int
    misspelling: str
    correction: str
    count: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class WordRow:
    """One accepted word as the admin page lists it."""

    id: int
    word: str
    count: int
    updated_at: datetime


def fixes_for(session: Session, site_id: int, keys: Iterable[str]) -> dict[str, tuple[str, int]]:
    """misspelling → (most frequent correction, times fixed so in all) for the known `keys`."""
    wanted = sorted({key.lower() for key in keys if 0 < len(key) <= MAX_PHRASE})
    if not wanted:
        return {}
    found: dict[str, tuple[str, int]] = {}
    totals: dict[str, int] = {}
    for misspelling, correction, count in session.execute(
        select(LexiconCorrection.misspelling, LexiconCorrection.correction, LexiconCorrection.count)
        .where(LexiconCorrection.site_id == site_id, LexiconCorrection.misspelling.in_(wanted))
        .order_by(LexiconCorrection.count, LexiconCorrection.updated_at)
    ):
        totals[misspelling] = totals.get(misspelling, 0) + count
        found[misspelling] = (correction, 0)
    return {key: (correction, totals[key]) for key, (correction, _n) in found.items()}


def memory_for(session: Session, site_id: int, keys: Iterable[str]) -> dict[str, str]:
    """misspelling → its most frequent correction, for those of `keys` the site knows."""
    return {key: correction for key, (correction, _n) in fixes_for(session, site_id, keys).items()}


def accepted_among(session: Session, site_id: int, words: Iterable[str]) -> set[str]:
    """Those of `words` (compared in lower case) that the site accepts."""
    wanted = sorted({word.lower() for word in words if 0 < len(word) <= MAX_WORD})
    if not wanted:
        return set()
    return set(
        session.execute(
            select(LexiconWord.word).where(
                LexiconWord.site_id == site_id, LexiconWord.word.in_(wanted)
            )
        ).scalars()
    )


def add_corrections(
    session: Session, site_id: int, entries: Sequence[LexiconEntry], now: datetime
) -> None:
    """Count each (misspelling, correction) once more, or by its own count for an import."""
    for entry in entries:
        row = session.execute(
            select(LexiconCorrection).where(
                LexiconCorrection.site_id == site_id,
                LexiconCorrection.misspelling == entry.key,
                LexiconCorrection.correction == entry.correction,
            )
        ).scalar_one_or_none()
        if row is None:
            session.add(
                LexiconCorrection(
                    site_id=site_id,
                    misspelling=entry.key,
                    correction=entry.correction,
                    count=entry.count,
                    updated_at=now,
                )
            )
        else:
            row.count += entry.count
            row.updated_at = now
    session.flush()


def add_words(session: Session, site_id: int, words: Sequence[LexiconEntry], now: datetime) -> None:
    """Accept each word for the site, or count it once more if it is accepted already."""
    for entry in words:
        row = session.execute(
            select(LexiconWord).where(LexiconWord.site_id == site_id, LexiconWord.word == entry.key)
        ).scalar_one_or_none()
        if row is None:
            session.add(
                LexiconWord(site_id=site_id, word=entry.key, count=entry.count, updated_at=now)
            )
        else:
            row.count += entry.count
            row.updated_at = now
    session.flush()


def corrections(session: Session, site_id: int) -> list[CorrectionRow]:
    """The site's remembered fixes, most frequent first."""
    rows = session.execute(
        select(LexiconCorrection)
        .where(LexiconCorrection.site_id == site_id)
        .order_by(LexiconCorrection.count.desc(), LexiconCorrection.misspelling)
        .limit(MAX_LISTED)
    ).scalars()
    return [CorrectionRow(r.id, r.misspelling, r.correction, r.count, r.updated_at) for r in rows]


def accepted_words(session: Session, site_id: int) -> list[WordRow]:
    """The site's accepted words, alphabetically."""
    rows = session.execute(
        select(LexiconWord)
        .where(LexiconWord.site_id == site_id)
        .order_by(LexiconWord.word)
        .limit(MAX_LISTED)
    ).scalars()
    return [WordRow(r.id, r.word, r.count, r.updated_at) for r in rows]


def update_correction(
    session: Session, site_id: int, entry_id: int, correction: str, now: datetime
) -> bool:
    """Change a remembered fix's correction; False when the site has no such entry."""
    row = session.get(LexiconCorrection, entry_id)
    if row is None or row.site_id != site_id:
        return False
    row.correction = correction
    row.updated_at = now
    session.flush()
    return True


def remove_correction(session: Session, site_id: int, entry_id: int) -> bool:
    """Forget a remembered fix; False when the site has no such entry."""
    result = session.execute(
        delete(LexiconCorrection).where(
            LexiconCorrection.id == entry_id, LexiconCorrection.site_id == site_id
        )
    )
    return bool(affected(result))


def remove_word(session: Session, site_id: int, entry_id: int) -> bool:
    """Stop accepting a word; False when the site has no such entry."""
    result = session.execute(
        delete(LexiconWord).where(LexiconWord.id == entry_id, LexiconWord.site_id == site_id)
    )
    return bool(affected(result))


def learn_fix(session: Session, site_id: int, exact: str, corrected: str, now: datetime) -> None:
    """Remember that `exact` was fixed as `corrected` on the site (word by word where it can)."""
    add_corrections(session, site_id, learned_fixes(exact, corrected), now)


def learn_from_decision(
    session: Session, group: ErrorGroup, now: datetime, correction: str = ""
) -> None:
    """Teach the site's memory from a group just marked fixed or rejected.

    Fixed: the correction is `correction` when the editor's text is known (an
    applied correction), else the group's proposal, else the readers' favourite
    suggestion. Rejected as not an error: the words the dictionary did not know
    (all the quote's words when no dictionary looked at it) become accepted.
    """
    stored = proposal_of(session, group.id)
    if group.status == Status.FIXED:
        if correction:
            corrected = correction
        elif stored is not None and stored.proposal is not None:
            corrected = stored.proposal.text
        else:
            chosen = readers_choice(reader_suggestions(session, group.id))
            corrected = chosen.text if chosen else ""
        learn_fix(session, group.site_id, group.exact, corrected, now)
    elif group.status == Status.REJECTED:
        if stored is not None and stored.dictionary is not None:
            texts = stored.dictionary.unknown
        else:
            texts = [group.exact]
        add_words(session, group.site_id, accepted_from(texts), now)


def site_memory(session: Session, site_id: int, keys: Iterable[str]) -> SiteMemory:
    """What the site remembers about `keys` (lower-case words): fixes and accepted words.

    Looked up in batches, so that a long text's thousands of words stay within
    the database's limit on bound parameters.
    """
    wanted = sorted(set(keys))
    fixes: dict[str, tuple[str, int]] = {}
    accepted: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        fixes.update(fixes_for(session, site_id, batch))
        accepted |= accepted_among(session, site_id, batch)
    return SiteMemory(fixes, accepted)


def export_csv(session: Session, site_id: int) -> str:
    """The site's memory as CSV (see :func:`corrigo.domain.lexicon.to_csv`)."""
    fixes = [
        LexiconEntry(r.misspelling, r.correction, r.count) for r in corrections(session, site_id)
    ]
    words = [LexiconEntry(r.word, "", r.count) for r in accepted_words(session, site_id)]
    return to_csv(fixes, words)


def import_entries(
    session: Session, site_id: int, entries: Sequence[LexiconEntry], now: datetime
) -> tuple[int, int]:
    """Add imported entries to the site's memory; returns (corrections, words) added."""
    fixes = [entry for entry in entries if entry.correction]
    words = [entry for entry in entries if not entry.correction]
    add_corrections(session, site_id, fixes, now)
    add_words(session, site_id, words, now)
    return len(fixes), len(words)
