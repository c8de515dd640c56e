"""What goes into a municipality's own report for one round (samlet rapport).

Pure: no nameko, no database. Input is what the reporting service collected over RPC for one
municipality and one round (``sources``, see ``sources.collect``); output is the
format-neutral document of ``documents``. Besides the rules of ``parts`` (status against the
acceptable level, scoring's ranking of recommendations), what a reader sees:

* Status per area and overall with the change since the last year answered; development over
  the years against the national median and middle half.
* The top ten recommendations, each naming the units below the level on unit questions.
* Benchmarks are exactly what the benchmark service published for the municipality's three
  fixed groups; a withheld figure stays withheld and says why.
"""

from __future__ import annotations

from datetime import datetime

from services.common.questionnaire import acceptable_level, questions_by_key
from services.reporting import documents as d
from services.reporting import formatting as f
from services.reporting import parts
from services.reporting.texts import Texts

TOP_RECOMMENDATIONS = 10


def municipality_report(sources: dict, lang: str, generated_at: datetime) -> dict:
    """The whole municipality's report for one round (samlet rapport)."""
    tx = Texts(lang)
    questionnaire = sources["questionnaire"]
    scores = sources["scores"]
    history = sources.get("history") or {}
    answers = sources["answers"]
    year = questionnaire["year"]
    titles = parts.area_titles(questionnaire, tx)
    questions = questions_by_key(questionnaire)
    unit_names = {u["id"]: u["name"] for u in sources.get("units", [])}
    found = sources["recommendations"]
    units_below = _units_below(found, questions, answers, unit_names, questionnaire)
    sections = [
        _summary_section(tx, sources, found, questions),
        _status_section(tx, scores, history, titles, year),
        _development_section(tx, history, sources.get("national_series"), titles, year),
        _benchmark_section(tx, sources.get("benchmark"), titles),
        _completion_section(tx, scores, titles, answers, unit_names),
        _recommendations_section(tx, found, questions, titles, units_below),
    ]
    sheets = [
        _scores_sheet(tx, sources, titles),
        parts.answer_sheet(questionnaire, answers, unit_names, tx),
        parts.action_plan(tx, found, questions, titles, units_below),
    ]
    heading = (tx("mun.title", year=year), sources["municipality"]["name"])
    return parts.municipal_document(tx, sources, generated_at, heading, None, sections, sheets)


def _units_below(
    found: list[dict],
    questions: dict[str, dict],
    answers: list[dict],
    unit_names: dict[int, str],
    questionnaire: dict,
) -> dict[str, str]:
    """Per recommended unit question: the names of the units below the acceptable level."""
    acceptable = acceptable_level(questionnaire)
    below = {}
    for item in found:
        question = questions[item["question_key"]]
        if question["scope"] == "unit":
            names = sorted(
                unit_names[u]
                for u, s in parts.unit_scores(question, answers).items()
                if s < acceptable and u in unit_names
            )
            below[item["question_key"]] = ", ".join(names)
    return below


def _summary_section(tx: Texts, sources: dict, found: list[dict], questions: dict) -> dict:
    scores = sources["scores"]
    overall = scores["overall"]
    acceptable = acceptable_level(sources["questionnaire"])
    below = [a for a in scores["areas"] if a["below_acceptable"]]
    if overall is None:
        verdict = "verdict.none"
    else:
        verdict = "verdict.below" if overall < acceptable else "verdict.at_or_above"
    blocks = [
        d.paragraph(
            tx(
                "mun.summary_overall",
                name=sources["municipality"]["name"],
                score=f.score(overall, tx.lang),
                level=f.level(acceptable, tx.lang),
                verdict=tx(verdict),
            )
        ),
        d.paragraph(
            tx(
                "mun.summary_areas",
                below=len(below),
                total=len(scores["areas"]),
                completeness=f.percent(scores["completeness"], tx.lang),
            )
        ),
    ]
    benchmark = sources.get("benchmark")
    if benchmark and benchmark.get("overall", {}).get("bands", {}).get("all"):
        band = benchmark["overall"]["bands"]["all"]
        blocks.append(d.paragraph(tx("mun.summary_band", band=tx(f"band.{band}"))))
    if found:
        blocks.append(d.paragraph(tx("mun.summary_top")))
        blocks.append(
            d.bullets([tx.loc(questions[item["question_key"]]["text"]) for item in found[:3]])
        )
    return d.section("summary", tx("summary.title"), blocks)


def _previous_year(history: dict, year: int) -> int | None:
    earlier = [y for y in history.get("years", []) if y < year]
    return max(earlier) if earlier else None


def _history_area_score(history: dict, key: str, year: int | None) -> float | None:
    if year is None:
        return None
    for area in history.get("areas", []):
        if area["key"] == key:
            return next((p["score"] for p in area["points"] if p["year"] == year), None)
    return None


