"""Login per municipality, logout, and who the current user is on every request.

The session cookie holds only the user id, a session version and two times. The user is
reloaded on every request, so deactivating a user or bumping the version ends their sessions at
once; a session also ends after ``SESSION_IDLE_MINUTES`` without a request (default 30) and
``SESSION_ABSOLUTE_HOURS`` after the login (default 12), whatever the activity. A login starts a
fresh session (nothing from before survives it); with two-factor login the password step only
leaves a short-lived "code pending" mark, and the session proper begins after the code.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from gateway import accounts, audit, oidc
from gateway.db import get_db
from gateway.i18n import t
from gateway.metrics import LOGINS
from gateway.models import MUNICIPAL_ROLES, User
from gateway.redirects import safe_next
from gateway.rpc import ServiceUnavailable, call
from gateway.security import new_csrf_token
from services.common.numbers import try_parse_int

bp = Blueprint("auth", __name__)

KL_CHOICE = "kl"
CODE_PENDING_SECONDS = 300
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


def _end_session(expired: bool = False) -> None:
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
        _end_session(expired=True)
        return
    user = get_db().get(User, user_id)
    if user is None or not user.active or session.get("ver") != user.session_version:
        _end_session()
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


def actor() -> dict:
    """Who did it, as the services record it."""
    return {"user_id": g.user.id, "name": g.user.name, "role": g.user.role}


def audit_actor(user: User | None = None) -> audit.Actor:
    """Who did it, as the audit trail records it (the session user by default)."""
    user = user or g.get("user")
    if user is None:
        return audit.ANONYMOUS
    return audit.Actor(user.id, user.name, user.role)


def municipality_id() -> int:
    """The tenant of every call: always the session user's, never the URL's or the body's."""
    return g.user.municipality_id


def municipality_choices() -> tuple[list[dict], bool]:
    """Names for the select; if survey is down, the form falls back to a kommunekode field."""
    try:
        municipalities = call("survey", "list_municipalities")
    except ServiceUnavailable:
        return [], False
    return sorted(municipalities, key=lambda m: m["name"]), True


def municipality_names() -> dict[int, str]:
    """Kommunekode to name; empty when survey cannot be reached."""
    return {m["id"]: m["name"] for m in municipality_choices()[0]}


def parse_municipality(raw: str) -> tuple[bool, int | None]:
    """(valid, id): ``kl`` means no municipality."""
    raw = raw.strip().lower()
    if raw == KL_CHOICE:
        return True, None
    mid = try_parse_int(raw, "municipality", minimum=1, maximum=9999)
    return mid is not None, mid


def client_ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=("GET", "POST"))
def login() -> Any:
    """One form for everybody: choose municipality (or KL), e-mail and password; a municipality
    with its own identity provider gets a button that logs in there instead."""
    municipalities, survey_up = municipality_choices()
    names = {m["id"]: m["name"] for m in municipalities}
    status = 200
    error = t("session.expired") if session.pop("expired", False) else None
    chosen = request.values.get("municipality", "")
    email = request.form.get("email", "")
    if request.method == "POST":
        valid, mid = parse_municipality(chosen)
        password = request.form.get("password", "")
        provider = oidc.provider_for(mid)
        if provider is not None and not provider.password_login:
            error = t(
                "sso.password_off",
                municipality=names.get(mid) or t("municipality.code", code=mid),
                provider=provider.name,
            )
        elif not valid or not email.strip() or not password:
            error = t("login.failed")
            LOGINS.labels(outcome="failure").inc()
        else:
            db = get_db()
            result = accounts.authenticate(db, mid, email, password, client_ip())
            if result.locked_until is not None:
                error, status = t("login.throttled"), 429
                LOGINS.labels(outcome="throttled").inc()
                _audit_failure(db, mid, email, "login.throttled")
            elif result.user is None:
                error = t("login.failed")
                LOGINS.labels(outcome="failure").inc()
                _audit_failure(db, mid, email, "login.failed")
            elif result.user.totp_secret:
                return _ask_for_code(result.user, names.get(result.user.municipality_id))
            else:
                LOGINS.labels(outcome="success").inc()
                return start_session(
                    result.user,
                    names.get(result.user.municipality_id),
                    target=request.form.get("next"),
                )
    return (
        render_template(
            "login.html",
            municipalities=municipalities,
            survey_up=survey_up,
            sso_choices=oidc.login_choices(names),
            chosen=chosen,
            email=email,
            error=error,
            next=safe_next(request.values.get("next")),
        ),
        status,
    )


def _audit_failure(db: Any, municipality: int | None, email: str, action: str) -> None:
    """A failed login names the account only when it exists: a typed-in password in the
    e-mail field must not end up in the trail."""
    user = accounts.find_user(db, municipality, email)
    who = audit_actor(user) if user else audit.ANONYMOUS
    audit.write(db, action, who, municipality)
    db.commit()


def _ask_for_code(user: User, municipality_name: str | None) -> Any:
    """Password accepted; a fresh session that only remembers who must now type a code."""
    language = session.get("lang")
    session.clear()
    session["lang"] = language or user.language
    session["pending_uid"] = user.id
    session["pending_ver"] = user.session_version
    session["pending_at"] = time.time()
    session["pending_next"] = safe_next(request.form.get("next"))
    if municipality_name:
        session["pending_mname"] = municipality_name
    new_csrf_token()
    return redirect(url_for("auth.code"))


@bp.route("/login/kode", methods=("GET", "POST"))
def code() -> Any:
    """The second step of a two-factor login: the 6-digit code from the person's app."""
    user_id = session.get("pending_uid")
    fresh = time.time() - session.get("pending_at", 0) < CODE_PENDING_SECONDS
    db = get_db()
    user = db.get(User, user_id) if user_id is not None and fresh else None
    if user is None or session.get("pending_ver") != user.session_version:
        _end_session(expired=user_id is not None)
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        result = accounts.verify_code(db, user, request.form.get("code", ""), client_ip())
        if result.user is not None:
            LOGINS.labels(outcome="success").inc()
            target = session.get("pending_next")
            return start_session(user, session.get("pending_mname"), target)
        if result.locked_until is not None:
            error, status = t("login.throttled"), 429
            LOGINS.labels(outcome="throttled").inc()
            audit.write(db, "login.throttled", audit_actor(user), user.municipality_id)
        else:
            error, status = t("login.code_wrong"), 422
            LOGINS.labels(outcome="failure").inc()
            audit.write(
                db, "login.failed", audit_actor(user), user.municipality_id, detail={"step": "code"}
            )
        db.commit()
    return render_template("login_code.html", error=error), status


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


@bp.post("/logout")
def logout() -> Any:
    """Logging out ends the person's sessions everywhere: the cookie is signed, not stored, so a
    copy of it (another browser, a stolen cookie) stays valid until the version moves on."""
    if g.user is not None:
        db = get_db()
        g.user.session_version += 1
        audit.write(db, "logout", audit_actor(), g.user.municipality_id)
        db.commit()
    _end_session()
    flash(t("logout.done"), "success")
    return redirect(url_for("auth.login"))
