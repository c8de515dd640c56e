"""Who is asking, on every request: the session, its decorators and the acting user.

The session cookie holds only the user id, a session version and two times. The user is
reloaded on every request, so deactivating a user or bumping the version ends their sessions at
once; a session also ends after ``SESSION_IDLE_MINUTES`` without a request (default 30) and
``SESSION_ABSOLUTE_HOURS`` after the login (default 12), whatever the activity. A login starts a
fresh session (``start_session``: nothing from before survives it). The decorators are the one
place that says which roles reach a view; the acting user is handed to the services as
``actor`` (``manager`` for delegations) and to the audit trail as ``audit_actor``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)

from gateway import audit
from gateway.db import get_db
from gateway.i18n import t
from gateway.models import MUNICIPAL_ROLES, User
from gateway.redirects import safe_next
from gateway.security import new_csrf_token

KL_ROLES = ("kl_analyst", "admin")
MANAGERS = ("coordinator", "unit_lead")
TOUCH_EVERY_SECONDS = 60


def init_app(app: Flask) -> None:
    app.before_request(load_logged_in_user)
    app.context_processor(_user_context)


def _user_context() -> dict[str, Any]:
    user = g.get("user")
    if user is None or user.municipality_id is None:
        return {"municipality_name": None}
    name = session.get("mname") or t("municipality.code", code=user.municipality_id)
    return {"municipality_name": name}


def end_session(expired: bool = False) -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    if expired:
        session["expired"] = True


def session_expired(
    started: float, last_seen: float, now: float, idle: float, absolute: float
) -> bool:
    """True when the session has been idle too long or lived too long (all in seconds)."""
    return now - last_seen > idle or now - started > absolute


def load_logged_in_user() -> None:
    """Reload the user behind the session; an inactive, outdated or timed-out session ends."""
    g.user = None
    user_id = session.get("uid")
    if user_id is None or request.endpoint == "static":
        return
    now = time.time()
    started, seen = session.get("iat", 0), session.get("seen", 0)
    config = current_app.config
    if session_expired(
        started, seen, now, config["SESSION_IDLE_SECONDS"], config["SESSION_ABSOLUTE_SECONDS"]
    ):
        end_session(expired=True)
        return
    user = get_db().get(User, user_id)
    if user is None or not user.active or session.get("ver") != user.session_version:
        end_session()
        return
    if now - seen > TOUCH_EVERY_SECONDS:
        session["seen"] = now
    g.user = user


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def login_required(view: Callable) -> Callable:
    """Pages send an anonymous visitor to the login page; the API answers 401."""

    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> Any:
        if g.user is None:
            if is_api_request():
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def municipality_required(view: Callable) -> Callable:
    """Pages and API about one municipality's data: KL analysts and admins get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(**kwargs: Any) -> Any:
        if g.user.role not in MUNICIPAL_ROLES or g.user.municipality_id is None:
            abort(403)
        return view(**kwargs)

    return wrapped


def admin_required(view: Callable) -> Callable:
    """National administration (questionnaires, rounds): the platform administrator only."""

    @functools.wraps(view)
    @login_required
    def wrapped(**kwargs: Any) -> Any:
        if g.user.role != "admin":
            abort(403)
        return view(**kwargs)

    return wrapped


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Changes that only some municipal roles may make (e.g. units: the coordinator)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @municipality_required
        def wrapped(**kwargs: Any) -> Any:
            if g.user.role not in roles:
                abort(403)
            return view(**kwargs)

        return wrapped

    return decorator


def kl_required(view: Callable) -> Callable:
    """Aggregates for KL analysts (and admins); municipal users get 403 here.

    These views take no municipality from anywhere: what they show is built from groups only.
    """

    @functools.wraps(view)
    @login_required
    def wrapped(**kwargs: Any) -> Any:
        if g.user.role not in KL_ROLES or g.user.municipality_id is not None:
            abort(403)
        return view(**kwargs)

    return wrapped


def actor() -> dict:
    """Who did it, as the services record it."""
    return {"user_id": g.user.id, "name": g.user.name, "role": g.user.role}


def manager() -> dict:
    """The acting coordinator or unit lead as the delegation service records them."""
    return {
        "user_id": g.user.id,
        "name": g.user.name,
        "role": g.user.role,
        "email": g.user.email,
        "unit_id": g.user.unit_id,
    }


def audit_actor(user: User | None = None) -> audit.Actor:
    """Who did it, as the audit trail records it (the session user by default)."""
    user = user or g.get("user")
    if user is None:
        return audit.ANONYMOUS
    return audit.Actor(user.id, user.name, user.role)


def municipality_id() -> int:
    """The tenant of every call: always the session user's, never the URL's or the body's."""
    return g.user.municipality_id


def client_ip() -> str:
    return request.remote_addr or "unknown"


def start_session(user: User, municipality_name: str | None, target: str | None = None) -> Any:
    """A fresh session on login, so nothing from before (or planted) carries over; then on to
    ``target`` when it is a local path."""
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["ver"] = user.session_version
    session["lang"] = language or user.language
    session["iat"] = session["seen"] = time.time()
    if municipality_name:
        session["mname"] = municipality_name
    new_csrf_token()
    db = get_db()
    audit.write(db, "login.succeeded", audit_actor(user), user.municipality_id)
    db.commit()
    flash(t("login.welcome", name=user.name), "success")
    return redirect(safe_next(target) or url_for("dashboard.index"))
