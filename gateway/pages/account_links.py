"""``/konto/invitation/<token>`` and ``/konto/nulstil/<token>``: choose a password through an
e-mailed one-time link; ``/glemt-adgangskode``: ask for such a link.

A refused link (unknown, used, expired, tampered, disabled account) always gets the same page,
and refusals are counted per client so that guessing tokens is throttled; a link that works
always opens, so colleagues behind one address cannot lock each other out. Asking for a reset
says the same thing whether or not the account exists, and takes the same time: the request
only hands the address to ``gateway.background``, which issues the link and queues the mail.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from gateway import audit, background
from gateway.access import audit_actor, client_ip
from gateway.db import get_db
from gateway.i18n import t
from gateway.identity import accounts, links
from gateway.identity.mail import municipality_name, send_link
from gateway.lookups import municipality_choices, parse_municipality

bp = Blueprint("account_links", __name__)

PURPOSES = {"invitation": "account.activated", "reset": "password.reset"}


def _refused(status: int = 404) -> Any:
    return render_template("account/link_invalid.html"), status


def _link_page(token: str, purpose: str) -> Any:
    db = get_db()
    found = links.find_link(db, token, purpose)
    if found is None:
        if links.link_locked(db, client_ip()):
            return _refused(429)
        links.link_refused(db, client_ip())
        return _refused()
    _link, user = found
    error, status = None, 200
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            error, status = t("password.mismatch"), 422
        else:
            try:
                done = links.complete_link(db, token, purpose, password, client_ip())
            except accounts.AccountError as exc:
                db.rollback()
                error, status = t(exc.key, min=accounts.MIN_PASSWORD_LENGTH), 422
            else:
                if done is None:
                    return _refused()
                audit.write(db, PURPOSES[purpose], audit_actor(done), done.municipality_id)
                db.commit()
                flash(t(f"account.link.done.{purpose}"), "success")
                return redirect(url_for("auth.login"))
    return (
        render_template(
            "account/set_password.html",
            purpose=purpose,
            user=user,
            error=error,
            min_length=accounts.MIN_PASSWORD_LENGTH,
        ),
        status,
    )


@bp.route("/konto/invitation/<token>", methods=("GET", "POST"))
def invitation(token: str) -> Any:
    return _link_page(token, "invitation")


@bp.route("/konto/nulstil/<token>", methods=("GET", "POST"))
def reset(token: str) -> Any:
    return _link_page(token, "reset")


@bp.route("/glemt-adgangskode", methods=("GET", "POST"))
def forgot() -> Any:
    municipalities, survey_up = municipality_choices()
    chosen = request.form.get("municipality", "")
    email = request.form.get("email", "")
    if request.method == "POST":
        valid, mid = parse_municipality(chosen)
        if valid and email.strip():
            background.submit(partial(send_reset, mid, email, client_ip()))
            flash(t("account.forgot.sent"), "success")
            return redirect(url_for("auth.login"))
    return render_template(
        "account/forgot.html",
        municipalities=municipalities,
        survey_up=survey_up,
        chosen=chosen,
        email=email,
    )


def send_reset(municipality_id: int | None, email: str, ip: str) -> None:
    """A reset link by e-mail if the account may have one (``links.request_reset``); runs in
    ``gateway.background``, so the asker cannot time whether it found an account."""
    db = get_db()
    issued = links.request_reset(db, municipality_id, email, ip)
    if issued is None:
        return
    user, link = issued
    send_link(user, "reset", link, municipality_name(municipality_id))
    audit.write(db, "password.reset_requested", audit_actor(user), municipality_id)
    db.commit()
