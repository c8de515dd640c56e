"""``/kl``: the start page of KL analysts and admins, who see no municipality's data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for

from gateway.auth import login_required

bp = Blueprint("kl", __name__)


@bp.get("/kl")
@login_required
def index() -> Any:
    if g.user.municipality_id is not None:
        return redirect(url_for("dashboard.index"))
    return render_template("kl.html")
