"""The accounts single sign-on makes: found by the provider's subject, else by e-mail within
the same municipality, never across municipalities.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.identity.accounts import find_user
from gateway.identity.sso import Identity, Refused
from gateway.models import (
    User,
)

# The password hash of a user made by single sign-on: no password ever verifies against it.
NO_PASSWORD = "!sso"  # noqa: S105 - not a secret: a value no hash check accepts


def _find_by_subject(db: Session, municipality_id: int, subject: str) -> User | None:
    return db.scalars(
        select(User).where(User.municipality_id == municipality_id, User.oidc_subject == subject)
    ).first()


def provision_sso_user(db: Session, municipality_id: int, identity: Identity) -> User:
    """Create or update the user the identity provider vouched for (flushed, not committed).

    Found by the provider's subject, else by e-mail within the same municipality (an account
    made before single sign-on, or before the municipality changed provider), so a claim can
    never reach a user of another municipality. Role, unit, name and e-mail follow the provider.
    """
    user = _find_by_subject(db, municipality_id, identity.subject)
    same_email = find_user(db, municipality_id, identity.email)
    if user is None:
        user = same_email
    elif same_email is not None and same_email.id != user.id:
        raise Refused("email_taken")
    if user is None:
        user = User(
            municipality_id=municipality_id,
            password_hash=NO_PASSWORD,
            active=True,
            language="da",
        )
        db.add(user)
    elif not user.active:
        raise Refused("inactive")
    user.email = identity.email
    user.name = identity.name
    user.role = identity.role
    user.unit_id = identity.unit_id
    user.oidc_subject = identity.subject
    db.flush()
    return user


def end_sso_sessions(db: Session, municipality_id: int, subject: str) -> None:
    """The provider no longer gives this person a role: end their open sessions (not committed)."""
    user = _find_by_subject(db, municipality_id, subject)
    if user is not None:
        user.session_version += 1
