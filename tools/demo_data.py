"""Demo data for a local run: both questionnaires, a closed 2025 and an open 2026 round, two
demo municipalities with units and answers, and demo logins for them and for KL.

Before 2025, ``tools.demo_history`` loads the 2021-2024 questionnaires and rounds and gives
every municipality units and answers for 2021-2025, so that history and benchmarks have five
years to show.

Answers are generated deterministically (seeded per municipality), so every local run shows the
same picture. Loading is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import random
from typing import Any

from services.common.config import DATA_DIR

DEMO_PASSWORD = "demo-sikkerhed-2026"  # noqa: S105 - printed for the local run on purpose
DEMO_ACTOR = {"user_id": None, "name": "Demodata", "role": "system"}
DEMO_COORDINATOR = {
    "user_id": None,
    "name": "Mette Kjær",
    "role": "coordinator",
    "email": "koordinator@aarhus.dk",
    "unit_id": None,
}

DEMO_MUNICIPALITIES = {
    751: {
        "domain": "aarhus.dk",
        "level": 3.3,
        "units": {
            "Borgerservice og Digitalisering": ["IT-drift", "Digitalisering og data"],
            "Sociale Forhold og Beskæftigelse": ["Jobcenter", "Handicap og psykiatri"],
            "Børn og Unge": ["Skoler", "Dagtilbud"],
            "Teknik og Miljø": [],
        },
    },
    630: {
        "domain": "vejle.dk",
        "level": 2.6,
        "units": {
            "Økonomi og Personale": ["IT og Digitalisering"],
            "Børn og Familie": [],
            "Social og Sundhed": ["Ældre"],
        },
    },
}

DEMO_USERS = [
    (751, "koordinator@aarhus.dk", "Mette Kjær", "coordinator", None),
    (751, "leder.it@aarhus.dk", "Jonas Holm", "unit_lead", "IT-drift"),
    (751, "besvarer@aarhus.dk", "Sara Lund", "respondent", None),
    (630, "koordinator@vejle.dk", "Peter Dahl", "coordinator", None),
    (None, "analytiker@kl.dk", "Anne Friis (KL)", "kl_analyst", None),
    (None, "admin@kl.dk", "Platformsadministrator", "admin", None),
]


def generated_value(question: dict, level: float, rng: random.Random) -> dict:
    """A plausible answer around ``level`` (1-5) for any question type."""
    target = min(5.0, max(1.0, rng.gauss(level, 0.8)))
    kind = question["type"]
    if question.get("na_allowed") and rng.random() < 0.04:
        return {"value": None, "na": True, "justification": "Ikke relevant for os i år."}
    if kind == "maturity":
        value: Any = round(target)
    elif kind == "yes_partly_no":
        value = "yes" if target >= 4 else "partly" if target >= 2.5 else "no"
    elif kind == "single_choice":
        value = min(question["options"], key=lambda o: abs(o["score"] - target))["key"]
    elif kind == "multiple_choice":
        value = [o["key"] for o in question["options"] if rng.random() < target / 5]
    elif kind == "number":
        bands = question.get("bands") or [{"min": 0, "score": 3}]
        band = min(bands, key=lambda b: abs(b["score"] - target))
        value = band["min"] + rng.randint(0, 5)
    else:
        value = rng.choice(
            [
                "Vi har taget de første skridt og følger op i næste år.",
                "Beskrevet i vores informationssikkerhedshåndbog, afsnit 4.",
                "Drøftet i informationssikkerhedsudvalget i foråret.",
            ]
        )
    return {"value": value, "na": False, "justification": None}


def generated_answers(
    questionnaire: dict, unit_ids: list[int], level: float, seed: int, share: float = 1.0
) -> list[dict]:
    rng = random.Random(seed)
    answers = []
    for area in questionnaire["areas"]:
        area_level = level + rng.uniform(-0.6, 0.6)
        for question in area["questions"]:
            targets = [None] if question["scope"] == "municipality" else unit_ids
            for unit_id in targets:
                if rng.random() > share:
                    continue
                answers.append(
                    {
                        "question_key": question["key"],
                        "unit_id": unit_id,
                        **generated_value(question, area_level, rng),
                    }
                )
    return answers


def import_shipped_questionnaire(rpc, year: int, log=print) -> None:  # noqa: ANN001
    """Import the shipped questionnaire of ``year``. A var/ from an older local run may hold an
    older version for a round that has begun; such a round keeps the questionnaire it was
    answered on (survey refuses the change), so the run goes on with it and says how to get the
    new text."""
    from services.common.errors import Conflict

    try:
        rpc.survey.import_questionnaire((DATA_DIR / "questionnaires" / f"{year}.yaml").read_text())
    except Conflict:
        log(
            f"Spørgerammen for {year} i var/ er en ældre version, og runden er i gang eller "
            "lukket, så den gemte version bruges. Slet var/ og start igen for at få den nye."
        )


def load(rpc, ensure_user) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """Load everything through the services' RPC; returns the demo logins to print."""
    from tools import demo_history

    for year in (2025, 2026):
        import_shipped_questionnaire(rpc, year)
    history = demo_history.load_history(rpc)
    rounds = {r["year"]: r["state"] for r in rpc.survey.list_rounds()}
    if 2025 not in rounds:
        rpc.survey.create_round(2025)
        rounds[2025] = "draft"
    if rounds[2025] == "draft":
        rpc.survey.open_round(2025)
        rounds[2025] = "open"
    unit_names: dict[int, dict[str, int]] = {}
    for municipality_id, spec in DEMO_MUNICIPALITIES.items():
        unit_names[municipality_id] = _ensure_units(rpc, municipality_id, spec["units"])
    if rounds[2025] == "open":
        questionnaire = rpc.survey.get_questionnaire(2025)
        if history is not None:
            demo_history.save_year(rpc, history, questionnaire, skip=DEMO_MUNICIPALITIES)
        for municipality_id, spec in DEMO_MUNICIPALITIES.items():
            unit_ids = sorted(unit_names[municipality_id].values())
            answers = generated_answers(
                questionnaire, unit_ids, spec["level"] - 0.3, municipality_id
            )
            _save(rpc, municipality_id, 2025, answers)
        rpc.survey.close_round(2025)
    if 2026 not in rounds:
        rpc.survey.create_round(2026)
        rpc.survey.open_round(2026)
        questionnaire = rpc.survey.get_questionnaire(2026)
        for municipality_id, spec in DEMO_MUNICIPALITIES.items():
            unit_ids = sorted(unit_names[municipality_id].values())
            answers = generated_answers(
                questionnaire, unit_ids, spec["level"], municipality_id + 2026, share=0.45
            )
            _save(rpc, municipality_id, 2026, answers)
    logins = []
    for municipality_id, email, name, role, unit_name in DEMO_USERS:
        unit_id = unit_names.get(municipality_id, {}).get(unit_name) if unit_name else None
        ensure_user(
            municipality_id=municipality_id,
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            unit_id=unit_id,
        )
        logins.append((str(municipality_id or "KL"), email, role))
    _demo_delegation(rpc, unit_names.get(751, {}).get("IT-drift"))
    return logins


