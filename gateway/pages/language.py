"""``/sprog/<code>``: switch between Danish and English; remembered in a cookie and the session."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, request, session, url_for

from gateway.db import get_db
from gateway.i18n import LANGUAGE_COOKIE, LANGUAGES
from gateway.redirects import safe_next

bp = Blueprint("language", __name__)

ONE_YEAR = 365 * 24 * 3600


def _back() -> str:
    return safe_next(request.args.get("next")) or url_for("dashboard.index")


@bp.get("/sprog/<code>")
def switch(code: str) -> Any:
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    if g.get("user") is not None and g.user.language != code:
        g.user.language = code
        get_db().commit()
    response = redirect(_back())
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
