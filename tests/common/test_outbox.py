"""The outbox publishes in order, keeps what failed, and never loses a committed event."""

import json

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Session

from services.common import outbox


class Base(DeclarativeBase):
    pass


class Outbox(outbox.OutboxMixin, Base):
    pass


def make_session(tmp_path) -> Session:
    engine = create_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    Base.metadata.create_all(engine)
    return Session(engine)


def pending(session) -> int:
    return session.scalar(select(func.count()).where(Outbox.dispatched_at.is_(None)))


def stage(session, year):
    row = outbox.add_event(
        session, Outbox, "round_state_changed", {"year": year, "state": "open"}, None
    )
    session.commit()
    return row


def test_rolled_back_events_are_never_published(tmp_path):
    session = make_session(tmp_path)
    outbox.add_event(session, Outbox, "round_state_changed", {"year": 1, "state": "open"}, None)
    session.rollback()
    sent = []
    assert outbox.publish(session, Outbox, lambda t, p: sent.append(p), "test") == 0
    assert sent == []


def test_failure_keeps_the_rest_for_later_in_order(tmp_path):
    session = make_session(tmp_path)
    for year in (2024, 2025, 2026):
        stage(session, year)
    sent = []

    def flaky(event_type, payload):
        if payload["year"] == 2025 and not getattr(flaky, "healed", False):
            raise ConnectionError("broker down")
        sent.append(payload["year"])

    assert outbox.publish(session, Outbox, flaky, "test") == 1
    assert sent == [2024]
    assert pending(session) == 2
    flaky.healed = True
    assert outbox.publish(session, Outbox, flaky, "test") == 2
    assert sent == [2024, 2025, 2026]
    assert pending(session) == 0
    row = session.get(Outbox, 2)
    assert row.attempts == 1
    assert json.loads(row.payload)["sequence"] == 2


def test_the_rows_just_committed_are_published_in_order_without_reading_them_back(tmp_path):
    session = make_session(tmp_path)
    first, second, third = (stage(session, year) for year in (2024, 2025, 2026))
    sent = []
    assert (
        outbox.publish(session, Outbox, lambda t, p: sent.append(p["year"]), "test", [first]) == 1
    )
    assert (
        outbox.publish(
            session,
            Outbox,
            lambda t, p: sent.append(p["year"]),
            "test",
            rows=[third, first, second],
        )
        == 2
    )
    assert sent == [2024, 2025, 2026]
    assert pending(session) == 0
