"""Login per municipality, logout, and who the current user is on every request.

The session cookie holds only the user id and a session version. The user is reloaded on every
request, so deactivating a user or bumping the version ends their sessions at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from gateway import accounts, oidc
from gateway.db import get_db
from gateway.i18n import t
from gateway.metrics import LOGINS
from gateway.models import MUNICIPAL_ROLES, User
from gateway.rpc import ServiceUnavailable, call
from gateway.security import new_csrf_token

bp = Blueprint("auth", __name__)

KL_CHOICE = "kl"


def init_app(app: Flask) -> None:
    app.before_request(load_logged_in_user)
    app.context_processor(_user_context)


def _user_context() -> dict[str, Any]:
    user = g.get("user")
    if user is None or user.municipality_id is None:
        return {"municipality_name": None}
    name = session.get("mname") or t("municipality.code", code=user.municipality_id)
    return {"municipality_name": name}


def load_logged_in_user() -> None:
    """Reload the user behind the session; an inactive or outdated session is dropped."""
    g.user = None
    user_id = session.get("uid")
    if user_id is None or request.endpoint == "static":
        return
    user = get_db().get(User, user_id)
    if user is None or not user.active or session.get("ver") != user.session_version:
        session.clear()
        return
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


def municipality_id() -> int:
    """The tenant of every call: always the session user's, never the URL's or the body's."""
    return g.user.municipality_id


def safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _municipality_choices() -> tuple[list[dict], bool]:
    """Names for the select; if survey is down, the form falls back to a kommunekode field."""
    try:
        municipalities = call("survey", "list_municipalities")
    except ServiceUnavailable:
        return [], False
    return sorted(municipalities, key=lambda m: m["name"]), True


def municipality_names() -> dict[int, str]:
    """Kommunekode to name; empty when survey cannot be reached."""
    return {m["id"]: m["name"] for m in _municipality_choices()[0]}


def _parse_municipality(raw: str) -> tuple[bool, int | None]:
    """(valid, id): ``kl`` means no municipality."""
    raw = raw.strip().lower()
    if raw == KL_CHOICE:
        return True, None
    if raw.isdigit() and 0 < int(raw) < 10000:
        return True, int(raw)
    return False, None


def _client_ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=("GET", "POST"))
def login() -> Any:
    """One form for everybody: choose municipality (or KL), e-mail and password; a municipality
    with its own identity provider gets a button that logs in there instead."""
    municipalities, survey_up = _municipality_choices()
    names = {m["id"]: m["name"] for m in municipalities}
    status = 200
    error = None
    chosen = request.values.get("municipality", "")
    email = request.form.get("email", "")
    if request.method == "POST":
        valid, mid = _parse_municipality(chosen)
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
            result = accounts.authenticate(get_db(), mid, email, password, _client_ip())
            if result.locked_until is not None:
                error, status = t("login.throttled"), 429
                LOGINS.labels(outcome="throttled").inc()
            elif result.user is None:
                error = t("login.failed")
                LOGINS.labels(outcome="failure").inc()
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


def start_session(user: User, municipality_name: str | None, target: str | None = None) -> Any:
    """A fresh session on login, so nothing from before (or planted) carries over; then on to
    ``target`` when it is a local path."""
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["ver"] = user.session_version
    session["lang"] = language or user.language
    if municipality_name:
        session["mname"] = municipality_name
    new_csrf_token()
    flash(t("login.welcome", name=user.name), "success")
    return redirect(safe_next(target) or url_for("dashboard.index"))


@bp.post("/logout")
def logout() -> Any:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(t("logout.done"), "success")
    return redirect(url_for("auth.login"))