def _history_overall(history: dict, year: int | None) -> float | None:
    if year is None:
        return None
    return next((p["score"] for p in history.get("overall", []) if p["year"] == year), None)


def _status_row(
    key: str, label: str, now: dict, before: float | None, acceptable: float, tx: Texts
) -> dict:
    """``now`` holds ``score`` and ``completeness``; ``before`` the last year's score."""
    return d.row(
        key,
        {
            "label": label,
            "score": now["score"],
            "previous": before,
            "change": parts.minus(now["score"], before),
            "verdict": parts.verdict(now["score"], acceptable, tx),
            "completeness": now["completeness"],
        },
        emphasis=key == "overall",
    )


def _status_section(tx: Texts, scores: dict, history: dict, titles: dict, year: int) -> dict:
    """This year against the last year answered, per area and overall."""
    previous = _previous_year(history, year)
    acceptable = scores["acceptable_level"]
    overall = {"score": scores["overall"], "completeness": scores["completeness"]}
    rows = [
        _status_row(
            "overall", tx("overall"), overall, _history_overall(history, previous), acceptable, tx
        )
    ] + [
        _status_row(
            area["key"],
            titles.get(area["key"], area["key"]),
            area,
            _history_area_score(history, area["key"], previous),
            acceptable,
            tx,
        )
        for area in scores["areas"]
    ]
    previous_label = str(previous) if previous else tx("status.previous")
    chart_rows = [
        {
            "label": r["cells"]["label"],
            "first": r["cells"]["score"],
            "second": r["cells"]["previous"],
        }
        for r in rows
    ]
    table_columns = [
        d.column("label", tx("col.area")),
        d.column("score", str(year), "score"),
        d.column("previous", previous_label, "score"),
        *parts.columns(
            tx,
            ("change", "col.change", "delta"),
            ("verdict", "col.verdict"),
            ("completeness", "col.completeness", "percent"),
        ),
    ]
    title = tx("status.chart", year=year)
    return d.section(
        "status",
        tx("status.title"),
        [
            d.paragraph(tx("status.intro", level=f.level(acceptable, tx.lang))),
            parts.status_chart(
                chart_rows, f"status-{year}", title, (str(year), previous_label), tx
            ),
            d.table("status_areas", tx("status.caption", year=year), table_columns, rows),
        ],
    )


def _development_section(
    tx: Texts, history: dict, national_series: dict | None, titles: dict, year: int
) -> dict:
    """The own index over the years against the national median and middle half."""
    years = [y for y in history.get("years", []) if y <= year]
    if not years:
        return d.section("development", tx("dev.title"), [d.paragraph(tx("dev.none"))])
    national = (national_series or {}).get("metrics", {}).get("overall", {})
    own = {p["year"]: p["score"] for p in history.get("overall", []) if p["year"] in years}
    median = {y: national[str(y)]["median"] for y in years if national.get(str(y))}
    band = {
        y: (national[str(y)]["q1"], national[str(y)]["q3"]) for y in years if national.get(str(y))
    }
    series = [{"label": tx("dev.own"), "values": own}]
    if median:
        series.append({"label": tx("dev.national_median"), "values": median})
    notes = parts.share_notes(history, years, tx)
    chart = parts.trend(years, series, band, f"dev-{year}", tx("dev.chart"), tx, notes)
    rows = [d.row("overall", {"label": tx("overall"), **{str(y): own.get(y) for y in years}}, True)]
    for area in history.get("areas", []):
        points = {p["year"]: p["score"] for p in area["points"]}
        rows.append(
            d.row(
                area["key"],
                {
                    "label": titles.get(area["key"]) or tx.loc(area["title"]),
                    **{str(y): points.get(y) for y in years},
                },
            )
        )
    blocks = [
        d.paragraph(tx("dev.intro")),
        chart,
        d.table(
            "development",
            tx("dev.caption"),
            parts.year_columns(tx, years),
            rows,
            note=tx("dev.note"),
        ),
    ]
    return d.section("development", tx("dev.title"), blocks)


def _benchmark_section(tx: Texts, benchmark: dict | None, titles: dict) -> dict:
    """Each of the three groups: a box chart and a table, exactly as the benchmark published."""
    if not benchmark:
        return d.section("benchmark", tx("bm.title"), [d.paragraph(tx("bm.none"))])
    blocks = [d.paragraph(tx("bm.intro"))]
    if benchmark.get("state") == "preliminary":
        blocks.append(d.paragraph(tx("bm.preliminary")))
    if not benchmark.get("participated"):
        blocks.append(d.paragraph(tx("bm.not_participated")))
    entries = [("overall", tx("overall"), benchmark["overall"])] + [
        (a["key"], titles.get(a["key"], a["key"]), a) for a in benchmark["areas"]
    ]
    for group in benchmark["groups"]:
        participation = (benchmark.get("participation") or {}).get(group["key"])
        blocks.extend(_benchmark_group(tx, group, entries, participation))
    return d.section("benchmark", tx("bm.title"), blocks)


