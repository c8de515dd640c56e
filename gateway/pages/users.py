"""``/brugere``: the coordinator's colleagues. Invite by e-mail, change role and unit, disable.

Only the coordinator's own municipality's accounts are visible; anybody else's id is a 404. A
coordinator cannot disable or demote themselves, so a municipality never loses its last
coordinator by a slip. Disabling ends every session of the account at once (the session
version changes) and voids its open links. Every change is in the audit trail.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from gateway import accounts, audit
from gateway.account_mail import send_link
from gateway.auth import audit_actor, municipality_id, roles_required
from gateway.db import get_db
from gateway.i18n import t
from gateway.models import MUNICIPAL_ROLES, User
from gateway.pages.common import flat_tree, list_units
from gateway.rpc import ServiceUnavailable
from services.common.numbers import try_parse_int

bp = Blueprint("users", __name__)


def _colleague(user_id: int) -> User:
    user = get_db().get(User, user_id)
    if user is None or user.municipality_id != municipality_id():
        abort(404)
    return user


def _units() -> list[tuple[dict, int]]:
    try:
        return flat_tree(list_units())
    except ServiceUnavailable:
        return []


def _page(error: str | None = None, values: dict | None = None, status: int = 200) -> Any:
    users = get_db().scalars(
        select(User).where(User.municipality_id == municipality_id()).order_by(User.name)
    )
    units = _units()
    return (
        render_template(
            "account/users.html",
            users=list(users),
            units=units,
            unit_names={u["id"]: u["name"] for u, _depth in units},
            roles=MUNICIPAL_ROLES,
            error=error,
            values=values or {},
        ),
        status,
    )


def _unit_choice(role: str) -> int | None:
    if role != "unit_lead":
        return None
    unit_id = try_parse_int(request.form.get("unit_id"), "unit_id", minimum=1)
    if unit_id is None or unit_id not in {u["id"] for u, _ in _units()}:
        raise accounts.AccountError("unit", "choose the unit the unit lead leads")
    return unit_id


@bp.get("/brugere")
@roles_required("coordinator")
def index() -> Any:
    return _page()


@bp.post("/brugere")
@roles_required("coordinator")
def invite() -> Any:
    db = get_db()
    form = {k: request.form.get(k, "") for k in ("name", "email", "role", "unit_id", "language")}
    try:
        user, link = accounts.invite_user(
            db,
            municipality_id=municipality_id(),
            email=form["email"],
            name=form["name"],
            role=form["role"],
            unit_id=_unit_choice(form["role"]),
            language=form["language"] or "da",
        )
    except accounts.AccountError as exc:
        db.rollback()
        return _page(t(exc.key), form, 422)
    audit.write(
        db,
        "user.invited",
        audit_actor(),
        municipality_id(),
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id, "role": user.role, "unit_id": user.unit_id},
    )
    db.commit()
    _send_invitation(user, link)
    return redirect(url_for("users.index"))


def _send_invitation(user: User, link: accounts.IssuedLink) -> None:
    from flask import session

    name = session.get("mname") or str(municipality_id())
    if send_link(user, "invitation", link, name, inviter_name=g.user.name):
        flash(t("users.invited", email=user.email), "success")
    else:
        flash(t("users.mail_unavailable", email=user.email), "error")


@bp.post("/brugere/<int:user_id>/invitation")
@roles_required("coordinator")
def resend(user_id: int) -> Any:
    user = _colleague(user_id)
    if not user.invited or not user.active:
        abort(409)
    db = get_db()
    link = accounts.issue_link(db, user, "invitation")
    audit.write(
        db,
        "user.invitation_resent",
        audit_actor(),
        municipality_id(),
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id},
    )
    db.commit()
    _send_invitation(user, link)
    return redirect(url_for("users.index"))


@bp.post("/brugere/<int:user_id>/rolle")
@roles_required("coordinator")
def change_role(user_id: int) -> Any:
    user = _colleague(user_id)
    if user.id == g.user.id:
        return _page(t("users.not_yourself"), status=409)
    db = get_db()
    before = {"role": user.role, "unit_id": user.unit_id}
    role = request.form.get("role", "")
    try:
        accounts.change_role(db, user, role, _unit_choice(role))
    except accounts.AccountError as exc:
        db.rollback()
        return _page(t(exc.key), status=422)
    audit.write(
        db,
        "user.role_changed",
        audit_actor(),
        municipality_id(),
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id, "from": before, "to": {"role": role, "unit_id": user.unit_id}},
    )
    db.commit()
    flash(t("users.role_changed", name=user.name), "success")
    return redirect(url_for("users.index"))


@bp.post("/brugere/<int:user_id>/deaktiver")
@roles_required("coordinator")
def disable(user_id: int) -> Any:
    return _set_active(user_id, False)


@bp.post("/brugere/<int:user_id>/aktiver")
@roles_required("coordinator")
def enable(user_id: int) -> Any:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Any:
    user = _colleague(user_id)
    if user.id == g.user.id:
        return _page(t("users.not_yourself"), status=409)
    db = get_db()
    accounts.set_active(db, user, active)
    audit.write(
        db,
        "user.enabled" if active else "user.disabled",
        audit_actor(),
        municipality_id(),
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id},
    )
    db.commit()
    flash(t("users.enabled" if active else "users.disabled", name=user.name), "success")
    return redirect(url_for("users.index"))


@bp.post("/brugere/<int:user_id>/to-trins-fra")
@roles_required("coordinator")
def reset_totp(user_id: int) -> Any:
    """A colleague who lost the phone: the coordinator turns two-step login off for them."""
    user = _colleague(user_id)
    if user.id == g.user.id:
        return _page(t("users.not_yourself"), status=409)
    db = get_db()
    accounts.disable_totp(db, user)
    audit.write(
        db,
        "totp.disabled",
        audit_actor(),
        municipality_id(),
        target=f"{user.name} <{user.email}>",
        detail={"user_id": user.id},
    )
    db.commit()
    flash(t("users.totp_reset", name=user.name), "success")
    return redirect(url_for("users.index"))
