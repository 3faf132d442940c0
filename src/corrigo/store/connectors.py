"""Each site's connector (kind, options, sealed secret) and the record of applied fixes.

Secrets are sealed with :class:`corrigo.secretbox.SecretBox` before they reach
the table and opened only to build a connector; nothing here returns a secret
for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import Action
from corrigo.secretbox import SecretBox
from corrigo.store.checks import check_soon
from corrigo.store.inbox import visible_group
from corrigo.store.models import ErrorGroup, GroupEvent, Site, SiteConnector
from corrigo.store.sites import site_by_key
from corrigo.store.triage import Decision, decide

APPLIED = "applied"
APPLY_REFUSED = "apply_refused"
FIXED_NOTE = "Corrected in the CMS with Apply."


@dataclass(frozen=True, slots=True)
class ConnectorConfig:
    """A site's connector as the code that builds it needs it (the secret opened)."""

    site_key: str
    kind: str
    options: dict[str, Any]
    secret: str


@dataclass(frozen=True, slots=True)
class ConnectorSummary:
    """A site's connector as it may be shown: no secret, only whether one is kept."""

    site_key: str
    kind: str
    options: dict[str, Any]
    has_secret: bool
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ApplyTarget:
    """What an apply needs of a group: its site, its page and the reported words."""

    group_id: int
    site_id: int
    site_key: str
    url: str
    exact: str
    prefix: str
    suffix: str
    status: str


def save_connector(
    session: Session,
    box: SecretBox,
    site_key: str,
    kind: str,
    options: dict[str, Any],
    secret: str,
) -> SiteConnector:
    """Set the site's connector (replacing the one it had)."""
    site = site_by_key(session, site_key)
    row = session.get(SiteConnector, site.id)
    if row is None:
        row = SiteConnector(site_id=site.id)
        session.add(row)
    row.kind = kind
    row.options = dict(options)
    row.sealed_secret = box.seal(secret) if secret else ""
    row.updated_at = datetime.now(UTC)
    session.flush()
    return row


def ensure_connector(session: Session, site_id: int, kind: str) -> None:
    """Give a site a connector of `kind` without options or secret, unless it has one."""
    if session.get(SiteConnector, site_id) is None:
        now = datetime.now(UTC)
        session.add(SiteConnector(site_id=site_id, kind=kind, options={}, updated_at=now))
        session.flush()


def remove_connector(session: Session, site_key: str) -> bool:
    """Remove the site's connector; False when it had none."""
    site = site_by_key(session, site_key)
    row = session.get(SiteConnector, site.id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def connector_summary(session: Session, site_key: str) -> ConnectorSummary | None:
    """The site's connector without its secret, or None."""
    site = site_by_key(session, site_key)
    row = session.get(SiteConnector, site.id)
    if row is None:
        return None
    return ConnectorSummary(
        site.public_key, row.kind, dict(row.options), bool(row.sealed_secret), row.updated_at
    )


def connector_config(session: Session, box: SecretBox, site_id: int) -> ConnectorConfig | None:
    """The connector of a site with its secret opened, or None when it has none."""
    found = session.execute(
        select(SiteConnector, Site.public_key)
        .join(Site, Site.id == SiteConnector.site_id)
        .where(SiteConnector.site_id == site_id)
    ).first()
    if found is None:
        return None
    row, key = found
    secret = box.open(row.sealed_secret) if row.sealed_secret else ""
    return ConnectorConfig(key, row.kind, dict(row.options), secret)


def has_connector(session: Session, site_id: int) -> str | None:
    """The kind of the site's connector, or None."""
    return session.execute(
        select(SiteConnector.kind).where(SiteConnector.site_id == site_id)
    ).scalar()


def apply_target(
    session: Session, site_ids: Sequence[int] | None, group_id: int
) -> ApplyTarget | None:
    """The group an editor wants to correct, if they may see it."""
    group = visible_group(session, site_ids, group_id)
    if group is None:
        return None
    key = session.execute(select(Site.public_key).where(Site.id == group.site_id)).scalar_one()
    return ApplyTarget(
        group.id,
        group.site_id,
        key,
        group.url,
        group.exact,
        group.prefix,
        group.suffix,
        group.status,
    )


def record_apply(
    session: Session,
    group_id: int,
    editor_id: int | None,
    note: str,
    *,
    applied: bool,
    correction: str = "",
) -> ErrorGroup:
    """Record an apply (or its refusal) in the group's history.

    An applied fix then marks the group fixed as an editor's decision does (the
    site's memory learns `correction`, the text written into the article) and asks
    the page checker to look at the page at once.
    """
    group = session.execute(
        select(ErrorGroup).where(ErrorGroup.id == group_id).with_for_update()
    ).scalar_one()
    now = datetime.now(UTC)
    session.add(
        GroupEvent(
            group_id=group.id,
            editor_id=editor_id,
            action=APPLIED if applied else APPLY_REFUSED,
            from_status=group.status,
            to_status=group.status,
            note=note,
            created_at=now,
        )
    )
    if applied:
        fixed = Decision(Action.FIXED, FIXED_NOTE, correction)
        decide(session, None, [group.id], fixed, editor_id, now)
        check_soon(session.connection(), [group.id], now)
    session.flush()
    return group
