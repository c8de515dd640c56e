"""``/revisionsspor``: the coordinator's view of the municipality's audit trail, with filters
and a CSV export; ``/admin/revisionsspor``: the administrator's national trail (onboarding,
rounds, questionnaires, KL logins). KL analysts and other municipal roles see no trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request

from gateway import audit
from gateway.access import admin_required, municipality_id, roles_required
from gateway.audit import ACTION_GROUPS
from gateway.db import get_db
from gateway.i18n import t

bp = Blueprint("audit_trail", __name__)

PAGE_ROWS = 200


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def filters_from(args: Any) -> audit.Filters:
    group = args.get("handling", "")
    return audit.Filters(
        date_from=_day(args.get("fra")),
        date_to=_day(args.get("til")),
        action=group if group in ACTION_GROUPS else "",
        actor=(args.get("person") or "")[:100],
    )


def action_label(action: str) -> str:
    label = t(f"audit.action.{action}")
    return action if label == f"audit.action.{action}" else label


def _render(national: bool) -> Any:
    filters = filters_from(request.args)
    tenant = None if national else municipality_id()
    rows = audit.entries(get_db(), tenant, filters, limit=PAGE_ROWS + 1, national=national)
    return render_template(
        "account/audit.html",
        rows=[audit.as_dict(r) for r in rows[:PAGE_ROWS]],
        more=len(rows) > PAGE_ROWS,
        filters=filters,
        groups=ACTION_GROUPS,
        action_label=action_label,
        national=national,
        retention_days=audit.retention().days,
    )


def _csv(national: bool, name: str) -> Response:
    filters = filters_from(request.args)
    tenant = None if national else municipality_id()
    rows = audit.entries(get_db(), tenant, filters, national=national)
    response = Response(audit.to_csv(rows, action_label), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/revisionsspor")
@roles_required("coordinator")
def index() -> Any:
    return _render(national=False)


@bp.get("/revisionsspor.csv")
@roles_required("coordinator")
def export() -> Response:
    return _csv(False, f"revisionsspor-{municipality_id()}.csv")


@bp.get("/admin/revisionsspor")
@admin_required
def national() -> Any:
    return _render(national=True)


@bp.get("/admin/revisionsspor.csv")
@admin_required
def national_export() -> Response:
    return _csv(True, "revisionsspor-nationalt.csv")
