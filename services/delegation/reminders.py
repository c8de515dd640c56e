"""The daily mails: reminders to delegates and digests to those who manage delegations.

No nameko: the service's timer hands in its session, its proxies and ``commit`` (commit, publish
the event rows, hand the mails over), so that each mail is its own transaction and one failure
costs no other. The rules are in ``scheduling`` and ``digest``; in plain words:

* a delegate who still has to act, whose link still works, is reminded when a schedule point has
  arrived that is later than the last mail they got; at most once a day (the key
  ``reminder:<id>:<day>`` lets the mail service refuse a second);
* a digest goes once a day, after the configured local hour, to each user who turned it on and
  has an address, listing the active delegations they manage; nothing is sent about nothing;
  a unit lead's digest waits for another day while survey cannot say which units are theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common import localtime
from services.common.errors import ValidationFailed
from services.common.localtime import LOCAL_TIME
from services.common.outbox import utcnow
from services.delegation import digest, mailing, records, scheduling, scope, settings, tokens, views
from services.delegation.models import Delegation, DigestSubscription

Commit = Callable[[list], None]


def queue_reminders(db: Session, commit: Commit) -> int:
    """Queue the reminders that are due today, each in its own transaction; how many."""
    today = localtime.local_today()
    schedule = settings.reminder_schedule()
    queued = 0
    for d in records.editable(db):
        if tokens.is_expired(d.due_date, schedule.grace_days, utcnow()):
            continue
        point = scheduling.reminder_due(d.state, d.due_date, d.last_mailed_on, today, schedule)
        if point is None:
            continue
        d.last_mailed_on = today
        mailing.queue(
            db,
            d,
            "reminder",
            f"reminder:{d.id}:{today.isoformat()}",
            {"overdue": point[1] == "overdue"},
        )
        commit([])
        queued += 1
    return queued


def subscription(db: Session, municipality_id: int, actor: dict) -> DigestSubscription | None:
    """The actor's digest setting; only a user with an account has one."""
    if actor.get("user_id") is None:
        raise ValidationFailed("only a user with an account has a digest", field="user_id")
    return db.scalar(
        select(DigestSubscription).where(
            DigestSubscription.municipality_id == municipality_id,
            DigestSubscription.user_id == actor["user_id"],
        )
    )


def set_digest(db: Session, municipality_id: int, actor: dict, enabled: bool) -> bool:
    """Turn the actor's digest on or off, keeping their name, role and address current."""
    if enabled and not actor.get("email"):
        raise ValidationFailed("the digest needs your e-mail address", field="email")
    row = subscription(db, municipality_id, actor)
    if row is None:
        row = DigestSubscription(
            municipality_id=municipality_id, user_id=actor["user_id"], enabled=False
        )
        db.add(row)
    row.enabled = bool(enabled)
    row.name, row.role, row.unit_id = actor["name"], actor["role"], actor.get("unit_id")
    row.email = actor.get("email") or row.email or ""
    db.commit()
    return row.enabled


def send_digests(db: Session, survey: object, mail: object, commit: Commit) -> int:
    """The daily overview for those who turned it on; how many were requested."""
    now_local = datetime.now(LOCAL_TIME)
    hour = settings.digest_hour()
    sent = 0
    subscriptions = db.scalars(
        select(DigestSubscription).where(DigestSubscription.enabled.is_(True))
    ).all()
    for sub in subscriptions:
        if not sub.email or not digest.digest_due(now_local, hour, sub.last_sent_on):
            continue
        sub.last_sent_on = now_local.date()
        delegations, rows = digest_rows(db, survey, mail, sub)
        if rows:
            mailing.request(
                db,
                digest.digest_key(sub.id, now_local.date()),
                digest.digest_message(
                    municipality_id=sub.municipality_id,
                    municipality_name=delegations[0].municipality_name,
                    recipient_name=sub.name,
                    recipient_email=sub.email,
                    rows=rows,
                    today=now_local.date(),
                    overview_url=settings.overview_url(delegations[0].year),
                ),
            )
            sent += 1
        commit([])
    return sent


def digest_rows(
    db: Session, survey: object, mail: object, sub: DigestSubscription
) -> tuple[list[Delegation], list[dict]]:
    """The active delegations the subscriber manages, and their lines in the digest."""
    delegations = records.active_by_due_date(db, sub.municipality_id)
    if sub.role != "coordinator":
        try:
            units = survey.list_units(sub.municipality_id)
        except Exception:  # noqa: BLE001 - survey down: tomorrow's digest covers it
            return [], []
        actor = {"role": sub.role, "unit_id": sub.unit_id}
        allowed = scope.manageable_unit_ids(actor, units) or set()
        delegations = [d for d in delegations if d.unit_id in allowed]
    mails = mailing.mails_of(db, mail, [d.id for d in delegations])
    today = localtime.local_today()
    grace = settings.grace_days()
    rows = [
        digest.digest_row(views.summary(d, mails[d.id], today, grace), *views.scope_names(d))
        for d in delegations
    ]
    return delegations, rows
