"""What goes into one unit's management report (ledelsesrapport) for one round.

Pure: no nameko, no database. Input is what the reporting service collected over RPC for the
unit's municipality and one round, with the unit itself (``sources["unit"]``); output is the
format-neutral document of ``documents``. Besides the rules of ``parts``, what a reader sees:

* The unit is compared with the mean of the other units of the same municipality
  (``services.common.unit_comparison``); the report never names another unit or shows another
  unit's values.
* The system and data owners' questions (the ``ownership`` area) one by one, the unit against
  the other units' mean.
* Every recommendation of the unit, each with the question behind it and the unit's answer.
"""

from __future__ import annotations

from datetime import datetime

from services.common.questionnaire import acceptable_level, questions_by_key
from services.common.unit_comparison import unit_versus_rest
from services.reporting import documents as d
from services.reporting import formatting as f
from services.reporting import parts
from services.reporting.texts import Texts

OWNERSHIP_AREA = "ownership"


def unit_report(sources: dict, lang: str, generated_at: datetime) -> dict:
    """One unit's management report (ledelsesrapport) for one round."""
    tx = Texts(lang)
    questionnaire = sources["questionnaire"]
    unit = sources["unit"]
    year = questionnaire["year"]
    acceptable = acceptable_level(questionnaire)
    titles = parts.area_titles(questionnaire, tx)
    questions = questions_by_key(questionnaire)
    answers = [a for a in sources["answers"] if a.get("unit_id") == unit["id"]]
    own = next(u for u in sources["scores"]["units"] if u["id"] == unit["id"])
    found = sources["recommendations"]
    unit_areas = {
        a["key"]
        for a in questionnaire["areas"]
        if any(q["scope"] == "unit" for q in a["questions"])
    }
    comparison = unit_versus_rest(sources["scores"], unit["id"], questionnaire)
    rows = _comparison_rows(tx, comparison, titles, unit_areas, acceptable)
    compare_columns = _comparison_columns(tx, unit)
    sections = [
        _summary_section(tx, unit, comparison, rows, own, len(found), acceptable),
        _status_section(tx, unit, year, rows, compare_columns),
        _owners_section(tx, questionnaire, sources["answers"], unit, acceptable),
        _development_section(tx, sources.get("history") or {}, unit, titles, year, unit_areas),
        _recommendations_section(tx, found, questions, titles, answers),
        _completion_section(tx, unit, own, titles, answers),
    ]
    sheets = [
        d.sheet(tx("sheet.scores"), compare_columns, rows),
        parts.answer_sheet(questionnaire, answers, {unit["id"]: unit["name"]}, tx),
        parts.action_plan(tx, found, questions, titles),
    ]
    heading = (tx("unit.title", year=year), f"{unit['name']} · {sources['municipality']['name']}")
    return parts.municipal_document(tx, sources, generated_at, heading, unit, sections, sheets)


def _comparison_row(key: str, label: str, figures: dict, acceptable: float, tx: Texts) -> dict:
    """``figures``: the unit's score, the rest's mean and the difference."""
    return d.row(
        key,
        {
            "label": label,
            "unit": figures["unit"],
            "rest": figures["rest"],
            "difference": figures["difference"],
            "verdict": parts.verdict(figures["unit"], acceptable, tx),
        },
        emphasis=key == "overall",
    )


def _comparison_rows(
    tx: Texts, comparison: dict, titles: dict, unit_areas: set[str], acceptable: float
) -> list[dict]:
    """Overall first, then each area that has unit questions."""
    overall = _comparison_row("overall", tx("overall"), comparison["overall"], acceptable, tx)
    return [overall] + [
        _comparison_row(area["key"], titles.get(area["key"], area["key"]), area, acceptable, tx)
        for area in comparison["areas"]
        if area["key"] in unit_areas
    ]


def _comparison_columns(tx: Texts, unit: dict, first: str = "col.area") -> list[dict]:
    return [
        d.column("label", tx(first)),
        d.column("unit", unit["name"], "score"),
        *parts.columns(
            tx,
            ("rest", "unit.rest", "score"),
            ("difference", "col.difference", "delta"),
            ("verdict", "col.verdict"),
        ),
    ]


def _summary_section(
    tx: Texts,
    unit: dict,
    comparison: dict,
    rows: list[dict],
    own: dict,
    recommendations: int,
    acceptable: float,
) -> dict:
    below = [
        r for r in rows[1:] if r["cells"]["unit"] is not None and r["cells"]["unit"] < acceptable
    ]
    overall = comparison["overall"]
    return d.section(
        "summary",
        tx("summary.title"),
        [
            d.paragraph(
                tx(
                    "unit.summary",
                    unit=unit["name"],
                    score=f.score(overall["unit"], tx.lang),
                    rest=f.score(overall["rest"], tx.lang),
                    others=overall["rest_units"],
                    level=f.level(acceptable, tx.lang),
                )
            ),
            d.paragraph(
                tx(
                    "unit.summary_areas",
                    below=len(below),
                    total=len(rows) - 1,
                    completeness=f.percent(own["completeness"], tx.lang),
                    recommendations=recommendations,
                )
            ),
        ],
    )


