"""Applying an event in a nameko handler the one way every projection does it.

A payload that breaks the contract can never be applied: it is counted and raised as
``PoisonMessage``, so the handler's entrypoint (``services.common.deadletter``) rejects it into
the dead-letter queue where an operator sees it. A write race is retried once; any other failure
is counted, handed to ``on_failure`` (which marks what the reconciler must repair) and raised,
so the message is dead-lettered as well instead of silently acked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from services.common.deadletter import PoisonMessage
from services.common.events import EventContractError, load_event
from services.common.metrics import EVENTS_FAILED

log = logging.getLogger(__name__)


def apply_event(
    db: Session,
    service: str,
    event_type: str,
    payload: dict,
    apply: Callable[[dict], None],
    on_failure: Callable[[dict], None],
) -> None:
    """Apply and commit, or raise ``PoisonMessage`` after counting and marking the failure."""
    try:
        event = load_event(event_type, payload)
    except EventContractError as exc:
        EVENTS_FAILED.labels(service=service, event=event_type).inc()
        raise PoisonMessage(f"{event_type} breaks the event contract") from exc
    for attempt in (1, 2):
        try:
            apply(event)
            db.commit()
            return
        except (IntegrityError, DBAPIError) as exc:
            db.rollback()
            if attempt == 2:
                _give_up(db, service, event_type, event, exc, on_failure)
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            db.rollback()
            _give_up(db, service, event_type, event, exc, on_failure)


def _give_up(
    db: Session,
    service: str,
    event_type: str,
    event: dict,
    exc: Exception,
    on_failure: Callable[[dict], None],
) -> None:
    EVENTS_FAILED.labels(service=service, event=event_type).inc()
    log.error("%s: applying %s failed (%s); reconciliation will repair", service, event_type, exc)
    try:
        on_failure(event)
        db.commit()
    except Exception:  # noqa: BLE001 - the reconciler compares with the source as well
        db.rollback()
    raise PoisonMessage(f"applying {event_type} failed: {type(exc).__name__}") from exc
