"""Login per municipality with password (and two-factor code), and logout.

One form for everybody; a municipality with its own identity provider gets a button that logs in
there instead (``oidc``). With two-factor login the password step only leaves a short-lived
"code pending" mark, and the session proper begins after the code (``access.start_session``).
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from gateway import audit
from gateway.access import audit_actor, client_ip, end_session, start_session
from gateway.db import get_db
from gateway.i18n import t
from gateway.identity import authentication, oidc
from gateway.identity.accounts import find_user
from gateway.lookups import municipality_choices, parse_municipality
from gateway.metrics import LOGINS
from gateway.models import User
from gateway.redirects import safe_next
from gateway.security import new_csrf_token

bp = Blueprint("auth", __name__)


CODE_PENDING_SECONDS = 300


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
            result = authentication.authenticate(db, mid, email, password, client_ip())
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
    user = find_user(db, municipality, email)
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
    if user_id is None:
        # Nothing pending: a plain link here must never end somebody's session.
        return redirect(url_for("dashboard.index" if g.user is not None else "auth.login"))
    fresh = time.time() - session.get("pending_at", 0) < CODE_PENDING_SECONDS
    db = get_db()
    user = db.get(User, user_id) if user_id is not None and fresh else None
    if user is None or session.get("pending_ver") != user.session_version:
        end_session(expired=True)
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        result = authentication.verify_code(db, user, request.form.get("code", ""), client_ip())
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


@bp.post("/logout")
def logout() -> Any:
    """Logging out ends the person's sessions everywhere: the cookie is signed, not stored, so a
    copy of it (another browser, a stolen cookie) stays valid until the version moves on."""
    if g.user is not None:
        db = get_db()
        g.user.session_version += 1
        audit.write(db, "logout", audit_actor(), g.user.municipality_id)
        db.commit()
    end_session()
    flash(t("logout.done"), "success")
    return redirect(url_for("auth.login"))
