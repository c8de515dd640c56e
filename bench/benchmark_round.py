"""How long one round's benchmark takes, for 98 and 10,000 municipalities, against a single SQL
aggregate query over the same answers in PostgreSQL, measured in one run.

    .venv/bin/python -m bench.benchmark_round            # 98 and 10,000 municipalities
    .venv/bin/python -m bench.benchmark_round --sizes 98 1000 --repeat 3

For each size the demo history generator answers the 2025 questionnaire (the 98 real
municipalities, or synthetic ones with Danish-like regions and populations), then times:

* scoring: every municipality's scores and per-question scores from its answers (the pure rules
  the scoring service runs once per municipality as answers arrive, shown for scale);
* benchmark (pure): ``engine.compute_round`` + ``publish``: every figure (overall, 6 areas, each
  question, completeness) for all 10 fixed groups, through disclosure control;
* benchmark (service path): the same from the benchmark service's projection in PostgreSQL,
  read, computed and stored as the service does when a round closes;
* SQL: one query over the per-answer scores (unit answers averaged per municipality first)
  giving count, mean, quartiles, median and share >= 3 per question for Denmark, each region
  and each size class (GROUPING SETS), without any disclosure control.

Needs PostgreSQL (``BENCH_PG_ADMIN_URL``, default the tests' ``postgres@127.0.0.1``); a
scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.platform import Databases
from services.benchmark import engine, projection
from services.benchmark.models import MunicipalityScore, RoundState
from services.common.answer_score import score_answer
from services.common.config import DATA_DIR
from services.common.db import run_migrations
from services.common.municipalities import load_municipalities, size_class
from services.scoring.rules import compute_scores, question_scores
from services.survey.questionnaire_format import load_questionnaire_file
from tools import demo_history

YEAR = 2025
UNITS_PER_MUNICIPALITY = 3
AGGREGATE_SQL = """
WITH per_municipality AS (
    SELECT municipality_id, region, size_class, question_key, avg(score) AS score
    FROM bench_answers
    WHERE score IS NOT NULL
    GROUP BY municipality_id, region, size_class, question_key
)
SELECT question_key, region, size_class, count(*), avg(score),
       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY score),
       avg(CASE WHEN score >= 3 THEN 1.0 ELSE 0.0 END)
FROM per_municipality
GROUP BY GROUPING SETS ((question_key), (question_key, region), (question_key, size_class))
"""


def timed(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds over ``repeat`` runs, and the last result."""
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def municipalities(count: int) -> list[dict]:
    return load_municipalities() if count == 98 else demo_history.synthetic_municipalities(count)


def generate(questionnaire: dict, found: list[dict]) -> dict[int, tuple[list[int], list[dict]]]:
    """Units and answers per municipality taking part in the round."""
    answers = {}
    for municipality in found:
        profile = demo_history.profile(municipality)
        if YEAR not in profile.years:
            continue
        units = [municipality["id"] * 10 + i for i in range(UNITS_PER_MUNICIPALITY)]
        answers[municipality["id"]] = (units, demo_history.answers(questionnaire, profile, units))
    return answers


def score_all(questionnaire: dict, answers: dict) -> dict[int, dict]:
    scores = {}
    for municipality_id, (units, found) in answers.items():
        result = compute_scores(questionnaire, units, found)
        scores[municipality_id] = {
            "overall": result["overall"],
            "completeness": result["completeness"],
            "areas": {a["key"]: a["score"] for a in result["areas"]},
            "questions": {
                q["key"]: q["score"] for q in question_scores(questionnaire, units, found)
            },
        }
    return scores


def copy_answers(connection, questionnaire: dict, found: list[dict], answers: dict) -> int:  # noqa: ANN001
    """Load the per-answer scores with COPY; returns the number of rows."""
    questions = {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}
    groups = {m["id"]: (m["region"], size_class(m["population"])) for m in found}
    buffer = io.StringIO()
    rows = 0
    for municipality_id, (_, given) in answers.items():
        region, size = groups[municipality_id]
        for answer in given:
            question = questions[answer["question_key"]]
            score = score_answer(question, answer)
            unit = "\\N" if answer["unit_id"] is None else answer["unit_id"]
            value = "\\N" if score is None else repr(score)
            buffer.write(
                f"{municipality_id}\t{region}\t{size}\t{question['key']}\t"
                f"{question['area_key']}\t{unit}\t{value}\n"
            )
            rows += 1
    buffer.seek(0)
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor:
        cursor.copy_expert(
            "COPY bench_answers (municipality_id, region, size_class, question_key, area_key, "
            "unit_id, score) FROM STDIN",
            buffer,
        )
    return rows


