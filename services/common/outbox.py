"""Transactional outbox: an event that must follow a commit is written in the same transaction.

The worker that committed publishes its own rows right away; a timer publishes whatever is left
(RabbitMQ was down, the process died between commit and publish). Consumers are idempotent, so
the rare double publish after a crash is harmless, while a lost event is impossible.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.common.events import make_event
from services.common.metrics import EVENTS_DISPATCHED, OUTBOX_PENDING

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class OutboxMixin:
    """Columns of a service's ``outbox`` table; mix into a model of the service's own Base."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


def add_event(
    session: Session, model: type, event_type: str, payload: dict, municipality_id: int | None
) -> object:
    """Stage an event in the caller's transaction; it is published only if that commits."""
    row = model(event_type=event_type, payload="{}")
    session.add(row)
    session.flush()
    row.payload = json.dumps(make_event(event_type, payload, municipality_id, sequence=row.id))
    return row


def publish(
    session: Session,
    model: type,
    dispatch: Callable[[str, dict], None],
    service: str,
    rows: Iterable | None = None,
    older_than: timedelta | None = None,
    limit: int = 500,
) -> int:
    """Publish pending rows in sequence order; stop at the first failure to keep the order.

    ``rows`` are the rows the caller just committed: they are published as they are, without
    reading them back (one query less on every save); otherwise pending rows are read.
    """
    if rows is not None:
        pending = sorted((r for r in rows if r.dispatched_at is None), key=lambda r: r.id)
    else:
        query = select(model).where(model.dispatched_at.is_(None)).order_by(model.id).limit(limit)
        if older_than is not None:
            query = query.where(model.created_at <= utcnow() - older_than)
        pending = session.scalars(query).all()
    sent = 0
    for row in pending:
        try:
            dispatch(row.event_type, json.loads(row.payload))
        except Exception:
            row.attempts += 1
            session.commit()
            OUTBOX_PENDING.labels(service=service).inc()
            log.warning("outbox: publishing %s #%s failed; will retry", row.event_type, row.id)
            return sent
        row.dispatched_at = utcnow()
        _commit_without_waiting_for_disk(session)
        EVENTS_DISPATCHED.labels(service=service, event=row.event_type).inc()
        sent += 1
    return sent


def _commit_without_waiting_for_disk(session: Session) -> None:
    """Commit a "dispatched" mark without waiting for PostgreSQL to flush it to disk.

    Losing the mark in a database crash only means the event is published once more, which
    consumers ignore; waiting for the flush cost a save about as much as its own commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    session.commit()
