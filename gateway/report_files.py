"""What the report pages and API share: who is asking, and how a stored file is handed out.

The municipality is always the session's; a unit lead's reach (their unit and the units below
it) is worked out here from survey's unit tree and enforced again by the reporting service.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import quote

from flask import Response, g

from gateway.lookups import list_units
from services.common.unit_tree import subtree_ids

# A downloaded HTML report is shown as a document of its own: no script, nothing fetched.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
)


def municipal_viewer(units: list[dict] | None = None) -> dict:
    """The session user as the reporting service checks them (a unit lead with their units)."""
    user = g.user
    unit_ids = None
    if user.role == "unit_lead":
        units = list_units() if units is None else units
        known = {u["id"] for u in units}
        unit_ids = sorted(subtree_ids(user.unit_id, units) & known) if user.unit_id else []
    return {
        "user_id": user.id,
        "name": user.name,
        "role": user.role,
        "email": user.email,
        "unit_ids": unit_ids,
    }


def kl_requester() -> dict:
    user = g.user
    return {"user_id": user.id, "name": user.name, "role": user.role, "email": user.email}


def file_response(found: dict, inline: bool = False) -> Response:
    """The file as the service stored it; the checksum is checked once more on the way out."""
    data = base64.b64decode(found["content"])
    if hashlib.sha256(data).hexdigest() != found["sha256"]:
        raise RuntimeError("report file checksum mismatch in transit")
    response = Response(data, mimetype=found["content_type"].split(";")[0])
    if found["content_type"].startswith("text/"):
        response.charset = "utf-8"
    disposition = "inline" if inline else "attachment"
    name = found["filename"]
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["X-Report-SHA256"] = found["sha256"]
    response.headers["Cache-Control"] = "no-store"
    return response


def pending(jobs: list[dict]) -> bool:
    return any(job["state"] in ("queued", "building") for job in jobs)


def report_label(job: dict, unit_names: dict[int, str], t: Any) -> str:
    """ "Samlet rapport 2025", "Ledelsesrapport 2025 · IT-drift", "National baseline 2025"."""
    label = t(f"reports.kind.{job['kind']}", year=job["year"])
    if job["kind"] == "unit":
        label += " · " + unit_names.get(job["unit_id"], t("reports.unknown_unit"))
    return label
