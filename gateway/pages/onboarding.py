"""``/admin/kommuner``: the platform administrator onboards a municipality by inviting its
security coordinator; the coordinator then invites the colleagues (``/brugere``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from gateway import audit
from gateway.access import admin_required, audit_actor
from gateway.db import get_db
from gateway.i18n import t
from gateway.identity import accounts, links
from gateway.identity.mail import send_link
from gateway.lookups import municipality_choices
from gateway.models import User

bp = Blueprint("onboarding", __name__, url_prefix="/admin")


def _page(error: str | None = None, values: dict | None = None, status: int = 200) -> Any:
    municipalities, survey_up = municipality_choices()
    coordinators = get_db().scalars(
        select(User).where(User.role == "coordinator").order_by(User.municipality_id, User.name)
    )
    return (
        render_template(
            "account/onboarding.html",
            municipalities=municipalities,
            names={m["id"]: m["name"] for m in municipalities},
            survey_up=survey_up,
            coordinators=list(coordinators),
            error=error,
            values=values or {},
        ),
        status,
    )


@bp.get("/kommuner")
@admin_required
def index() -> Any:
    return _page()


def _invite_mail(user: User, link: links.IssuedLink, name: str) -> None:
    if send_link(user, "invitation", link, name, inviter_name=g.user.name):
        flash(t("users.invited", email=user.email), "success")
    else:
        flash(t("users.mail_unavailable", email=user.email), "error")


@bp.post("/kommuner")
@admin_required
def onboard() -> Any:
    form = {k: request.form.get(k, "") for k in ("municipality", "name", "email", "language")}
    names = {str(m["id"]): m["name"] for m in municipality_choices()[0]}
    if form["municipality"] not in names:
        return _page(t("onboarding.choose_municipality"), form, 422)
    db = get_db()
    mid = int(form["municipality"])
    try:
        user, link = links.invite_user(
            db,
            municipality_id=mid,
            email=form["email"],
            name=form["name"],
            role="coordinator",
            language=form["language"] or "da",
        )
    except accounts.AccountError as exc:
        db.rollback()
        return _page(t(exc.key), form, 422)
    audit.write(
        db,
        "municipality.onboarded",
        audit_actor(),
        mid,
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id, "role": "coordinator"},
    )
    db.commit()
    _invite_mail(user, link, names[form["municipality"]])
    return redirect(url_for("onboarding.index"))


@bp.post("/kommuner/koordinator/<int:user_id>/invitation")
@admin_required
def resend(user_id: int) -> Any:
    db = get_db()
    user = db.get(User, user_id)
    if user is None or user.role != "coordinator":
        abort(404)
    if not user.invited or not user.active:
        abort(409)
    link = links.issue_link(db, user, "invitation")
    audit.write(
        db,
        "user.invitation_resent",
        audit_actor(),
        user.municipality_id,
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id},
    )
    db.commit()
    names = {m["id"]: m["name"] for m in municipality_choices()[0]}
    _invite_mail(user, link, names.get(user.municipality_id, str(user.municipality_id)))
    return redirect(url_for("onboarding.index"))