def measure(count: int, repeat: int, url: str) -> dict:
    questionnaire = load_questionnaire_file(DATA_DIR / "questionnaires" / f"{YEAR}.yaml")
    found = municipalities(count)
    membership = {
        m["id"]: {"region": m["region"], "size_class": size_class(m["population"])} for m in found
    }
    answers = generate(questionnaire, found)
    answer_count = sum(len(a) for _, a in answers.values())
    scoring_seconds, scores = timed(lambda: score_all(questionnaire, answers), 1)

    def pure() -> dict:
        document = engine.compute_round(YEAR, questionnaire, scores, membership)
        return engine.publish(document, preliminary=False)

    pure_seconds, document = timed(pure, repeat)

    database = create_engine(url)
    with database.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS bench_answers"))
        connection.execute(
            text(
                "CREATE TABLE bench_answers (municipality_id integer, region text, "
                "size_class text, question_key text, area_key text, unit_id integer, "
                "score double precision)"
            )
        )
        copy_answers(connection, questionnaire, found, answers)
        connection.execute(text("DELETE FROM municipality_scores"))
        connection.execute(text("DELETE FROM rounds"))
        connection.execute(text("DELETE FROM benchmarks"))
    with database.begin() as connection:
        connection.execute(text("ANALYZE bench_answers"))
    with Session(database) as session:
        session.add(RoundState(year=YEAR, state="closed", dirty=True))
        session.add_all(
            MunicipalityScore(municipality_id=m, year=YEAR, revision=1, **s)
            for m, s in scores.items()
        )
        session.commit()

    def service_path() -> None:
        with Session(database) as session:
            projection.recompute_round(session, YEAR, questionnaire, membership)
            session.commit()

    service_seconds, _ = timed(service_path, repeat)

    def sql() -> int:
        with database.connect() as connection:
            return len(connection.execute(text(AGGREGATE_SQL)).fetchall())

    sql(), sql()  # warm the cache, as the service's own reads are warm
    sql_seconds, sql_rows = timed(sql, max(repeat, 5))
    database.dispose()
    published = sum(
        cell is not None for cells in document["metrics"].values() for cell in cells.values()
    )
    cells = sum(len(cells) for cells in document["metrics"].values())
    return {
        "municipalities": count,
        "participants": len(answers),
        "answers": answer_count,
        "scoring": scoring_seconds,
        "pure": pure_seconds,
        "service": service_seconds,
        "sql": sql_seconds,
        "sql_rows": sql_rows,
        "published": published,
        "cells": cells,
    }


def run(sizes: list[int], repeat: int) -> list[dict]:
    """``measure`` for every size in one scratch database, created and dropped here."""
    databases = Databases()
    try:
        url = databases.make("benchmark")
        run_migrations(url, DATA_DIR.parent / "services" / "benchmark" / "migrations")
        return [measure(count, repeat, url) for count in sizes]
    finally:
        databases.drop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[98, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results = run(args.sizes, args.repeat)
    print(f"Benchmark of one round ({YEAR} questionnaire), median of {args.repeat} runs")
    header = (
        f"{'municipalities':>14} {'answers':>9} {'scoring':>9} {'bench':>9} {'service':>9} "
        f"{'SQL':>9} {'bench/SQL':>10} {'service/SQL':>12} {'published':>10}"
    )
    print(header)
    for r in results:
        print(
            f"{r['municipalities']:>14,} {r['answers']:>9,} {r['scoring'] * 1000:>7.0f}ms "
            f"{r['pure'] * 1000:>7.0f}ms {r['service'] * 1000:>7.0f}ms "
            f"{r['sql'] * 1000:>7.1f}ms {r['pure'] / r['sql']:>9.1f}x "
            f"{r['service'] / r['sql']:>11.1f}x {r['published']:>5}/{r['cells']}"
        )
    print(
        "scoring: every municipality's scores from its answers (once per municipality as "
        "answers arrive); bench: figures + disclosure control for all groups (pure); service: "
        "the same read from and stored in PostgreSQL; SQL: one GROUPING SETS aggregate per "
        "question and group over the same answers, without disclosure control."
    )


if __name__ == "__main__":
    main()
