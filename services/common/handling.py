"""Applying an event in a nameko handler the one way every projection does it.

nameko acks a handler's message even when it raises, and requeueing a poison message would
loop, so handlers never raise: a payload that breaks the contract is dropped and counted; a
write race is retried once; any other failure is counted, logged and handed to ``on_failure``
(which marks what the reconciler must repair).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

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
) -> bool:
    """Apply and commit; True when the event is in the database."""
    try:
        event = load_event(event_type, payload)
    except EventContractError:
        EVENTS_FAILED.labels(service=service, event=event_type).inc()
        log.exception("%s: %s breaks the event contract; dropped", service, event_type)
        return False
    for attempt in (1, 2):
        try:
            apply(event)
            db.commit()
            return True
        except (IntegrityError, DBAPIError) as exc:
            db.rollback()
            if attempt == 2:
                _give_up(db, service, event_type, event, exc, on_failure)
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            db.rollback()
            _give_up(db, service, event_type, event, exc, on_failure)
            return False
    return False


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