def _status_section(
    tx: Texts, unit: dict, year: int, rows: list[dict], compare_columns: list[dict]
) -> dict:
    chart_rows = [
        {"label": r["cells"]["label"], "first": r["cells"]["unit"], "second": r["cells"]["rest"]}
        for r in rows
    ]
    title = tx("unit.chart", unit=unit["name"])
    labels = (unit["name"], tx("unit.rest"))
    return d.section(
        "status",
        tx("unit.status_title"),
        [
            d.paragraph(tx("unit.status_intro")),
            parts.status_chart(chart_rows, f"unit-{unit['id']}-{year}", title, labels, tx),
            d.table("unit_vs_rest", tx("unit.caption", year=year), compare_columns, rows),
        ],
    )


def _owners_section(
    tx: Texts, questionnaire: dict, answers: list[dict], unit: dict, acceptable: float
) -> dict:
    """The system and data owners' questions one by one: the unit against the other units."""
    area = next((a for a in questionnaire["areas"] if a["key"] == OWNERSHIP_AREA), None)
    if area is None:
        return d.section("owners", tx("owners.title"), [d.paragraph(tx("owners.none"))])
    rows = []
    for question in area["questions"]:
        if question["scope"] != "unit":
            continue
        scores = parts.unit_scores(question, answers)
        others = [s for u, s in scores.items() if u != unit["id"]]
        own = scores.get(unit["id"])
        rest = sum(others) / len(others) if others else None
        figures = {"unit": own, "rest": rest, "difference": parts.minus(own, rest)}
        rows.append(
            _comparison_row(question["key"], tx.loc(question["text"]), figures, acceptable, tx)
        )
    table_columns = _comparison_columns(tx, unit, first="col.question")
    return d.section(
        "owners",
        tx.loc(area["title"]),
        [
            d.paragraph(tx("owners.intro", unit=unit["name"])),
            d.table("owners", tx("owners.caption"), table_columns, rows),
        ],
    )


def _development_section(
    tx: Texts, history: dict, unit: dict, titles: dict, year: int, unit_areas: set[str]
) -> dict:
    """The unit's index over the years against the municipality's."""
    entry = next((u for u in history.get("units", []) if u["id"] == unit["id"]), None)
    points = [
        p for p in (entry or {}).get("points", []) if p["year"] <= year and p["overall"] is not None
    ]
    if not points:
        return d.section("development", tx("dev.title"), [d.paragraph(tx("dev.none"))])
    years = [p["year"] for p in points]
    municipality = {p["year"]: p["score"] for p in history.get("overall", []) if p["year"] in years}
    series = [
        {"label": unit["name"], "values": {p["year"]: p["overall"] for p in points}},
        {"label": tx("unit.municipality_overall"), "values": municipality},
    ]
    title = tx("unit.dev_chart", unit=unit["name"])
    notes = parts.share_notes(history, years, tx)
    chart = parts.trend(years, series, None, f"unit-dev-{unit['id']}", title, tx, notes)
    rows = [
        d.row(
            "overall",
            {"label": tx("overall"), **{str(p["year"]): p["overall"] for p in points}},
            True,
        )
    ] + [
        d.row(key, {"label": titles[key], **{str(p["year"]): p["areas"].get(key) for p in points}})
        for key in titles
        if key in unit_areas
    ]
    caption = tx("unit.dev_caption", unit=unit["name"])
    table = d.table("development", caption, parts.year_columns(tx, years), rows, tx("dev.note"))
    return d.section(
        "development", tx("dev.title"), [d.paragraph(tx("unit.dev_intro")), chart, table]
    )


def _recommendations_section(
    tx: Texts, found: list[dict], questions: dict, titles: dict, answers: list[dict]
) -> dict:
    by_key = {a["question_key"]: a for a in answers}
    items = parts.recommendation_items(found, questions, titles, tx, by_key)
    return d.section(
        "recommendations",
        tx("unit.rec_title"),
        [
            d.paragraph(tx("unit.rec_intro", count=len(found))),
            d.recommendations(items, tx("rec.none_unit")),
        ],
    )


def _completion_section(
    tx: Texts, unit: dict, own: dict, titles: dict, answers: list[dict]
) -> dict:
    """The unit's own completeness per area it answers, and who answered for it."""
    expected = [a for a in own["areas"] if a["expected"]]
    return d.section(
        "completion",
        tx("done.title"),
        [
            d.paragraph(
                tx("unit.done_intro", completeness=f.percent(own["completeness"], tx.lang))
            ),
            parts.completion_table(tx, titles, expected),
            parts.who_answered(answers, {unit["id"]: unit["name"]}, tx),
        ],
    )
