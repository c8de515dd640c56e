"""The delegate's side: a link opens the delegation, saves answers and submits them.

No nameko: the service hands in its session and its ``survey`` proxy, then commits and
publishes. In plain words:

* the link is the whole capability: unknown, malformed, tampered, expired and revoked links are
  all refused with the same NotFound, which says nothing about why;
* a link that works always opens, however many wrong ones its client sent: colleagues behind one
  public address (a municipality's NAT) must not lock each other's delegates out, and a 256-bit
  token cannot be guessed anyway. Only wrong links are counted (per hashed client address), and
  once a client has sent ``DELEGATION_LINK_MAX_FAILURES`` within the window its further wrong
  links get TooManyAttempts (not counted, so the block ends by itself);
* the scope is checked here (only the delegated questions, the delegation's unit), then survey
  stores the answers with the delegate as actor and still checks the values; a first save starts
  the delegation; answers can change only while the delegate still has to act.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common import localtime
from services.common.errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
)
from services.common.metrics import DELEGATE_LINKS_REFUSED
from services.common.outbox import utcnow
from services.delegation import mailing, records, scope, settings, states, tokens, views
from services.delegation.models import Delegation, DelegationToken, LinkFailure


def resolve(db: Session, token: str, client: str | None) -> Delegation:
    """The delegation behind a link, or NotFound (TooManyAttempts) that says nothing about why."""
    d = None
    if tokens.looks_like_token(token):
        d = db.scalar(
            select(Delegation)
            .join(DelegationToken, DelegationToken.delegation_id == Delegation.id)
            .where(DelegationToken.token_hash == tokens.token_hash(token))
        )
    reason = None
    if d is None:
        reason = "unknown"
    elif d.state == "revoked":
        reason = "revoked"
    elif tokens.is_expired(d.due_date, settings.grace_days(), utcnow()):
        reason = "expired"
    if reason is not None:
        refuse(db, client, reason)
    return d


def refuse(db: Session, client: str | None, reason: str) -> NoReturn:
    """Count a wrong link against its client, or refuse it outright once there were too many."""
    db.rollback()
    key = tokens.client_key(client)
    failures = db.scalar(
        select(func.count())
        .select_from(LinkFailure)
        .where(LinkFailure.client_key == key, LinkFailure.at >= utcnow() - settings.link_window())
    )
    if failures >= settings.link_max_failures():
        DELEGATE_LINKS_REFUSED.labels(reason="rate_limited").inc()
        raise TooManyAttempts("too many links that did not work; wait a while")
    db.add(LinkFailure(client_key=key, at=utcnow()))
    db.commit()
    DELEGATE_LINKS_REFUSED.labels(reason=reason).inc()
    raise NotFound("this link does not work", field="token")


def forget_old_failures(db: Session) -> None:
    """Wrong links older than the window no longer count: delete them (the caller commits)."""
    db.execute(
        LinkFailure.__table__.delete().where(LinkFailure.at < utcnow() - settings.link_window())
    )


def page(survey: object, d: Delegation) -> dict:
    """What the delegate's page shows, read from survey."""
    questionnaire = survey.get_questionnaire(d.year)
    answers = survey.get_answers(d.municipality_id, d.year, unit_id=d.unit_id)
    round_ = survey.get_round(d.year)
    return views.delegate_view(
        d,
        questionnaire,
        answers,
        round_.get("state"),
        localtime.local_today(),
        settings.grace_days(),
    )


def save(db: Session, survey: object, d: Delegation, answers: list) -> int:
    """Scope check here, then survey stores the answers with the delegate as the actor."""
    if d.state not in states.EDITABLE:
        raise Conflict(f"the answers are {d.state} and can no longer be changed", "state")
    if not isinstance(answers, list):
        raise ValidationFailed("answers must be a list", field="answers")
    try:
        checked = scope.check_answers_in_scope(answers, list(d.question_keys), d.unit_id)
    except scope.ScopeInvalid as exc:
        raise Forbidden(exc.problem, field=exc.field) from exc
    if not checked:
        return 0
    result = survey.save_answers(d.municipality_id, d.year, checked, views.delegate_actor(d))
    db.refresh(d, with_for_update=True)
    if d.state in ("assigned", "sent_back"):
        actor = {"user_id": None, "name": d.delegate_name, "role": "delegate"}
        records.move(db, d, "start", actor)
    return int(result.get("saved", 0))


def submit(db: Session, d: Delegation) -> list:
    """Hand the answers to the delegator for review (with a mail); returns the event rows."""
    db.refresh(d, with_for_update=True)
    actor = views.delegate_actor(d)
    actor["name"] = d.delegate_name
    rows = records.move(db, d, "submit", actor)
    d.review_comment = None
    if d.delegator_email:
        mailing.queue(
            db,
            d,
            "submitted",
            f"submitted:{d.id}:{d.revision}",
            {"review_url": f"{settings.public_base_url()}/runder/{d.year}/delegeringer/{d.id}"},
            to_delegate=False,
        )
    return rows
