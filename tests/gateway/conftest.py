"""Fixtures of the gateway tests: an in-memory fake of the services and a temporary SQLite DB.

The fake implements the survey and scoring RPC methods the gateway calls, with the contract's
signatures (the typed clients send keyword arguments, so the parameter names must be the
service's), and raises the real platform errors and ServiceUnavailable.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher

import gateway.identity.passwords
from gateway import create_app
from gateway.identity.accounts import create_user
from gateway.rpc import ServiceUnavailable
from services.common.errors import Conflict, NotFound, ValidationFailed
from tests.benchmark.fakes import FakeBenchmark

PASSWORD = "correct horse battery"
MUNICIPALITY = 101
OTHER_MUNICIPALITY = 751


def _question(key: str, kind: str, scope: str, **extra: object) -> dict:
    area = key.split(".")[0]
    question = {
        "key": key,
        "area_key": area,
        "type": kind,
        "scope": scope,
        "weight": 1,
        "text": {"da": f"Spørgsmål {key}", "en": f"Question {key}"},
        "help": {"da": f"Hjælp til {key}", "en": f"Help for {key}"},
        "na_allowed": False,
        "levels": None,
        "options": None,
        "bands": None,
        "unit_label": None,
        "references": {"iso27001": ["A.5.1"], "nis2": ["21(2)(a)"], "cis": ["14.1"]},
        "recommendation": {"da": f"Forbedr {key}", "en": f"Improve {key}"},
    }
    question.update(extra)
    return question


LEVELS = {
    str(n): {"da": f"Beskrivelse af niveau {n}", "en": f"Level {n} text"} for n in range(1, 6)
}


def make_questionnaire(year: int) -> dict:
    return {
        "key": "informationssikkerhed",
        "year": year,
        "version": f"{year}.1",
        "acceptable_level": 3,
        "title": {"da": "Informationssikkerhed", "en": "Information security"},
        "description": {"da": "Spørgeramme", "en": "Questionnaire"},
        "areas": [
            {
                "key": "governance",
                "title": {"da": "Ledelse og organisering", "en": "Governance"},
                "description": {"da": "Om ledelse", "en": "About governance"},
                "questions": [
                    _question("governance.policy", "maturity", "municipality", levels=LEVELS),
                    _question(
                        "governance.training",
                        "yes_partly_no",
                        "municipality",
                        na_allowed=True,
                    ),
                    _question("governance.owner", "maturity", "unit", levels=LEVELS),
                ],
            },
            {
                "key": "operations",
                "title": {"da": "Drift", "en": "Operations"},
                "description": {"da": "Om drift", "en": "About operations"},
                "questions": [
                    _question(
                        "operations.backup",
                        "single_choice",
                        "municipality",
                        options=[
                            {"key": "daily", "label": {"da": "Dagligt", "en": "Daily"}, "score": 5},
                            {"key": "never", "label": {"da": "Aldrig", "en": "Never"}, "score": 1},
                        ],
                    ),
                    _question(
                        "operations.hours",
                        "number",
                        "municipality",
                        unit_label={"da": "timer", "en": "hours"},
                        bands=[{"min": 0, "score": 1}, {"min": 10, "score": 5}],
                    ),
                    _question(
                        "operations.tools",
                        "multiple_choice",
                        "unit",
                        options=[
                            {"key": "edr", "label": {"da": "EDR", "en": "EDR"}, "score": 2},
                            {"key": "siem", "label": {"da": "SIEM", "en": "SIEM"}, "score": 1},
                        ],
                    ),
                    _question("operations.notes", "text", "municipality"),
                ],
            },
        ],
    }


def _questions(questionnaire: dict) -> dict[str, dict]:
    return {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}


class FakeSurvey:
    """survey's RPC interface over dicts; tenant filtering like the real one (404 otherwise)."""

    def __init__(self) -> None:
        self.municipalities = [
            {"id": 101, "name": "København", "region": "Hovedstaden", "population": 650000},
            {"id": 751, "name": "Aarhus", "region": "Midtjylland", "population": 360000},
        ]
        self.rounds = {
            2025: {"year": 2025, "state": "closed", "questionnaire_version": "2025.1"},
            2026: {"year": 2026, "state": "open", "questionnaire_version": "2026.1"},
            2027: {"year": 2027, "state": "draft", "questionnaire_version": None},
        }
        self.questionnaires = {year: make_questionnaire(year) for year in (2025, 2026, 2027)}
        self.units: dict[int, list[dict]] = {
            MUNICIPALITY: [
                self._unit(1, "Borgerservice", "forvaltning", None),
                self._unit(2, "Teknik og Miljø", "forvaltning", None),
                self._unit(3, "Vej og Park", "afdeling", 2),
            ],
            OTHER_MUNICIPALITY: [self._unit(9, "Aarhus Forvaltning", "forvaltning", None)],
        }
        self.next_unit_id = 10
        self.answers: dict[tuple, dict] = {}
        self.history: dict[tuple, list[dict]] = {}
        self.unit_with_answers: set[int] = set()
        self.fail_next_save: ValidationFailed | Conflict | None = None

    @staticmethod
    def _unit(unit_id: int, name: str, kind: str, parent: int | None) -> dict:
        return {
            "id": unit_id,
            "name": name,
            "kind": kind,
            "parent_id": parent,
            "responsible_name": None,
            "responsible_email": None,
        }

    def health(self) -> dict:
        return {"service": "survey", "status": "ok"}

    def list_municipalities(self) -> list[dict]:
        return self.municipalities

    def list_rounds(self) -> list[dict]:
        return list(self.rounds.values())

    def get_round(self, year: int) -> dict:
        if year not in self.rounds:
            raise NotFound(f"no round {year}")
        return self.rounds[year]

    def get_questionnaire(self, year: int) -> dict:
        if year not in self.questionnaires:
            raise NotFound(f"no questionnaire {year}")
        return self.questionnaires[year]

    def list_units(self, municipality_id: int) -> list[dict]:
        return self.units.setdefault(municipality_id, [])

    def _check_unit(self, municipality_id: int, data: dict, unit_id: int | None = None) -> None:
        if not data.get("name"):
            raise ValidationFailed("name: required", field="name")
        if data.get("responsible_email") and "@" not in data["responsible_email"]:
            raise ValidationFailed("not an e-mail", field="responsible_email")
        if data["kind"] == "afdeling":
            parents = {u["id"]: u for u in self.list_units(municipality_id)}
            parent = parents.get(data.get("parent_id"))
            if parent is None or parent["kind"] != "forvaltning" or parent["id"] == unit_id:
                raise ValidationFailed("an afdeling needs a forvaltning", field="parent_id")
        elif data.get("parent_id") is not None:
            raise ValidationFailed("a forvaltning has no parent", field="parent_id")

    def create_unit(self, municipality_id: int, data: dict, actor: dict) -> dict:
        self._check_unit(municipality_id, data)
        unit = dict(data, id=self.next_unit_id)
        self.next_unit_id += 1
        self.list_units(municipality_id).append(unit)
        return unit

    def _find_unit(self, municipality_id: int, unit_id: int) -> dict:
        for unit in self.list_units(municipality_id):
            if unit["id"] == unit_id:
                return unit
        raise NotFound(f"no unit {unit_id}")

    def update_unit(self, municipality_id: int, unit_id: int, data: dict, actor: dict) -> dict:
        unit = self._find_unit(municipality_id, unit_id)
        merged = {**unit, **data}
        self._check_unit(municipality_id, merged, unit_id)
        unit.update(merged)
        return unit

    def delete_unit(self, municipality_id: int, unit_id: int, actor: dict) -> None:
        unit = self._find_unit(municipality_id, unit_id)
        if unit_id in self.unit_with_answers:
            raise Conflict("the unit has answers")
        self.units[municipality_id].remove(unit)

    def save_answers(self, municipality_id: int, year: int, answers: list, actor: dict) -> dict:
        if self.get_round(year)["state"] != "open":
            raise Conflict(f"the {year} round is not open")
        if self.fail_next_save is not None:
            error, self.fail_next_save = self.fail_next_save, None
            raise error
        questions = _questions(self.questionnaires[year])
        unit_ids = {u["id"] for u in self.list_units(municipality_id)}
        for i, answer in enumerate(answers):
            question = questions.get(answer["question_key"])
            if question is None:
                raise ValidationFailed("unknown question", field=f"answers[{i}].question_key")
            unit_id = answer.get("unit_id")
            if (question["scope"] == "unit") != (unit_id is not None) or (
                unit_id is not None and unit_id not in unit_ids
            ):
                raise ValidationFailed("wrong unit", field=f"answers[{i}].unit_id")
            value = answer.get("value")
            if question["type"] == "maturity" and value is not None and value not in range(1, 6):
                raise ValidationFailed("level 1-5", field=f"answers[{i}].value")
            if answer.get("na") and not answer.get("justification"):
                raise ValidationFailed("needs justification", field=f"answers[{i}].justification")
        saved = []
        for answer in answers:
            key = (municipality_id, year, answer["question_key"], answer.get("unit_id"))
            old = self.answers.get(key)
            new = {
                "question_key": answer["question_key"],
                "unit_id": answer.get("unit_id"),
                "value": answer.get("value"),
                "na": bool(answer.get("na")),
                "justification": answer.get("justification"),
                "comment": answer.get("comment"),
                "revision": (old["revision"] + 1) if old else 1,
                "answered_by": actor["name"],
                "answered_at": "2026-03-02T13:05:00",
                "draft": False,
            }
            self.answers[key] = new
            self.history.setdefault(key, []).append(
                {
                    "revision": new["revision"],
                    "old": _snapshot(old),
                    "new": _snapshot(new),
                    "actor_name": actor["name"],
                    "actor_role": actor["role"],
                    "changed_at": "2026-03-02T13:05:00",
                }
            )
            saved.append(new)
        return {"saved": len(saved), "answers": saved}

    def get_answers(
        self,
        municipality_id: int,
        year: int,
        unit_id: int | None = None,
        area_key: str | None = None,
        all_units: bool = False,
    ) -> list[dict]:
        self.get_round(year)
        if unit_id is not None and not all_units:
            self._find_unit(municipality_id, unit_id)
        found = []
        for (mid, y, key, unit), answer in self.answers.items():
            if mid != municipality_id or y != year:
                continue
            if not all_units and unit != unit_id:
                continue
            if area_key and not key.startswith(f"{area_key}."):
                continue
            found.append(answer)
        return found

    def get_answer_history(
        self, municipality_id: int, year: int, question_key: str, unit_id: int | None = None
    ) -> list[dict]:
        return self.history.get((municipality_id, year, question_key, unit_id), [])

    def get_progress(self, municipality_id: int, year: int) -> dict:
        questionnaire = self.questionnaires[year]
        unit_ids = [u["id"] for u in self.list_units(municipality_id)]
        answered = {
            (key, unit)
            for (mid, y, key, unit), a in self.answers.items()
            if mid == municipality_id and y == year and (a["na"] or a["value"] is not None)
        }
        areas, total = [], [0, 0]
        units = {u: {"id": u, "answered": 0, "expected": 0, "areas": []} for u in unit_ids}
        for area in questionnaire["areas"]:
            done = expected = 0
            for q in area["questions"]:
                slots = [None] if q["scope"] == "municipality" else unit_ids
                for unit in slots:
                    expected += 1
                    done += (q["key"], unit) in answered
                    if unit is not None:
                        units[unit]["expected"] += 1
                        units[unit]["answered"] += (q["key"], unit) in answered
            areas.append({"key": area["key"], "answered": done, "expected": expected})
            total[0] += done
            total[1] += expected
        return {
            "municipality": {"answered": total[0], "expected": total[1]},
            "areas": areas,
            "units": list(units.values()),
        }

    def copy_forward(self, municipality_id: int, from_year: int, to_year: int, actor: dict) -> dict:
        if from_year not in self.rounds:
            raise NotFound(f"no round {from_year}")
        return {"copied": 0, "skipped": 0}


