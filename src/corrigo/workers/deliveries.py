"""Deliveries for the dashboard and the API: listing them and retrying failed ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corrigo.store.admin import AdminError
from corrigo.store.models import Channel, Delivery, ErrorGroup, OutboxEvent, Site
from corrigo.workers.channel_admin import describe_target
from corrigo.workers.claims import DELIVERY_STATUSES, FAILED, PENDING

PAGE_SIZE = 50


class DeliveryNotFound(AdminError):
    """No delivery with that id, or not one the asking editor may see."""


class NotRetryable(AdminError):
    """The delivery has not failed (it is queued, being sent, or sent)."""


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """One delivery as the dashboard shows it."""

    id: int
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    channel_id: int
    channel_kind: str
    channel_target: str
    site_id: int
    site_key: str
    event_id: str
    event_type: str
    group_id: int
    group_title: str
    group_url: str
    exact: str

    def as_json(self) -> dict[str, Any]:
        """The API's JSON shape."""
        return {
            "id": self.id,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "channel": {
                "id": self.channel_id,
                "kind": self.channel_kind,
                "target": self.channel_target,
            },
            "site": self.site_key,
            "event": {"id": self.event_id, "type": self.event_type},
            "group": {
                "id": self.group_id,
                "title": self.group_title,
                "url": self.group_url,
                "exact": self.exact,
            },
        }


_VIEW = (
    select(
        Delivery,
        Channel.kind,
        Channel.target,
        Site.id,
        Site.public_key,
        OutboxEvent.event_id,
        OutboxEvent.event_type,
        ErrorGroup.id,
        ErrorGroup.title,
        ErrorGroup.url,
        ErrorGroup.exact,
    )
    .join(Channel, Channel.id == Delivery.channel_id)
    .join(OutboxEvent, OutboxEvent.id == Delivery.outbox_id)
    .join(Site, Site.id == OutboxEvent.site_id)
    .join(ErrorGroup, ErrorGroup.id == OutboxEvent.group_id)
)


def _view(row: Any) -> DeliveryView:
    delivery, kind, target, site_id, site_key, event_id, event_type, group_id, title, url, exact = (
        row
    )
    return DeliveryView(
        id=delivery.id,
        status=delivery.status,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at,
        sent_at=delivery.sent_at,
        channel_id=delivery.channel_id,
        channel_kind=kind,
        channel_target=describe_target(kind, target),
        site_id=site_id,
        site_key=site_key,
        event_id=event_id,
        event_type=event_type,
        group_id=group_id,
        group_title=title,
        group_url=url,
        exact=exact,
    )


def list_deliveries(
    session: Session,
    site_ids: list[int] | None,
    status: str | None = FAILED,
    limit: int = PAGE_SIZE,
    before: int | None = None,
) -> list[DeliveryView]:
    """Deliveries newest first; `site_ids` None means every site, `before` pages by id."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise AdminError(f"a delivery status is one of {', '.join(DELIVERY_STATUSES)}")
    query = _VIEW
    if site_ids is not None:
        query = query.where(OutboxEvent.site_id.in_(site_ids))
    if status is not None:
        query = query.where(Delivery.status == status)
    if before is not None:
        query = query.where(Delivery.id < before)
    rows = session.execute(query.order_by(Delivery.id.desc()).limit(limit)).all()
    return [_view(row) for row in rows]


def failed_deliveries(
    session: Session, site_ids: list[int] | None, limit: int = PAGE_SIZE
) -> list[DeliveryView]:
    """The failed deliveries of these sites (None = all), newest first, with their last error."""
    return list_deliveries(session, site_ids, FAILED, limit)


def retry_delivery(
    session: Session, delivery_id: int, site_ids: list[int] | None = None
) -> DeliveryView:
    """Queue a failed delivery to be sent again now, with a fresh set of attempts.

    Raises DeliveryNotFound (unknown, or not on one of `site_ids`) or
    NotRetryable (it has not failed). The caller commits.
    """
    row = session.execute(_VIEW.where(Delivery.id == delivery_id)).first()
    if row is None:
        raise DeliveryNotFound(f"no delivery has the id {delivery_id}")
    view = _view(row)
    if site_ids is not None and view.site_id not in site_ids:
        raise DeliveryNotFound(f"no delivery has the id {delivery_id}")
    # Conditional, so two editors pressing "retry" at once queue it only once.
    changed = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == FAILED)
        .values(
            status=PENDING,
            attempts=0,
            next_attempt_at=datetime.now(UTC),
            locked_until=None,
            locked_by="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise NotRetryable(f"delivery {delivery_id} is {view.status}, not failed")
    session.expire(row[0])
    return _view(session.execute(_VIEW.where(Delivery.id == delivery_id)).one())