def _demo_delegation(rpc, unit_id: int | None) -> None:  # noqa: ANN001
    """One open delegation in Aarhus, so the local inbox shows an invitation from the start.
    The address is in the reserved .example domain: no real mailbox is ever written to."""
    if unit_id is None or rpc.delegation.list_delegations(751, 2026, DEMO_COORDINATOR):
        return
    from datetime import date, timedelta

    rpc.delegation.create_delegation(
        751,
        2026,
        {
            "unit_id": unit_id,
            "kind": "area",
            "area_key": "ownership",
            "delegate_name": "Ole Hansen",
            "delegate_email": "ole.hansen@it-drift.example",
            "message": "Du kender systemejerne i IT-drift bedst. Tak for hjælpen!",
            "due_date": (date.today() + timedelta(days=14)).isoformat(),
        },
        DEMO_COORDINATOR,
    )


def _save(rpc, municipality_id: int, year: int, answers: list[dict]) -> None:  # noqa: ANN001
    for start in range(0, len(answers), 200):
        rpc.survey.save_answers(municipality_id, year, answers[start : start + 200], DEMO_ACTOR)


def _ensure_units(rpc, municipality_id: int, tree: dict[str, list[str]]) -> dict[str, int]:  # noqa: ANN001
    existing = {u["name"]: u["id"] for u in rpc.survey.list_units(municipality_id)}
    for top, children in tree.items():
        if top not in existing:
            unit = rpc.survey.create_unit(
                municipality_id,
                {"name": top, "kind": "forvaltning", "responsible_name": "Direktør"},
                DEMO_ACTOR,
            )
            existing[top] = unit["id"]
        for child in children:
            if child not in existing:
                unit = rpc.survey.create_unit(
                    municipality_id,
                    {"name": child, "kind": "afdeling", "parent_id": existing[top]},
                    DEMO_ACTOR,
                )
                existing[child] = unit["id"]
    return existing