def _snapshot(answer: dict | None) -> dict | None:
    if answer is None:
        return None
    return {k: answer.get(k) for k in ("value", "na", "justification", "comment")}


class FakeScoring:
    def __init__(self) -> None:
        self.missing = False
        self.recommendations: list[dict] = []

    def health(self) -> dict:
        return {"service": "scoring", "status": "ok"}

    def get_recommendations(
        self, municipality_id: int, year: int, unit_id: int | None = None
    ) -> list[dict]:
        if self.missing:
            raise NotFound("no scores yet")
        return self.recommendations

    def get_scores(self, municipality_id: int, year: int) -> dict:
        if self.missing:
            raise NotFound("no scores yet")
        return {
            "year": year,
            "overall": 2.5,
            "completeness": 0.4,
            "acceptable_level": 3.0,
            "areas": [
                {
                    "key": "governance",
                    "score": 2.0,
                    "completeness": 0.5,
                    "answered": 2,
                    "expected": 4,
                    "below_acceptable": True,
                },
                {
                    "key": "operations",
                    "score": 4.0,
                    "completeness": 0.25,
                    "answered": 1,
                    "expected": 4,
                    "below_acceptable": False,
                },
            ],
            "units": [
                {
                    "id": 1,
                    "overall": 3.5,
                    "completeness": 0.5,
                    "areas": [{"key": "governance", "score": 3.5, "below_acceptable": False}],
                }
            ],
            "updated_at": "2026-03-02T13:05:00",
        }


