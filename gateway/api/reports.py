"""Reports under ``/api/v1``: order, follow and download reports; KL's national report and
annual run. The municipality is the session's; files come back as the stored bytes with their
SHA-256 in the ``X-Report-SHA256`` header."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from marshmallow import fields, validate

from gateway import clients
from gateway.access import kl_required, municipality_id, municipality_required
from gateway.api.base import api, load_body, operation
from gateway.api.schemas import InputSchema
from gateway.report_files import file_response, kl_requester, municipal_viewer
from services.common.report_options import FORMATS, LANGUAGES, MUNICIPAL_KINDS
from services.common.validation import DbInteger

TAGS = ("reports",)
KL_TAGS = ("kl",)
FILE_NOTE = "The body is the file itself (PDF, HTML, DOCX, XLSX, CSV or JSON) with its "
FILE_NOTE += "SHA-256 checksum in the X-Report-SHA256 header."


class ReportInSchema(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(MUNICIPAL_KINDS))
    year = DbInteger(required=True, strict=True)
    unit_id = DbInteger(allow_none=True, load_default=None, strict=True)
    format = fields.String(load_default="pdf", validate=validate.OneOf(list(FORMATS)))
    language = fields.String(load_default="da", validate=validate.OneOf(LANGUAGES))
    notify = fields.Boolean(load_default=False)


class NationalInSchema(InputSchema):
    year = DbInteger(required=True, strict=True)
    format = fields.String(load_default="pdf", validate=validate.OneOf(list(FORMATS)))
    language = fields.String(load_default="da", validate=validate.OneOf(LANGUAGES))
    notify = fields.Boolean(load_default=False)


class AnnualRunInSchema(InputSchema):
    year = DbInteger(required=True, strict=True)


class ReportFileSchema(InputSchema):
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class ReportJobSchema(InputSchema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(("municipality", "unit", "national")))
    year = fields.Integer()
    unit_id = fields.Integer(allow_none=True)
    format = fields.String(validate=validate.OneOf(list(FORMATS)))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    state = fields.String(
        validate=validate.OneOf(("queued", "building", "ready", "failed", "skipped"))
    )
    step = fields.String()
    progress = fields.Integer(metadata={"description": "0-100"})
    attempts = fields.Integer()
    error = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    run_id = fields.Integer(allow_none=True)
    requested_by = fields.String()
    notify = fields.Boolean()
    created_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    build_seconds = fields.Float(allow_none=True)
    file = fields.Nested(ReportFileSchema, allow_none=True)


class AnnualRunSchema(InputSchema):
    id = fields.Integer()
    year = fields.Integer()
    state = fields.String(validate=validate.OneOf(("planned", "running", "completed")))
    requested_by = fields.String()
    requested_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    total = fields.Integer()
    done = fields.Integer()
    failed = fields.Integer()
    building = fields.Integer()
    queued = fields.Integer()


@api.get("/reports")
@operation(
    "The municipality's reports the user may see, newest first",
    response=ReportJobSchema(many=True),
    description="A unit lead sees only the management reports of their own unit and the units "
    "below it. Reports of KL's annual run are included.",
    tags=TAGS,
)
@municipality_required
def reports() -> Any:
    return jsonify(
        clients.reporting.list_reports(municipality_id=municipality_id(), viewer=municipal_viewer())
    )


@api.post("/reports")
@operation(
    "Order a municipality or unit report; it is built in the background",
    request=ReportInSchema(),
    response=ReportJobSchema(),
    status=202,
    errors=(403, 404, 409),
    description="`notify` e-mails the user (at their account's address) when it is ready.",
    tags=TAGS,
)
@municipality_required
def order_report() -> Any:
    data = load_body(ReportInSchema())
    job = clients.reporting.request_report(
        municipality_id=municipality_id(), data=data, requester=municipal_viewer()
    )
    return jsonify(job), 202


@api.get("/reports/<int:job_id>")
@operation("One report and its progress", response=ReportJobSchema(), errors=(404,), tags=TAGS)
@municipality_required
def report(job_id: int) -> Any:
    return jsonify(
        clients.reporting.get_report(
            municipality_id=municipality_id(), job_id=job_id, viewer=municipal_viewer()
        )
    )


@api.get("/reports/<int:job_id>/file")
@operation("Download a finished report", errors=(404, 409), description=FILE_NOTE, tags=TAGS)
@municipality_required
def report_file(job_id: int) -> Any:
    return file_response(
        clients.reporting.download_report(
            municipality_id=municipality_id(), job_id=job_id, viewer=municipal_viewer()
        )
    )


@api.get("/kl/reports")
@operation(
    "National baseline reports, newest first (KL)",
    response=ReportJobSchema(many=True),
    tags=KL_TAGS,
)
@kl_required
def kl_reports() -> Any:
    return jsonify(clients.reporting.list_national_reports())


@api.post("/kl/reports")
@operation(
    "Order the national baseline report of a round (KL)",
    request=NationalInSchema(),
    response=ReportJobSchema(),
    status=202,
    errors=(404,),
    tags=KL_TAGS,
)
@kl_required
def kl_order_report() -> Any:
    data = load_body(NationalInSchema())
    return jsonify(
        clients.reporting.request_national_report(data=data, requester=kl_requester())
    ), 202


@api.get("/kl/reports/<int:job_id>")
@operation("One national report (KL)", response=ReportJobSchema(), errors=(404,), tags=KL_TAGS)
@kl_required
def kl_report(job_id: int) -> Any:
    return jsonify(clients.reporting.get_national_report(job_id=job_id))


@api.get("/kl/reports/<int:job_id>/file")
@operation(
    "Download a finished national report (KL)",
    errors=(404, 409),
    description=FILE_NOTE,
    tags=KL_TAGS,
)
@kl_required
def kl_report_file(job_id: int) -> Any:
    return file_response(clients.reporting.download_national_report(job_id=job_id))


@api.get("/kl/annual-runs")
@operation(
    "Annual report runs with their progress (KL)", response=AnnualRunSchema(many=True), tags=KL_TAGS
)
@kl_required
def kl_runs() -> Any:
    return jsonify(clients.reporting.list_annual_runs())


@api.post("/kl/annual-runs")
@operation(
    "Start the annual report run of a closed round (KL); asking again changes nothing",
    request=AnnualRunInSchema(),
    response=AnnualRunSchema(),
    status=202,
    errors=(404, 409),
    tags=KL_TAGS,
)
@kl_required
def kl_start_run() -> Any:
    data = load_body(AnnualRunInSchema())
    return jsonify(
        clients.reporting.request_annual_run(year=data["year"], requester=kl_requester())
    ), 202


@api.get("/kl/annual-runs/<year:year>")
@operation(
    "One annual run and its progress (KL)", response=AnnualRunSchema(), errors=(404,), tags=KL_TAGS
)
@kl_required
def kl_run(year: int) -> Any:
    return jsonify(clients.reporting.get_annual_run(year=year))
