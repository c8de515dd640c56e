"""``/konto``: the person's own account. Change the password; coordinators and admins turn
two-factor login (TOTP) on or off.

Turning it on is two steps: a fresh secret is shown (kept in the session until confirmed, never
in the database before), and it is saved only when a code from the app matches. Changing the
password or the two-factor setting ends the person's other sessions; this one continues.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from gateway import audit
from gateway.access import audit_actor, login_required
from gateway.db import get_db
from gateway.i18n import t
from gateway.identity import accounts, authentication, totp

bp = Blueprint("account", __name__)


def _page(error: str | None = None, status: int = 200) -> Any:
    secret = session.get("totp_new")
    uri = totp.provisioning_uri(secret, g.user.email) if secret else None
    return (
        render_template(
            "account/account.html",
            error=error,
            may_use_totp=g.user.role in accounts.TOTP_ROLES,
            new_secret=totp.grouped(secret) if secret else None,
            new_uri=uri,
            new_qr=totp.qr_data_uri(uri) if uri else None,
            min_length=accounts.MIN_PASSWORD_LENGTH,
        ),
        status,
    )


def _keep_this_session() -> None:
    session["ver"] = g.user.session_version


@bp.get("/konto")
@login_required
def index() -> Any:
    return _page()


@bp.post("/konto/adgangskode")
@login_required
def change_password() -> Any:
    db = get_db()
    if not authentication.check_password(g.user, request.form.get("current", "")):
        return _page(t("account.current_wrong"), 422)
    new = request.form.get("password", "")
    if new != request.form.get("password_again", ""):
        return _page(t("password.mismatch"), 422)
    try:
        accounts.set_password(db, g.user, new)
    except accounts.AccountError as exc:
        db.rollback()
        return _page(t(exc.key, min=accounts.MIN_PASSWORD_LENGTH), 422)
    audit.write(db, "password.changed", audit_actor(), g.user.municipality_id)
    db.commit()
    _keep_this_session()
    flash(t("account.password_changed"), "success")
    return redirect(url_for("account.index"))


@bp.post("/konto/totp/start")
@login_required
def totp_start() -> Any:
    if g.user.role not in accounts.TOTP_ROLES:
        return _page(t("account.totp.not_for_role"), 403)
    session["totp_new"] = totp.new_secret()
    return redirect(url_for("account.index"))


@bp.post("/konto/totp/bekraeft")
@login_required
def totp_confirm() -> Any:
    secret = session.get("totp_new")
    if not secret:
        return redirect(url_for("account.index"))
    db = get_db()
    try:
        enabled = accounts.enable_totp(db, g.user, secret, request.form.get("code", ""))
    except accounts.AccountError:
        return _page(t("account.totp.not_for_role"), 403)
    if not enabled:
        return _page(t("login.code_wrong"), 422)
    audit.write(db, "totp.enabled", audit_actor(), g.user.municipality_id)
    db.commit()
    session.pop("totp_new", None)
    _keep_this_session()
    flash(t("account.totp.enabled"), "success")
    return redirect(url_for("account.index"))


@bp.post("/konto/totp/fra")
@login_required
def totp_off() -> Any:
    db = get_db()
    if not authentication.check_password(g.user, request.form.get("current", "")):
        return _page(t("account.current_wrong"), 422)
    accounts.disable_totp(db, g.user)
    audit.write(db, "totp.disabled", audit_actor(), g.user.municipality_id)
    db.commit()
    flash(t("account.totp.disabled"), "success")
    return redirect(url_for("account.index"))