class FakeHealthOnly:
    def __init__(self, name: str) -> None:
        self.name = name

    def health(self) -> dict:
        return {"service": self.name, "status": "ok"}


class FakeDelegation(FakeHealthOnly):
    """delegation's lists, as the answering page and onboarding read them."""

    def __init__(self) -> None:
        super().__init__("delegation")
        self.delegations: list[dict] = []

    def list_delegations(
        self,
        municipality_id: int,
        year: int,
        actor: dict,
        unit_id: int | None = None,
        state: str | None = None,
    ) -> list[dict]:
        return [d for d in self.delegations if d["year"] == year]

    def overview(self, municipality_id: int, year: int, actor: dict) -> dict:
        """Only what the answering page's filter reads: active delegations per target."""
        targets: dict[int | None, dict] = {}
        for d in self.list_delegations(municipality_id, year, actor):
            if d["state"] in ("approved", "revoked"):
                continue
            target = targets.setdefault(d["unit_id"], {"unit_id": d["unit_id"], "areas": {}})
            for key in d["question_keys"]:
                entry = {"question_key": key, "delegation_id": d["id"], "state": d["state"]}
                target["areas"].setdefault(key.split(".")[0], []).append(entry)
        return {"year": year, "targets": list(targets.values())}


class FakeMail(FakeHealthOnly):
    """mail's queue RPC: keeps what would be e-mailed, by address."""

    def __init__(self) -> None:
        super().__init__("mail")
        self.account_mails: list[dict] = []

    def queue_mail(self, idempotency_key: str, message: dict) -> dict:
        link = message.get("link")
        self.account_mails.append(
            {
                "municipality_id": message["municipality_id"],
                "kind": message["kind"],
                "to": message["to_addr"],
                "context": message["context"],
                "link": f"{link['path']}{link['token']}" if link else None,
            }
        )
        return {"id": len(self.account_mails), "state": "pending", "created": True}

    def links_to(self, address: str) -> list[str]:
        return [m["link"] for m in self.account_mails if m["to"] == address]


