"""Typed clients of the services: one small class per service, one method per RPC the gateway
uses, keyword arguments named as in the service's signature.

Every method goes through ``gateway.rpc.call``, so the pool, its timeout, the 503 on transport
trouble, the audit hook and the tests' fakes all stay at that one place. The arguments travel as
keywords, which is what lets the audit hook read them by name; ``tests/gateway/test_clients.py``
holds each method to its service's RPC signature.
"""

from __future__ import annotations

from typing import Any

from gateway.rpc import call


class ServiceClient:
    """Calls one service's RPCs by name."""

    service = ""

    def _call(self, method: str, **arguments: Any) -> Any:
        return call(self.service, method, **arguments)


class SurveyClient(ServiceClient):
    """Municipalities, questionnaires, rounds, units and answers."""

    service = "survey"

    def close_round(self, *, year: int) -> dict:
        return self._call("close_round", year=year)

    def copy_forward(
        self, *, municipality_id: int, from_year: int, to_year: int, actor: dict
    ) -> dict:
        return self._call(
            "copy_forward",
            municipality_id=municipality_id,
            from_year=from_year,
            to_year=to_year,
            actor=actor,
        )

    def create_round(self, *, year: int) -> dict:
        return self._call("create_round", year=year)

    def create_unit(self, *, municipality_id: int, data: dict, actor: dict) -> dict:
        return self._call("create_unit", municipality_id=municipality_id, data=data, actor=actor)

    def delete_unit(self, *, municipality_id: int, unit_id: int, actor: dict) -> dict:
        return self._call(
            "delete_unit", municipality_id=municipality_id, unit_id=unit_id, actor=actor
        )

    def get_answer_history(
        self, *, municipality_id: int, year: int, question_key: str, unit_id: int | None = None
    ) -> list[dict]:
        return self._call(
            "get_answer_history",
            municipality_id=municipality_id,
            year=year,
            question_key=question_key,
            unit_id=unit_id,
        )

    def get_answers(
        self,
        *,
        municipality_id: int,
        year: int,
        unit_id: int | None = None,
        area_key: str | None = None,
        all_units: bool = False,
    ) -> list[dict]:
        return self._call(
            "get_answers",
            municipality_id=municipality_id,
            year=year,
            unit_id=unit_id,
            area_key=area_key,
            all_units=all_units,
        )

    def get_progress(self, *, municipality_id: int, year: int) -> dict:
        return self._call("get_progress", municipality_id=municipality_id, year=year)

    def get_questionnaire(self, *, year: int) -> dict:
        return self._call("get_questionnaire", year=year)

    def get_round(self, *, year: int) -> dict:
        return self._call("get_round", year=year)

    def import_questionnaire(self, *, yaml_text: str) -> dict:
        return self._call("import_questionnaire", yaml_text=yaml_text)

    def list_municipalities(self) -> list[dict]:
        return self._call("list_municipalities")

    def list_questionnaires(self) -> list[dict]:
        return self._call("list_questionnaires")

    def list_rounds(self) -> list[dict]:
        return self._call("list_rounds")

    def list_units(self, *, municipality_id: int) -> list[dict]:
        return self._call("list_units", municipality_id=municipality_id)

    def open_round(self, *, year: int) -> dict:
        return self._call("open_round", year=year)

    def save_answers(self, *, municipality_id: int, year: int, answers: list, actor: dict) -> dict:
        return self._call(
            "save_answers", municipality_id=municipality_id, year=year, answers=answers, actor=actor
        )

    def update_unit(self, *, municipality_id: int, unit_id: int, data: dict, actor: dict) -> dict:
        return self._call(
            "update_unit", municipality_id=municipality_id, unit_id=unit_id, data=data, actor=actor
        )


class ScoringClient(ServiceClient):
    """Maturity scores per area and unit, and their history."""

    service = "scoring"

    def get_history(self, *, municipality_id: int) -> dict:
        return self._call("get_history", municipality_id=municipality_id)

    def get_recommendations(
        self, *, municipality_id: int, year: int, unit_id: int | None = None
    ) -> list[dict]:
        return self._call(
            "get_recommendations", municipality_id=municipality_id, year=year, unit_id=unit_id
        )

    def get_scores(self, *, municipality_id: int, year: int) -> dict:
        return self._call("get_scores", municipality_id=municipality_id, year=year)


