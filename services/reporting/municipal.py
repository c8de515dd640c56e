"""What goes into a municipality's own reports: the whole-municipality report and the management
report of one unit.

Pure: no nameko, no database. Input is what the reporting service collected over RPC for one
municipality and one round (``sources``, see ``collect`` in the service); output is the
format-neutral document of ``documents``. Rules that decide what a reader sees:

* Status is measured against the questionnaire's acceptable level (3); an area below it is
  marked in words, never by colour alone.
* Recommendations are scoring's ranking (``rules.recommendations``: gap to the acceptable level
  times the question's weight, heaviest first). The municipality report shows the top ten and
  names the units below the level on unit questions; a unit report shows all of the unit's own,
  each with the question behind it and the unit's answer.
* Benchmarks are exactly what the benchmark service published for the municipality's three
  fixed groups; a withheld figure stays withheld and says why.
* A unit report compares the unit with the mean of the other units of the same municipality
  (``scoring.organisation``) and never names another unit or shows another unit's values.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from services.common import charts
from services.reporting import documents as d
from services.reporting import formatting as f
from services.reporting.texts import Texts
from services.scoring import organisation, rules

TOP_RECOMMENDATIONS = 10
OWNERSHIP_AREA = "ownership"


def _questions(questionnaire: dict) -> dict[str, dict]:
    return {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}


def _area_titles(questionnaire: dict, tx: Texts) -> dict[str, str]:
    return {a["key"]: tx.loc(a["title"]) for a in questionnaire["areas"]}


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


def _minus(a: float | None, b: float | None) -> float | None:
    return a - b if a is not None and b is not None else None


def answer_text(question: dict, answer: dict, tx: Texts) -> str:
    """An answer as the person who gave it would recognise it."""
    if answer.get("na"):
        return tx("answer.na")
    value = answer.get("value")
    if value is None:
        return f.DASH
    kind = question["type"]
    if kind == "maturity":
        level = (question.get("levels") or {}).get(str(value))
        return f"{value} – {tx.loc(level)}" if level else str(value)
    if kind == "yes_partly_no":
        return tx(f"answer.{value}")
    options = {o["key"]: tx.loc(o["label"]) for o in question.get("options") or []}
    if kind == "single_choice":
        return options.get(value, str(value))
    if kind == "multiple_choice":
        chosen = [options.get(v, str(v)) for v in value]
        return "; ".join(chosen) if chosen else tx("answer.none_ticked")
    if kind == "number":
        unit = tx.loc(question.get("unit_label")) if question.get("unit_label") else ""
        number = f.integer(value, tx.lang) if float(value).is_integer() else str(value)
        return f"{number} {unit}".strip()
    return str(value)


def _references(question: dict) -> str:
    refs = question.get("references") or {}
    parts = []
    for key, label in (("iso27001", "ISO 27001"), ("nis2", "NIS2"), ("cis", "CIS")):
        if refs.get(key):
            parts.append(f"{label}: {', '.join(refs[key])}")
    return "; ".join(parts)


def _unit_scores(question: dict, answers: list[dict]) -> dict[int, float]:
    found = {}
    for answer in answers:
        if answer["question_key"] == question["key"] and answer.get("unit_id") is not None:
            score = rules.score_answer(question, answer)
            if score is not None:
                found[answer["unit_id"]] = score
    return found


def _who_answered(answers: list[dict], unit_names: dict[int, str], tx: Texts) -> dict:
    counts: Counter[str] = Counter()
    latest: dict[str, str] = {}
    places: dict[str, set[str]] = {}
    for answer in answers:
        if not (answer.get("na") or answer.get("value") is not None):
            continue
        who = answer.get("answered_by") or tx("answer.unknown_person")
        counts[who] += 1
        when = answer.get("answered_at") or ""
        latest[who] = max(latest.get(who, ""), when)
        unit_id = answer.get("unit_id")
        place = unit_names.get(unit_id, f.DASH) if unit_id else tx("scope.municipality")
        places.setdefault(who, set()).add(place)
    rows = [
        d.row(
            f"person-{index}",
            {
                "label": who,
                "answers": count,
                "where": ", ".join(sorted(places[who])),
                "latest": f.date(latest[who], tx.lang) if latest[who] else f.DASH,
            },
        )
        for index, (who, count) in enumerate(sorted(counts.items(), key=lambda i: (-i[1], i[0])))
    ]
    return d.table(
        "who_answered",
        tx("who.caption"),
        [
            d.column("label", tx("who.person")),
            d.column("answers", tx("who.answers"), "int"),
            d.column("where", tx("who.where")),
            d.column("latest", tx("who.latest")),
        ],
        rows,
    )


def _status_chart(
    rows: list[dict], chart_id: str, title: str, labels: tuple[str, str], tx: Texts
) -> str:
    return charts.paired_bars_chart(
        rows,
        chart_id=chart_id,
        title=title,
        description=tx("chart.bars_desc", first=labels[0], second=labels[1]),
        series_labels=labels,
        fmt=lambda v: f.score(v, tx.lang),
    )


def _trend(
    years: list[int],
    series: list[dict],
    band: dict[int, tuple[float, float]] | None,
    chart_id: str,
    title: str,
    tx: Texts,
    notes: dict[int, str] | None = None,
) -> str:
    return charts.trend_chart(
        years,
        series,
        chart_id=chart_id,
        title=title,
        description=tx("chart.trend_desc"),
        band=band or None,
        band_label=tx("chart.national_quartiles") if band else None,
        notes=notes,
        acceptable_label=tx("chart.acceptable"),
        fmt=lambda v: f.score(v, tx.lang),
    )


def _share_notes(history: dict, years: list[int], tx: Texts) -> dict[int, str]:
    shares = {p["year"]: p.get("comparable_share") for p in history.get("overall", [])}
    return {
        y: tx("dev.note_share", share=f.percent(shares[y], tx.lang))
        for y in years
        if shares.get(y) is not None and shares[y] < 1
    }


def _action_rows(
    found: list[dict],
    questions: dict[str, dict],
    titles: dict[str, str],
    tx: Texts,
    units_below: dict[str, str] | None = None,
) -> list[dict]:
    return [
        d.row(
            item["question_key"],
            {
                "rank": rank,
                "area": titles.get(item["area_key"], item["area_key"]),
                "question": tx.loc(questions[item["question_key"]]["text"]),
                "units": (units_below or {}).get(item["question_key"], ""),
                "score": item["score"],
                "weight": item["weight"],
                "gap": item["gap"],
                "urgency": item["gap"] * item["weight"],
                "advice": tx.loc(item.get("recommendation")),
                "references": _references(questions[item["question_key"]]),
                "owner": "",
                "deadline": "",
                "status": "",
            },
        )
        for rank, item in enumerate(found, start=1)
    ]


def _action_columns(tx: Texts, with_units: bool) -> list[dict]:
    columns = [
        d.column("rank", tx("plan.rank"), "int"),
        d.column("area", tx("col.area")),
        d.column("question", tx("col.question")),
    ]
    if with_units:
        columns.append(d.column("units", tx("plan.units_below")))
    return columns + [
        d.column("score", tx("col.score"), "score"),
        d.column("weight", tx("col.weight"), "int"),
        d.column("gap", tx("col.gap"), "score"),
        d.column("urgency", tx("col.urgency"), "score"),
        d.column("advice", tx("col.advice")),
        d.column("references", tx("col.references")),
        d.column("owner", tx("plan.owner")),
        d.column("deadline", tx("plan.deadline")),
        d.column("status", tx("plan.status")),
    ]


def _answer_sheet(
    questionnaire: dict, answers: list[dict], unit_names: dict[int, str], tx: Texts
) -> dict:
    questions = _questions(questionnaire)
    titles = _area_titles(questionnaire, tx)
    order = {key: index for index, key in enumerate(questions)}
    rows = []
    for answer in sorted(
        answers, key=lambda a: (order.get(a["question_key"], 10**6), a.get("unit_id") or 0)
    ):
        question = questions.get(answer["question_key"])
        if question is None:
            continue
        unit_id = answer.get("unit_id")
        rows.append(
            d.row(
                f"{answer['question_key']}@{unit_id or 0}",
                {
                    "area": titles[question["area_key"]],
                    "key": question["key"],
                    "question": tx.loc(question["text"]),
                    "unit": unit_names.get(unit_id, "") if unit_id else tx("scope.municipality"),
                    "answer": answer_text(question, answer, tx),
                    "na": tx("yes") if answer.get("na") else tx("no"),
                    "justification": answer.get("justification") or "",
                    "comment": answer.get("comment") or "",
                    "score": rules.score_answer(question, answer),
                    "by": answer.get("answered_by") or "",
                    "at": f.date(answer["answered_at"], tx.lang)
                    if answer.get("answered_at")
                    else "",
                },
            )
        )
    return d.sheet(
        tx("sheet.answers"),
        [
            d.column("area", tx("col.area")),
            d.column("key", tx("col.key")),
            d.column("question", tx("col.question")),
            d.column("unit", tx("col.unit")),
            d.column("answer", tx("col.answer")),
            d.column("na", tx("col.na")),
            d.column("justification", tx("col.justification")),
            d.column("comment", tx("col.comment")),
            d.column("score", tx("col.score"), "score"),
            d.column("by", tx("who.person")),
            d.column("at", tx("col.answered_at")),
        ],
        rows,
    )


def _recommendation_items(
    found: list[dict],
    questions: dict[str, dict],
    titles: dict[str, str],
    tx: Texts,
    answers_by_key: dict[str, dict] | None = None,
    units_below: dict[str, str] | None = None,
) -> list[dict]:
    items = []
    for rank, item in enumerate(found, start=1):
        question = questions[item["question_key"]]
        lines = [
            (tx("col.area"), titles.get(item["area_key"], item["area_key"])),
            (
                tx("rec.figures"),
                tx(
                    "rec.figures_text",
                    score=f.score(item["score"], tx.lang),
                    weight=f.integer(item["weight"], tx.lang),
                    gap=f.score(item["gap"], tx.lang),
                    urgency=f.score(item["gap"] * item["weight"], tx.lang),
                ),
            ),
        ]
        if answers_by_key is not None and item["question_key"] in answers_by_key:
            lines.append(
                (tx("col.answer"), answer_text(question, answers_by_key[item["question_key"]], tx))
            )
        if units_below and units_below.get(item["question_key"]):
            lines.append((tx("plan.units_below"), units_below[item["question_key"]]))
        if _references(question):
            lines.append((tx("col.references"), _references(question)))
        items.append(
            {
                "rank": rank,
                "key": item["question_key"],
                "title": tx.loc(question["text"]),
                "lines": lines,
                "advice": tx.loc(item.get("recommendation")) or tx("rec.no_advice"),
            }
        )
    return items


def municipality_report(sources: dict, lang: str, generated_at: datetime) -> dict:
    """The whole municipality's report for one round (samlet rapport)."""
    tx = Texts(lang)
    municipality = sources["municipality"]
    questionnaire = sources["questionnaire"]
    scores = sources["scores"]
    history = sources.get("history") or {}
    answers = sources["answers"]
    year = questionnaire["year"]
    acceptable = rules.acceptable_level(questionnaire)
    titles = _area_titles(questionnaire, tx)
    questions = _questions(questionnaire)
    unit_names = {u["id"]: u["name"] for u in sources.get("units", [])}
    previous = _previous_year(history, year)
    below = [a for a in scores["areas"] if a["below_acceptable"]]
    found = rules.recommendations(questionnaire, answers)
    units_below = {}
    for item in found:
        question = questions[item["question_key"]]
        if question["scope"] == "unit":
            names = sorted(
                unit_names[u]
                for u, s in _unit_scores(question, answers).items()
                if s < acceptable and u in unit_names
            )
            units_below[item["question_key"]] = ", ".join(names)
    sections = [
        _summary_section(tx, municipality, scores, below, found, acceptable, questions, sources),
        _status_section(tx, scores, history, titles, previous, year),
        _development_section(tx, history, sources.get("national_series"), titles, year),
        _benchmark_section(tx, sources.get("benchmark"), titles),
        _completion_section(tx, scores, titles, answers, unit_names),
        d.section(
            "recommendations",
            tx("rec.title"),
            [
                d.paragraph(tx("rec.intro", count=min(len(found), TOP_RECOMMENDATIONS))),
                d.recommendations(
                    _recommendation_items(
                        found[:TOP_RECOMMENDATIONS], questions, titles, tx, None, units_below
                    ),
                    tx("rec.none"),
                ),
            ],
        ),
    ]
    unit_columns = [
        d.column(f"unit_{u['id']}", u["name"], "score") for u in sources.get("units", [])
    ]
    unit_areas = {
        u["id"]: {a["key"]: a["score"] for a in u["areas"]} for u in scores.get("units", [])
    }
    score_rows = [
        d.row(
            "overall",
            {
                "label": tx("overall"),
                "score": scores["overall"],
                "completeness": scores["completeness"],
                **{
                    f"unit_{u['id']}": next(
                        (x["overall"] for x in scores.get("units", []) if x["id"] == u["id"]), None
                    )
                    for u in sources.get("units", [])
                },
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
                **{
                    f"unit_{u['id']}": unit_areas.get(u["id"], {}).get(a["key"])
                    for u in sources.get("units", [])
                },
            },
        )
        for a in scores["areas"]
    ]
    sheets = [
        d.sheet(
            tx("sheet.scores"),
            [
                d.column("label", tx("col.area")),
                d.column("score", municipality["name"], "score"),
                d.column("completeness", tx("col.completeness"), "percent"),
                *unit_columns,
            ],
            score_rows,
        ),
        _answer_sheet(questionnaire, answers, unit_names, tx),
        d.sheet(
            tx("sheet.plan"),
            _action_columns(tx, with_units=True),
            _action_rows(found, questions, titles, tx, units_below),
        ),
    ]
    return d.document(
        kind="municipality",
        language=lang,
        title=tx("mun.title", year=year),
        subtitle=municipality["name"],
        cover_lines=[
            tx("cover.round", year=year, state=tx(f"round.{sources['round']['state']}")),
            tx("cover.generated", date=f.date(generated_at, lang)),
            tx("cover.confidential"),
        ],
        meta={
            "year": year,
            "municipality_id": municipality["id"],
            "municipality_name": municipality["name"],
            "unit_id": None,
            "unit_name": None,
            "generated_at": generated_at.isoformat(),
        },
        sections=sections,
        sheets=sheets,
        labels=tx.labels(),
    )