class FakeReporting(FakeHealthOnly):
    """reporting's list of a municipality's reports (what the dashboard and handover read)."""

    def __init__(self) -> None:
        super().__init__("reporting")
        self.reports: list[dict] = []

    def list_reports(self, municipality_id: int, viewer: dict, year: int | None = None) -> list:
        return [r for r in self.reports if year is None or r["year"] == year]


class FakeRpc:
    """Stands in for RpcClient: same ``call``; services in ``down`` raise ServiceUnavailable."""

    def __init__(self) -> None:
        self.survey = FakeSurvey()
        self.scoring = FakeScoring()
        self.services = {
            "survey": self.survey,
            "scoring": self.scoring,
            "delegation": FakeDelegation(),
            "benchmark": FakeBenchmark(),
            "reporting": FakeReporting(),
            "mail": FakeMail(),
        }
        self.down: set[str] = set()
        self.calls: list[tuple[str, str, tuple, dict]] = []

    def call(self, service: str, method: str, *args: object, **kwargs: object) -> object:
        self.calls.append((service, method, copy.deepcopy(args), copy.deepcopy(kwargs)))
        if service in self.down or service not in self.services:
            raise ServiceUnavailable(service)
        target = getattr(self.services[service], method)
        return copy.deepcopy(target(*copy.deepcopy(args), **copy.deepcopy(kwargs)))

    def calls_to(self, method: str) -> list[tuple[str, str, tuple, dict]]:
        return [c for c in self.calls if c[1] == method]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with test-sized cost; production parameters are argon2-cffi's defaults."""
    monkeypatch.setattr(
        gateway.identity.passwords,
        "hasher",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )


