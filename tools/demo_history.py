"""Deterministic demo history: plausible answers of every municipality for 2021-2025.

Each municipality gets a profile drawn from a seeded random generator: a starting level, a
yearly trend (most improve a little, some stand still or slip), fixed strengths and weaknesses
per focus area, and slightly better levels for larger municipalities, as in KL's baseline where
suppliers and risk lag and technical measures lead. Each year the level moves along the trend
with some noise; some municipalities skip a year (drop-outs), fewer in later years. Units answer
around their municipality's level with a lasting offset of their own, so units differ.

Everything comes from ``random.Random`` seeded with text, so the same call gives the same
answers on every machine and run. The same generator scales from the 98 real municipalities to
any number of synthetic ones (``synthetic_municipalities``), for the benchmark bench.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.common.municipalities import REGIONS, size_class
from tools.demo_data import generated_value

HISTORY_YEARS = (2021, 2022, 2023, 2024, 2025)
SEED = "sikkerhedsbaseline-demo-historik"
PARTICIPATION = {2021: 0.84, 2022: 0.89, 2023: 0.93, 2024: 0.95, 2025: 0.97}
AREA_OFFSETS = {
    "governance": 0.2,
    "ownership": -0.1,
    "risk": -0.25,
    "awareness": 0.1,
    "suppliers": -0.35,
    "technical": 0.35,
}
SIZE_OFFSETS = {"small": -0.15, "medium": 0.0, "large": 0.1, "largest": 0.25}
UNIT_NAMES = (
    "Borgerservice og Digitalisering",
    "Børn og Unge",
    "Social og Sundhed",
    "Teknik og Miljø",
    "Kultur og Fritid",
    "Økonomi og Personale",
)


@dataclass(frozen=True)
class Profile:
    """How one municipality's answers develop: level in the first year and trend per year."""

    municipality_id: int
    start: float
    trend: float
    areas: dict[str, float] = field(default_factory=dict)
    years: tuple[int, ...] = HISTORY_YEARS
    completeness: dict[int, float] = field(default_factory=dict)

    def level(self, year: int, area_key: str) -> float:
        noise = random.Random(f"{SEED}:noise:{self.municipality_id}:{year}:{area_key}").gauss(
            0, 0.12
        )
        offset = AREA_OFFSETS.get(area_key, 0.0) + self.areas.get(area_key, 0.0)
        value = self.start + self.trend * (year - HISTORY_YEARS[0]) + offset + noise
        return min(4.8, max(1.2, value))


def profile(
    municipality: dict,
    pinned: dict[int, float] | None = None,
    always: bool = False,
    years: Iterable[int] = HISTORY_YEARS,
) -> Profile:
    """The profile of one municipality ({"id", "population", ...}).

    ``pinned`` fixes the average level in given years (the demo municipalities keep the levels
    their logins are known for); ``always`` makes it take part every year.
    """
    municipality_id = municipality["id"]
    rng = random.Random(f"{SEED}:profile:{municipality_id}")
    start = rng.gauss(2.35, 0.45) + SIZE_OFFSETS[size_class(municipality["population"])]
    trend = rng.gauss(0.14, 0.12)
    if pinned:
        (first_year, first), *rest = sorted(pinned.items())
        if rest:
            last_year, last = rest[-1]
            trend = (last - first) / (last_year - first_year)
        start = first - trend * (first_year - HISTORY_YEARS[0])
    areas = {key: rng.gauss(0, 0.3) for key in AREA_OFFSETS}
    taking_part = []
    completeness = {}
    for year in years:
        chance = PARTICIPATION.get(year, 0.97)
        if always or rng.random() < chance:
            taking_part.append(year)
        completeness[year] = 1.0 if rng.random() < 0.7 else rng.uniform(0.6, 0.97)
    return Profile(municipality_id, start, trend, areas, tuple(taking_part), completeness)


def unit_names(municipality_id: int) -> list[str]:
    """Three to five forvaltninger with the usual names, the same on every run."""
    rng = random.Random(f"{SEED}:units:{municipality_id}")
    return sorted(rng.sample(UNIT_NAMES, rng.randint(3, 5)))