def _benchmark_group(
    tx: Texts, group: dict, entries: list[tuple], participation: dict | None
) -> list[dict]:
    """One group's chart and table; a withheld cell stays empty with the reason beside it."""
    key = group["key"]
    label = parts.group_label(group, tx)
    rows = []
    for metric, title, entry in entries:
        cell = entry["cells"].get(key)
        band = entry["bands"].get(key)
        figures = {
            "label": title,
            "own": entry["own"],
            "median": cell["median"] if cell else None,
            "q1": cell["q1"] if cell else None,
            "q3": cell["q3"] if cell else None,
        }
        cells = {
            **figures,
            "n": cell["n"] if cell else None,
            "band": tx(f"bandshort.{band}") if band else "",
            "note": "" if cell else tx("bm.withheld"),
        }
        rows.append(d.row(metric, cells, emphasis=metric == "overall"))
    safe = key.replace(":", "-")
    title = tx("bm.chart", group=label)
    figures = [r["cells"] for r in rows]
    chart = parts.distribution(figures, f"bm-{safe}", title, tx("bm.chart_desc", group=label), tx)
    note = (
        tx(
            "bm.participation",
            participants=participation["participants"],
            members=participation["members"],
        )
        if participation
        else ""
    )
    table_columns = parts.columns(
        tx,
        ("label", "col.area"),
        ("own", "bm.own", "score"),
        ("median", "bm.median", "score2"),
        ("q1", "bm.q1", "score2"),
        ("q3", "bm.q3", "score2"),
        ("n", "bm.n", "int"),
        ("band", "bm.band"),
        ("note", "col.note"),
    )
    return [chart, d.table(f"benchmark_{safe}", label, table_columns, rows, note=note)]


def _completion_section(
    tx: Texts, scores: dict, titles: dict, answers: list[dict], unit_names: dict[int, str]
) -> dict:
    """How complete the answers are per area and unit, and who gave them."""
    unit_rows = [
        d.row(
            f"unit-{u['id']}",
            {
                "label": unit_names.get(u["id"], f.DASH),
                "completeness": u["completeness"],
                "overall": u["overall"],
            },
        )
        for u in scores.get("units", [])
        if u["id"] in unit_names
    ]
    blocks = [
        d.paragraph(tx("done.intro", completeness=f.percent(scores["completeness"], tx.lang))),
        parts.completion_table(tx, titles, scores["areas"]),
    ]
    if unit_rows:
        unit_columns = parts.columns(
            tx,
            ("label", "col.unit"),
            ("completeness", "col.completeness", "percent"),
            ("overall", "overall", "score"),
        )
        blocks.append(
            d.table("completion_units", tx("done.units_caption"), unit_columns, unit_rows)
        )
    blocks.append(d.paragraph(tx("who.intro")))
    blocks.append(parts.who_answered(answers, unit_names, tx))
    return d.section("completion", tx("done.title"), blocks)


def _recommendations_section(
    tx: Texts, found: list[dict], questions: dict, titles: dict, units_below: dict[str, str]
) -> dict:
    top = found[:TOP_RECOMMENDATIONS]
    items = parts.recommendation_items(top, questions, titles, tx, None, units_below)
    return d.section(
        "recommendations",
        tx("rec.title"),
        [
            d.paragraph(tx("rec.intro", count=len(top))),
            d.recommendations(items, tx("rec.none")),
        ],
    )


def _scores_sheet(tx: Texts, sources: dict, titles: dict) -> dict:
    """The municipality's and every unit's score per area, for the spreadsheet."""
    scores = sources["scores"]
    units = sources.get("units", [])
    unit_overall = {u["id"]: u["overall"] for u in scores.get("units", [])}
    unit_areas = {
        u["id"]: {a["key"]: a["score"] for a in u["areas"]} for u in scores.get("units", [])
    }
    rows = [
        d.row(
            "overall",
            {
                "label": tx("overall"),
                "score": scores["overall"],
                "completeness": scores["completeness"],
                **{f"unit_{u['id']}": unit_overall.get(u["id"]) for u in units},
            },
            emphasis=True,
        )
    ] + [
        d.row(
            a["key"],
            {
                "label": titles.get(a["key"], a["key"]),
                "score": a["score"],
                "completeness": a["completeness"],
                **{f"unit_{u['id']}": unit_areas.get(u["id"], {}).get(a["key"]) for u in units},
            },
        )
        for a in scores["areas"]
    ]
    sheet_columns = [
        d.column("label", tx("col.area")),
        d.column("score", sources["municipality"]["name"], "score"),
        d.column("completeness", tx("col.completeness"), "percent"),
        *(d.column(f"unit_{u['id']}", u["name"], "score") for u in units),
    ]
    return d.sheet(tx("sheet.scores"), sheet_columns, rows)