@pytest.fixture
def fake_rpc() -> FakeRpc:
    return FakeRpc()


@pytest.fixture
def app_config() -> dict:
    """Extra gateway settings; a test module overrides this fixture to add its own."""
    return {}


@pytest.fixture
def app(tmp_path, fake_rpc: FakeRpc, app_config: dict):  # noqa: ANN001, ANN201
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/gw.db",
            "SECRET_KEY": "test-secret-key",
            "TESTING": True,
            **app_config,
        },
        rpc=fake_rpc,
    )
    with app.app_context():
        db = app.extensions["gateway_db"]()
        for municipality, email, role, unit in (
            (MUNICIPALITY, "koordinator@kk.dk", "coordinator", None),
            (MUNICIPALITY, "leder@kk.dk", "unit_lead", 2),
            (MUNICIPALITY, "besvarer@kk.dk", "respondent", None),
            (OTHER_MUNICIPALITY, "koordinator@aarhus.dk", "coordinator", None),
            (None, "analytiker@kl.dk", "kl_analyst", None),
        ):
            create_user(
                db,
                municipality_id=municipality,
                email=email,
                name=email.split("@")[0].title(),
                role=role,
                password=PASSWORD,
                unit_id=unit,
            )
        db.commit()
        db.close()
    return app


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def csrf() -> Callable[..., str]:
    return csrf_of


def csrf_of(client) -> str:  # noqa: ANN001
    """The session's CSRF token (the login page creates one)."""
    with client.session_transaction() as session:
        token = session.get("csrf")
    if token is None:
        client.get("/login")
        with client.session_transaction() as session:
            token = session["csrf"]
    return token


@pytest.fixture
def login(client) -> Callable[..., object]:  # noqa: ANN001
    def do_login(
        email: str = "koordinator@kk.dk",
        municipality: str | int = MUNICIPALITY,
        password: str = PASSWORD,
        **environ: object,
    ) -> object:
        token = csrf_of(client)
        return client.post(
            "/login",
            data={
                "municipality": str(municipality),
                "email": email,
                "password": password,
                "csrf_token": token,
            },
            environ_base=environ,
        )

    return do_login


@pytest.fixture
def api_headers(client) -> Callable[[], dict]:  # noqa: ANN001
    def headers() -> dict:
        token = client.get("/api/v1/me").get_json()["csrf_token"]
        return {"X-CSRF-Token": token, "Content-Type": "application/json"}

    return headers
