"""A fake reporting service for the gateway tests: the RPC interface over a dict, with the
real visibility rules of ``services.reporting.jobs``."""

import base64
import hashlib

from services.common.errors import Conflict, Forbidden, NotFound
from services.reporting import jobs as job_rules
from tests.gateway.conftest import FakeRpc

PDF = b"%PDF-1.7 fake report for tests"


class FakeReporting:
    """The reporting RPC interface over a dict, with the real visibility rules."""

    def __init__(self) -> None:
        self.jobs: dict[int, dict] = {}
        self.runs: dict[int, dict] = {}
        self.requests: list[tuple] = []

    def health(self) -> dict:
        return {"service": "reporting", "status": "ok"}

    def _job(self, municipality_id, kind, year, unit_id=None, state="ready", fmt="pdf"):
        job_id = len(self.jobs) + 1
        self.jobs[job_id] = {
            "id": job_id,
            "municipality_id": municipality_id,
            "kind": kind,
            "year": year,
            "unit_id": unit_id,
            "format": fmt,
            "language": "da",
            "state": state,
            "step": "ready" if state == "ready" else "rendering",
            "progress": 100 if state == "ready" else 60,
            "attempts": 1,
            "error": None,
            "title": None,
            "run_id": None,
            "requested_by": "Mette",
            "notify": False,
            "created_at": "2026-11-28T10:00:00Z",
            "started_at": None,
            "finished_at": None,
            "build_seconds": None,
            "file": {
                "filename": f"rapport-{job_id}.{fmt}",
                "content_type": "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8",
                "size": len(PDF),
                "sha256": hashlib.sha256(PDF).hexdigest(),
            }
            if state == "ready"
            else None,
        }
        return self.jobs[job_id]

    def request_report(self, municipality_id, data, requester):
        self.requests.append(("request_report", municipality_id, data, requester))
        try:
            job_rules.check_request(data["kind"], data.get("unit_id"), requester)
        except job_rules.NotAllowed as exc:
            raise Forbidden("not open to your role", field=str(exc)) from exc
        return self._job(municipality_id, data["kind"], data["year"], data.get("unit_id"), "queued")

    def list_reports(self, municipality_id, viewer, year=None):
        return [
            j
            for j in reversed(self.jobs.values())
            if j["municipality_id"] == municipality_id
            and job_rules.can_see(j["kind"], j["unit_id"], viewer)
        ]

    def _own(self, municipality_id, job_id, viewer):
        job = self.jobs.get(job_id)
        if (
            job is None
            or job["municipality_id"] != municipality_id
            or not job_rules.can_see(job["kind"], job["unit_id"], viewer)
        ):
            raise NotFound("no report", field="job_id")
        return job

    def get_report(self, municipality_id, job_id, viewer):
        return self._own(municipality_id, job_id, viewer)

    def download_report(self, municipality_id, job_id, viewer):
        job = self._own(municipality_id, job_id, viewer)
        if job["state"] != "ready":
            raise Conflict("not ready", field="state")
        return {**job["file"], "content": base64.b64encode(PDF).decode()}

    def list_national_reports(self, year=None):
        return [j for j in self.jobs.values() if j["kind"] == "national"]

    def request_national_report(self, data, requester):
        self.requests.append(("request_national_report", data, requester))
        return self._job(None, "national", data["year"], state="queued")

    def download_national_report(self, job_id):
        job = self.jobs.get(job_id)
        if job is None or job["kind"] != "national":
            raise NotFound("no report")
        return {**job["file"], "content": base64.b64encode(PDF).decode()}

    def list_annual_runs(self):
        return list(self.runs.values())

    def request_annual_run(self, year, requester):
        self.requests.append(("request_annual_run", year, requester))
        self.runs[year] = {
            "id": 1,
            "year": year,
            "state": "running",
            "requested_by": requester["name"],
            "requested_at": "2026-11-28T10:00:00Z",
            "completed_at": None,
            "total": 25,
            "due": 25,
            "done": 3,
            "built": 3,
            "failed": 0,
            "skipped": 1,
            "pending": 21,
            "building": 1,
            "queued": 20,
        }
        return self.runs[year]

    def get_annual_run(self, year):
        if year not in self.runs:
            raise NotFound("no run")
        return self.runs[year]


def fake_rpc_with_reporting() -> FakeRpc:
    rpc = FakeRpc()
    rpc.reporting = FakeReporting()
    rpc.services["reporting"] = rpc.reporting
    return rpc