class DelegationClient(ServiceClient):
    """Delegations of questions to colleagues, and the delegate's link."""

    service = "delegation"

    def approve_delegation(
        self, *, municipality_id: int, delegation_id: int, actor: dict, comment: str | None = None
    ) -> dict:
        return self._call(
            "approve_delegation",
            municipality_id=municipality_id,
            delegation_id=delegation_id,
            actor=actor,
            comment=comment,
        )

    def create_delegation(
        self, *, municipality_id: int, year: int, data: dict, actor: dict
    ) -> dict:
        return self._call(
            "create_delegation", municipality_id=municipality_id, year=year, data=data, actor=actor
        )

    def delegate_save(self, *, token: str, answers: list, client: str | None = None) -> dict:
        return self._call("delegate_save", token=token, answers=answers, client=client)

    def delegate_submit(self, *, token: str, answers: list, client: str | None = None) -> dict:
        return self._call("delegate_submit", token=token, answers=answers, client=client)

    def extend_delegation(
        self, *, municipality_id: int, delegation_id: int, due_date: str, actor: dict
    ) -> dict:
        return self._call(
            "extend_delegation",
            municipality_id=municipality_id,
            delegation_id=delegation_id,
            due_date=due_date,
            actor=actor,
        )

    def get_delegation(self, *, municipality_id: int, delegation_id: int, actor: dict) -> dict:
        return self._call(
            "get_delegation",
            municipality_id=municipality_id,
            delegation_id=delegation_id,
            actor=actor,
        )

    def get_digest(self, *, municipality_id: int, actor: dict) -> dict:
        return self._call("get_digest", municipality_id=municipality_id, actor=actor)

    def list_delegations(
        self,
        *,
        municipality_id: int,
        year: int,
        actor: dict,
        unit_id: int | None = None,
        state: str | None = None,
    ) -> list[dict]:
        return self._call(
            "list_delegations",
            municipality_id=municipality_id,
            year=year,
            actor=actor,
            unit_id=unit_id,
            state=state,
        )

    def open_link(self, *, token: str, client: str | None = None) -> dict:
        return self._call("open_link", token=token, client=client)

    def overview(self, *, municipality_id: int, year: int, actor: dict) -> dict:
        return self._call("overview", municipality_id=municipality_id, year=year, actor=actor)

    def redelegate(
        self, *, municipality_id: int, delegation_id: int, data: dict, actor: dict
    ) -> dict:
        return self._call(
            "redelegate",
            municipality_id=municipality_id,
            delegation_id=delegation_id,
            data=data,
            actor=actor,
        )

    def revoke_delegation(
        self, *, municipality_id: int, delegation_id: int, actor: dict, comment: str | None = None
    ) -> dict:
        return self._call(
            "revoke_delegation",
            municipality_id=municipality_id,
            delegation_id=delegation_id,
            actor=actor,
            comment=comment,
        )

    def send_back_delegation(
        self, *, municipality_id: int, delegation_id: int, comment: str, actor: dict
    ) -> dict:
        return self._call(
            "send_back_delegation",
            municipality_id=municipality_id,
            delegation_id=delegation_id,
            comment=comment,
            actor=actor,
        )

    def set_digest(self, *, municipality_id: int, actor: dict, enabled: bool) -> dict:
        return self._call(
            "set_digest", municipality_id=municipality_id, actor=actor, enabled=enabled
        )


class BenchmarkClient(ServiceClient):
    """Anonymised comparisons between municipalities."""

    service = "benchmark"

    def get_benchmark(self, *, municipality_id: int, year: int) -> dict:
        return self._call("get_benchmark", municipality_id=municipality_id, year=year)

    def get_development(self) -> dict:
        return self._call("get_development")

    def get_national(self, *, year: int) -> dict:
        return self._call("get_national", year=year)

    def get_national_series(self) -> dict:
        return self._call("get_national_series")

    def list_years(self) -> list[dict]:
        return self._call("list_years")


class ReportingClient(ServiceClient):
    """Report jobs and their files, per municipality and national."""

    service = "reporting"

    def download_national_report(self, *, job_id: int) -> dict:
        return self._call("download_national_report", job_id=job_id)

    def download_report(self, *, municipality_id: int, job_id: int, viewer: dict) -> dict:
        return self._call(
            "download_report", municipality_id=municipality_id, job_id=job_id, viewer=viewer
        )

    def get_annual_run(self, *, year: int, with_jobs: bool = False) -> dict:
        return self._call("get_annual_run", year=year, with_jobs=with_jobs)

    def get_national_report(self, *, job_id: int) -> dict:
        return self._call("get_national_report", job_id=job_id)

    def get_report(self, *, municipality_id: int, job_id: int, viewer: dict) -> dict:
        return self._call(
            "get_report", municipality_id=municipality_id, job_id=job_id, viewer=viewer
        )

    def list_annual_runs(self) -> list[dict]:
        return self._call("list_annual_runs")

    def list_national_reports(self, *, year: int | None = None) -> list:
        return self._call("list_national_reports", year=year)

    def list_reports(self, *, municipality_id: int, viewer: dict, year: int | None = None) -> list:
        return self._call("list_reports", municipality_id=municipality_id, viewer=viewer, year=year)

    def request_annual_run(self, *, year: int, requester: dict) -> dict:
        return self._call("request_annual_run", year=year, requester=requester)

    def request_national_report(self, *, data: dict, requester: dict) -> dict:
        return self._call("request_national_report", data=data, requester=requester)

    def request_report(self, *, municipality_id: int, data: dict, requester: dict) -> dict:
        return self._call(
            "request_report", municipality_id=municipality_id, data=data, requester=requester
        )


class MailClient(ServiceClient):
    """The outgoing mail queue."""

    service = "mail"

    def queue_mail(self, *, idempotency_key: str, message: dict) -> dict:
        return self._call("queue_mail", idempotency_key=idempotency_key, message=message)


survey = SurveyClient()
scoring = ScoringClient()
delegation = DelegationClient()
benchmark = BenchmarkClient()
reporting = ReportingClient()
mail = MailClient()