def answers(
    questionnaire: dict, profile_: Profile, unit_ids: list[int], complete: bool = False
) -> list[dict]:
    """One year's answers of one municipality, ready for ``survey.save_answers``.

    Without ``complete`` some questions stay unanswered according to the profile's
    completeness for the year, so that participation figures have something to show.
    """
    year = questionnaire["year"]
    rng = random.Random(f"{SEED}:answers:{profile_.municipality_id}:{year}")
    share = 1.0 if complete else profile_.completeness.get(year, 1.0)
    found = []
    for area in questionnaire["areas"]:
        level = profile_.level(year, area["key"])
        for question in area["questions"]:
            if question["scope"] == "municipality":
                targets: list[tuple[int | None, float]] = [(None, level)]
            else:
                targets = [(u, level + _unit_offset(profile_, u)) for u in unit_ids]
            for unit_id, target in targets:
                if rng.random() > share:
                    continue
                found.append(
                    {
                        "question_key": question["key"],
                        "unit_id": unit_id,
                        **generated_value(question, target, rng),
                    }
                )
    return found


def _unit_offset(profile_: Profile, unit_id: int) -> float:
    return random.Random(f"{SEED}:unit:{profile_.municipality_id}:{unit_id}").gauss(0, 0.35)


def synthetic_municipalities(count: int, seed: str = SEED) -> list[dict]:
    """``count`` made-up municipalities with Danish-like regions and populations."""
    rng = random.Random(f"{seed}:synthetic:{count}")
    found = []
    for index in range(count):
        population = int(min(700_000, max(2_000, rng.lognormvariate(10.75, 0.6))))
        found.append(
            {
                "id": 100_000 + index,
                "name": f"Syntetisk kommune {index + 1}",
                "region": REGIONS[rng.randrange(len(REGIONS))],
                "population": population,
            }
        )
    return found


# -- loading into a running platform ---------------------------------------------------------

DEMO_PINS = {751: {2021: 2.45, 2025: 3.0}, 630: {2021: 2.1, 2025: 2.3}}
LATER_YEARS = (2025, 2026)


@dataclass
class Plan:
    """Who answers which year, and with which units, in a loaded demo history."""

    profiles: dict[int, Profile]
    units: dict[int, list[int]]


def load_history(rpc, log=print) -> Plan | None:  # noqa: ANN001
    """Import 2021-2024, create every municipality's units and run those rounds with answers.

    Rounds move only forward and one at a time, so history can only be added before 2025
    opens. On a database from an earlier local run without history this says how to start
    afresh and returns None. Running it again changes nothing.
    """
    from tools import demo_data

    for year in HISTORY_YEARS[:-1]:
        demo_data.import_shipped_questionnaire(rpc, year, log)
    rounds = {r["year"]: r["state"] for r in rpc.survey.list_rounds()}
    history_done = all(rounds.get(y) == "closed" for y in HISTORY_YEARS[:-1])
    later_started = any(rounds.get(y) in ("open", "closed") for y in LATER_YEARS)
    if later_started and not history_done:
        log(
            "Demohistorik 2021-2024 springes over: databasen er fra en tidligere kørsel uden "
            "historik. Slet var/ og start igen for at få fem års historik."
        )
        return None
    plan = _plan(rpc, demo_data)
    for year in HISTORY_YEARS[:-1]:
        state = rounds.get(year)
        if state == "closed":
            continue
        if state is None:
            rpc.survey.create_round(year)
            state = "draft"
        if state == "draft":
            rpc.survey.open_round(year)
        log(f"  runde {year}: svar fra {_count(plan, year)} kommuner ...")
        save_year(rpc, plan, rpc.survey.get_questionnaire(year))
        rpc.survey.close_round(year)
    return plan


def save_year(rpc, plan: Plan, questionnaire: dict, skip: Iterable[int] = ()) -> None:  # noqa: ANN001
    """Save one year's answers of every municipality taking part that year."""
    from tools import demo_data

    year = questionnaire["year"]
    skipped = set(skip)
    for municipality_id, profile_ in sorted(plan.profiles.items()):
        if year not in profile_.years or municipality_id in skipped:
            continue
        found = answers(
            questionnaire,
            profile_,
            plan.units.get(municipality_id, []),
            complete=municipality_id in DEMO_PINS,
        )
        demo_data._save(rpc, municipality_id, year, found)


def _count(plan: Plan, year: int) -> int:
    return sum(year in p.years for p in plan.profiles.values())


def _plan(rpc, demo_data) -> Plan:  # noqa: ANN001
    profiles, units = {}, {}
    for municipality in rpc.survey.list_municipalities():
        municipality_id = municipality["id"]
        pinned = DEMO_PINS.get(municipality_id)
        profiles[municipality_id] = profile(municipality, pinned, always=pinned is not None)
        if municipality_id in demo_data.DEMO_MUNICIPALITIES:
            tree = demo_data.DEMO_MUNICIPALITIES[municipality_id]["units"]
        else:
            tree = {name: [] for name in unit_names(municipality_id)}
        units[municipality_id] = sorted(
            demo_data._ensure_units(rpc, municipality_id, tree).values()
        )
    return Plan(profiles, units)