def _summary_section(
    tx: Texts,
    municipality: dict,
    scores: dict,
    below: list[dict],
    found: list[dict],
    acceptable: float,
    questions: dict[str, dict],
    sources: dict,
) -> dict:
    overall = scores["overall"]
    blocks = [
        d.paragraph(
            tx(
                "mun.summary_overall",
                name=municipality["name"],
                score=f.score(overall, tx.lang),
                level=f.level(acceptable, tx.lang),
                verdict=tx(
                    "verdict.below"
                    if overall is not None and overall < acceptable
                    else ("verdict.at_or_above" if overall is not None else "verdict.none")
                ),
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


def _status_section(
    tx: Texts, scores: dict, history: dict, titles: dict, previous: int | None, year: int
) -> dict:
    rows = [
        d.row(
            "overall",
            {
                "label": tx("overall"),
                "score": scores["overall"],
                "previous": _history_overall(history, previous),
                "change": _minus(scores["overall"], _history_overall(history, previous)),
                "verdict": _verdict(scores["overall"], scores.get("acceptable_level"), tx),
                "completeness": scores["completeness"],
            },
            emphasis=True,
        )
    ]
    for area in scores["areas"]:
        before = _history_area_score(history, area["key"], previous)
        rows.append(
            d.row(
                area["key"],
                {
                    "label": titles.get(area["key"], area["key"]),
                    "score": area["score"],
                    "previous": before,
                    "change": _minus(area["score"], before),
                    "verdict": _verdict(area["score"], scores.get("acceptable_level"), tx),
                    "completeness": area["completeness"],
                },
            )
        )
    previous_label = str(previous) if previous else tx("status.previous")
    chart_rows = [
        {
            "label": r["cells"]["label"],
            "first": r["cells"]["score"],
            "second": r["cells"]["previous"],
        }
        for r in rows
    ]
    return d.section(
        "status",
        tx("status.title"),
        [
            d.paragraph(tx("status.intro", level=f.level(scores.get("acceptable_level"), tx.lang))),
            d.chart(
                _status_chart(
                    chart_rows,
                    f"status-{year}",
                    tx("status.chart", year=year),
                    (str(year), previous_label),
                    tx,
                ),
                tx("status.chart", year=year),
            ),
            d.table(
                "status_areas",
                tx("status.caption", year=year),
                [
                    d.column("label", tx("col.area")),
                    d.column("score", str(year), "score"),
                    d.column("previous", previous_label, "score"),
                    d.column("change", tx("col.change"), "delta"),
                    d.column("verdict", tx("col.verdict")),
                    d.column("completeness", tx("col.completeness"), "percent"),
                ],
                rows,
            ),
        ],
    )


def _verdict(score: float | None, acceptable: float | None, tx: Texts) -> str:
    if score is None:
        return tx("verdict.none_short")
    return tx("verdict.below_short" if score < (acceptable or 3.0) else "verdict.ok_short")


def _development_section(
    tx: Texts, history: dict, national_series: dict | None, titles: dict, year: int
) -> dict:
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
    chart = _trend(
        years, series, band, f"dev-{year}", tx("dev.chart"), tx, _share_notes(history, years, tx)
    )
    columns = [d.column("label", tx("col.area"))] + [
        d.column(str(y), str(y), "score") for y in years
    ]
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
        d.chart(chart, tx("dev.chart")),
        d.table("development", tx("dev.caption"), columns, rows, note=tx("dev.note")),
    ]
    return d.section("development", tx("dev.title"), blocks)


def group_label(group: dict, tx: Texts) -> str:
    if group["kind"] == "national":
        return tx("group.all")
    if group["kind"] == "region":
        return tx("group.region", name=group["name"])
    return tx(f"size.{group['name']}")


def _benchmark_section(tx: Texts, benchmark: dict | None, titles: dict) -> dict:
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
        key = group["key"]
        label = group_label(group, tx)
        participation = (benchmark.get("participation") or {}).get(key)
        rows = []
        chart_rows = []
        for metric, title, entry in entries:
            cell = entry["cells"].get(key)
            band = entry["bands"].get(key)
            rows.append(
                d.row(
                    metric,
                    {
                        "label": title,
                        "own": entry["own"],
                        "median": cell["median"] if cell else None,
                        "q1": cell["q1"] if cell else None,
                        "q3": cell["q3"] if cell else None,
                        "n": cell["n"] if cell else None,
                        "band": tx(f"bandshort.{band}") if band else "",
                        "note": "" if cell else tx("bm.withheld"),
                    },
                    emphasis=metric == "overall",
                )
            )
            chart_rows.append(
                {
                    "label": title,
                    "own": entry["own"],
                    "median": cell["median"] if cell else None,
                    "q1": cell["q1"] if cell else None,
                    "q3": cell["q3"] if cell else None,
                }
            )
        safe = key.replace(":", "-")
        chart = charts.distribution_chart(
            chart_rows,
            chart_id=f"bm-{safe}",
            title=tx("bm.chart", group=label),
            description=tx("bm.chart_desc", group=label),
            legend={
                "own": tx("chart.own"),
                "median": tx("chart.median"),
                "quartiles": tx("chart.quartiles"),
                "acceptable": tx("chart.acceptable"),
                "withheld": tx("chart.withheld"),
            },
            fmt=lambda v: f.score(v, tx.lang),
        )
        note = (
            tx(
                "bm.participation",
                participants=participation["participants"],
                members=participation["members"],
            )
            if participation
            else ""
        )
        blocks.append(d.chart(chart, tx("bm.chart", group=label)))
        blocks.append(
            d.table(
                f"benchmark_{safe}",
                label,
                [
                    d.column("label", tx("col.area")),
                    d.column("own", tx("bm.own"), "score"),
                    d.column("median", tx("bm.median"), "score2"),
                    d.column("q1", tx("bm.q1"), "score2"),
                    d.column("q3", tx("bm.q3"), "score2"),
                    d.column("n", tx("bm.n"), "int"),
                    d.column("band", tx("bm.band")),
                    d.column("note", tx("col.note")),
                ],
                rows,
                note=note,
            )
        )
    return d.section("benchmark", tx("bm.title"), blocks)


def _completion_section(
    tx: Texts, scores: dict, titles: dict, answers: list[dict], unit_names: dict[int, str]
) -> dict:
    area_rows = [
        d.row(
            a["key"],
            {
                "label": titles.get(a["key"], a["key"]),
                "answered": a["answered"],
                "expected": a["expected"],
                "completeness": a["completeness"],
            },
        )
        for a in scores["areas"]
    ]
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
        d.table(
            "completion_areas",
            tx("done.areas_caption"),
            [
                d.column("label", tx("col.area")),
                d.column("answered", tx("done.answered"), "int"),
                d.column("expected", tx("done.expected"), "int"),
                d.column("completeness", tx("col.completeness"), "percent"),
            ],
            area_rows,
        ),
    ]
    if unit_rows:
        blocks.append(
            d.table(
                "completion_units",
                tx("done.units_caption"),
                [
                    d.column("label", tx("col.unit")),
                    d.column("completeness", tx("col.completeness"), "percent"),
                    d.column("overall", tx("overall"), "score"),
                ],
                unit_rows,
            )
        )
    blocks.append(d.paragraph(tx("who.intro")))
    blocks.append(_who_answered(answers, unit_names, tx))
    return d.section("completion", tx("done.title"), blocks)


def unit_report(sources: dict, lang: str, generated_at: datetime) -> dict:
    """One unit's management report (ledelsesrapport) for one round."""
    tx = Texts(lang)
    municipality = sources["municipality"]
    questionnaire = sources["questionnaire"]
    scores = sources["scores"]
    history = sources.get("history") or {}
    all_answers = sources["answers"]
    unit = sources["unit"]
    unit_id = unit["id"]
    year = questionnaire["year"]
    acceptable = rules.acceptable_level(questionnaire)
    titles = _area_titles(questionnaire, tx)
    questions = _questions(questionnaire)
    answers = [a for a in all_answers if a.get("unit_id") == unit_id]
    comparison = organisation.unit_versus_rest(scores, unit_id, questionnaire)
    own = next(u for u in scores["units"] if u["id"] == unit_id)
    found = rules.recommendations(questionnaire, answers, unit_id=unit_id)
    by_key = {a["question_key"]: a for a in answers}
    unit_areas = {
        a["key"]
        for a in questionnaire["areas"]
        if any(q["scope"] == "unit" for q in a["questions"])
    }
    rows = [
        d.row(
            "overall",
            {
                "label": tx("overall"),
                "unit": comparison["overall"]["unit"],
                "rest": comparison["overall"]["rest"],
                "difference": comparison["overall"]["difference"],
                "verdict": _verdict(comparison["overall"]["unit"], acceptable, tx),
            },
            emphasis=True,
        )
    ] + [
        d.row(
            area["key"],
            {
                "label": titles.get(area["key"], area["key"]),
                "unit": area["unit"],
                "rest": area["rest"],
                "difference": area["difference"],
                "verdict": _verdict(area["unit"], acceptable, tx),
            },
        )
        for area in comparison["areas"]
        if area["key"] in unit_areas
    ]
    compare_columns = [
        d.column("label", tx("col.area")),
        d.column("unit", unit["name"], "score"),
        d.column("rest", tx("unit.rest"), "score"),
        d.column("difference", tx("col.difference"), "delta"),
        d.column("verdict", tx("col.verdict")),
    ]
    below = [
        r for r in rows[1:] if r["cells"]["unit"] is not None and r["cells"]["unit"] < acceptable
    ]
    summary = [
        d.paragraph(
            tx(
                "unit.summary",
                unit=unit["name"],
                score=f.score(comparison["overall"]["unit"], tx.lang),
                rest=f.score(comparison["overall"]["rest"], tx.lang),
                others=comparison["overall"]["rest_units"],
                level=f.level(acceptable, tx.lang),
            )
        ),
        d.paragraph(
            tx(
                "unit.summary_areas",
                below=len(below),
                total=len(rows) - 1,
                completeness=f.percent(own["completeness"], tx.lang),
                recommendations=len(found),
            )
        ),
    ]
    status = [
        d.paragraph(tx("unit.status_intro")),
        d.chart(
            _status_chart(
                [
                    {
                        "label": r["cells"]["label"],
                        "first": r["cells"]["unit"],
                        "second": r["cells"]["rest"],
                    }
                    for r in rows
                ],
                f"unit-{unit_id}-{year}",
                tx("unit.chart", unit=unit["name"]),
                (unit["name"], tx("unit.rest")),
                tx,
            ),
            tx("unit.chart", unit=unit["name"]),
        ),
        d.table("unit_vs_rest", tx("unit.caption", year=year), compare_columns, rows),
    ]
    sections = [
        d.section("summary", tx("summary.title"), summary),
        d.section("status", tx("unit.status_title"), status),
        _owners_section(tx, questionnaire, all_answers, unit, acceptable),
        _unit_development(tx, history, unit, titles, year, unit_areas),
        d.section(
            "recommendations",
            tx("unit.rec_title"),
            [
                d.paragraph(tx("unit.rec_intro", count=len(found))),
                d.recommendations(
                    _recommendation_items(found, questions, titles, tx, by_key), tx("rec.none_unit")
                ),
            ],
        ),
        d.section(
            "completion",
            tx("done.title"),
            [
                d.paragraph(
                    tx("unit.done_intro", completeness=f.percent(own["completeness"], tx.lang))
                ),
                d.table(
                    "completion_areas",
                    tx("done.areas_caption"),
                    [
                        d.column("label", tx("col.area")),
                        d.column("answered", tx("done.answered"), "int"),
                        d.column("expected", tx("done.expected"), "int"),
                        d.column("completeness", tx("col.completeness"), "percent"),
                    ],
                    [
                        d.row(
                            a["key"],
                            {
                                "label": titles.get(a["key"], a["key"]),
                                "answered": a["answered"],
                                "expected": a["expected"],
                                "completeness": a["completeness"],
                            },
                        )
                        for a in own["areas"]
                        if a["expected"]
                    ],
                ),
                _who_answered(answers, {unit_id: unit["name"]}, tx),
            ],
        ),
    ]
    sheets = [
        d.sheet(tx("sheet.scores"), compare_columns, rows),
        _answer_sheet(questionnaire, answers, {unit_id: unit["name"]}, tx),
        d.sheet(
            tx("sheet.plan"),
            _action_columns(tx, with_units=False),
            _action_rows(found, questions, titles, tx),
        ),
    ]
    return d.document(
        kind="unit",
        language=lang,
        title=tx("unit.title", year=year),
        subtitle=f"{unit['name']} · {municipality['name']}",
        cover_lines=[
            tx("cover.round", year=year, state=tx(f"round.{sources['round']['state']}")),
            tx("cover.generated", date=f.date(generated_at, lang)),
            tx("cover.confidential"),
        ],
        meta={
            "year": year,
            "municipality_id": municipality["id"],
            "municipality_name": municipality["name"],
            "unit_id": unit_id,
            "unit_name": unit["name"],
            "generated_at": generated_at.isoformat(),
        },
        sections=sections,
        sheets=sheets,
        labels=tx.labels(),
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
        scores = _unit_scores(question, answers)
        others = [s for u, s in scores.items() if u != unit["id"]]
        own = scores.get(unit["id"])
        rest = sum(others) / len(others) if others else None
        rows.append(
            d.row(
                question["key"],
                {
                    "label": tx.loc(question["text"]),
                    "unit": own,
                    "rest": rest,
                    "difference": _minus(own, rest),
                    "verdict": _verdict(own, acceptable, tx),
                },
            )
        )
    return d.section(
        "owners",
        tx.loc(area["title"]),
        [
            d.paragraph(tx("owners.intro", unit=unit["name"])),
            d.table(
                "owners",
                tx("owners.caption"),
                [
                    d.column("label", tx("col.question")),
                    d.column("unit", unit["name"], "score"),
                    d.column("rest", tx("unit.rest"), "score"),
                    d.column("difference", tx("col.difference"), "delta"),
                    d.column("verdict", tx("col.verdict")),
                ],
                rows,
            ),
        ],
    )


def _unit_development(
    tx: Texts, history: dict, unit: dict, titles: dict, year: int, unit_areas: set[str]
) -> dict:
    entry = next((u for u in history.get("units", []) if u["id"] == unit["id"]), None)
    points = [
        p for p in (entry or {}).get("points", []) if p["year"] <= year and p["overall"] is not None
    ]
    if not points:
        return d.section("development", tx("dev.title"), [d.paragraph(tx("dev.none"))])
    years = [p["year"] for p in points]
    municipality = {p["year"]: p["score"] for p in history.get("overall", []) if p["year"] in years}
    chart = _trend(
        years,
        [
            {"label": unit["name"], "values": {p["year"]: p["overall"] for p in points}},
            {"label": tx("unit.municipality_overall"), "values": municipality},
        ],
        None,
        f"unit-dev-{unit['id']}",
        tx("unit.dev_chart", unit=unit["name"]),
        tx,
        _share_notes(history, years, tx),
    )
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
    return d.section(
        "development",
        tx("dev.title"),
        [
            d.paragraph(tx("unit.dev_intro")),
            d.chart(chart, tx("unit.dev_chart", unit=unit["name"])),
            d.table(
                "development",
                tx("unit.dev_caption", unit=unit["name"]),
                [d.column("label", tx("col.area"))]
                + [d.column(str(y), str(y), "score") for y in years],
                rows,
                note=tx("dev.note"),
            ),
        ],
    )
