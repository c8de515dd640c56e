"""Parts the municipality report and the unit report share (and the group names KL's report
uses): lookups in the questionnaire, an answer as its giver would recognise it, who answered,
the charts, the recommendations with their figures, the answer sheet, the action plan, the
cover.

Pure: no nameko, no database. Rules every municipal report keeps:

* Status is measured against the questionnaire's acceptable level (3); an area below it is
  marked in words (``verdict``), never by colour alone.
* Recommendations are scoring's ranking (``scoring.get_recommendations``: gap to the acceptable
  level times the question's weight, heaviest first), each with its figures and the ISO 27001,
  NIS2 and CIS references of its question.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from services.common import charts
from services.common.answer_score import score_answer
from services.common.questionnaire import questions_by_key
from services.reporting import documents as d
from services.reporting import formatting as f
from services.reporting.texts import Texts

ColumnSpec = tuple[str, str] | tuple[str, str, str]


def columns(tx: Texts, *specs: ColumnSpec) -> list[dict]:
    """Table columns from ``(key, text key[, kind])``: the label is the text in the language."""
    return [d.column(key, tx(label), *kind) for key, label, *kind in specs]


def area_titles(questionnaire: dict, tx: Texts) -> dict[str, str]:
    return {a["key"]: tx.loc(a["title"]) for a in questionnaire["areas"]}


def minus(a: float | None, b: float | None) -> float | None:
    return a - b if a is not None and b is not None else None


def verdict(score: float | None, acceptable: float, tx: Texts) -> str:
    """Below or at the acceptable level in words, so no reader depends on a colour."""
    if score is None:
        return tx("verdict.none_short")
    return tx("verdict.below_short" if score < acceptable else "verdict.ok_short")


def group_label(group: dict, tx: Texts) -> str:
    """A benchmark group's name: Denmark, a region or a size class."""
    if group["kind"] == "national":
        return tx("group.all")
    if group["kind"] == "region":
        return tx("group.region", name=group["name"])
    return tx(f"size.{group['name']}")


def legend(tx: Texts) -> dict[str, str]:
    """The words of a distribution chart's legend."""
    return {
        "own": tx("chart.own"),
        "median": tx("chart.median"),
        "quartiles": tx("chart.quartiles"),
        "acceptable": tx("chart.acceptable"),
        "withheld": tx("chart.withheld"),
    }


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


def references(question: dict) -> str:
    refs = question.get("references") or {}
    parts = []
    for key, label in (("iso27001", "ISO 27001"), ("nis2", "NIS2"), ("cis", "CIS")):
        if refs.get(key):
            parts.append(f"{label}: {', '.join(refs[key])}")
    return "; ".join(parts)


def unit_scores(question: dict, answers: list[dict]) -> dict[int, float]:
    """Each unit's score on one unit question (units without a scored answer left out)."""
    found = {}
    for answer in answers:
        if answer["question_key"] == question["key"] and answer.get("unit_id") is not None:
            score = score_answer(question, answer)
            if score is not None:
                found[answer["unit_id"]] = score
    return found


def who_answered(answers: list[dict], unit_names: dict[int, str], tx: Texts) -> dict:
    """Answers per person, where and when last: the table of who did the work."""
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
    spec = (
        ("label", "who.person"),
        ("answers", "who.answers", "int"),
        ("where", "who.where"),
        ("latest", "who.latest"),
    )
    return d.table("who_answered", tx("who.caption"), columns(tx, *spec), rows)


def completion_table(tx: Texts, titles: dict[str, str], areas: list[dict]) -> dict:
    """Answered against expected questions per area."""
    rows = [
        d.row(
            a["key"],
            {
                "label": titles.get(a["key"], a["key"]),
                "answered": a["answered"],
                "expected": a["expected"],
                "completeness": a["completeness"],
            },
        )
        for a in areas
    ]
    spec = (
        ("label", "col.area"),
        ("answered", "done.answered", "int"),
        ("expected", "done.expected", "int"),
        ("completeness", "col.completeness", "percent"),
    )
    return d.table("completion_areas", tx("done.areas_caption"), columns(tx, *spec), rows)


def status_chart(
    rows: list[dict], chart_id: str, title: str, labels: tuple[str, str], tx: Texts
) -> dict:
    """Paired bars (``first`` against ``second`` per row) with the chart's caption."""
    svg = charts.paired_bars_chart(
        rows,
        chart_id=chart_id,
        title=title,
        description=tx("chart.bars_desc", first=labels[0], second=labels[1]),
        series_labels=labels,
        fmt=lambda v: f.score(v, tx.lang),
    )
    return d.chart(svg, title)


def trend(
    years: list[int],
    series: list[dict],
    band: dict[int, tuple[float, float]] | None,
    chart_id: str,
    title: str,
    tx: Texts,
    notes: dict[int, str] | None = None,
    description: str | None = None,
) -> dict:
    """Lines over the years (optionally over the national middle half) with the caption."""
    svg = charts.trend_chart(
        years,
        series,
        chart_id=chart_id,
        title=title,
        description=description or tx("chart.trend_desc"),
        band=band or None,
        band_label=tx("chart.national_quartiles") if band else None,
        notes=notes,
        acceptable_label=tx("chart.acceptable"),
        fmt=lambda v: f.score(v, tx.lang),
    )
    return d.chart(svg, title)


def share_notes(history: dict, years: list[int], tx: Texts) -> dict[int, str]:
    """At a year the questionnaire changed: how much of the index could be compared."""
    shares = {p["year"]: p.get("comparable_share") for p in history.get("overall", [])}
    return {
        y: tx("dev.note_share", share=f.percent(shares[y], tx.lang))
        for y in years
        if shares.get(y) is not None and shares[y] < 1
    }


def year_columns(tx: Texts, years: list[int], kind: str = "score") -> list[dict]:
    """A development table's columns: the area, then one score column per year."""
    return [d.column("label", tx("col.area"))] + [d.column(str(y), str(y), kind) for y in years]


def distribution(
    figures: list[dict], chart_id: str, title: str, description: str, tx: Texts
) -> dict:
    """Median and middle half per row (and the own score where there is one), with the caption;
    a row without figures is drawn as withheld."""
    rows = [
        {key: row.get(key) for key in ("label", "own", "median", "q1", "q3")} for row in figures
    ]
    svg = charts.distribution_chart(
        rows,
        chart_id=chart_id,
        title=title,
        description=description,
        legend=legend(tx),
        fmt=lambda v: f.score(v, tx.lang),
    )
    return d.chart(svg, title)


def action_plan(
    tx: Texts,
    found: list[dict],
    questions: dict[str, dict],
    titles: dict[str, str],
    units_below: dict[str, str] | None = None,
) -> dict:
    """The sheet of every recommendation, with empty owner, deadline and status to fill in;
    a ``units_below`` column only in the municipality's plan."""
    rows = [
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
                "references": references(questions[item["question_key"]]),
                "owner": "",
                "deadline": "",
                "status": "",
            },
        )
        for rank, item in enumerate(found, start=1)
    ]
    head = (("rank", "plan.rank", "int"), ("area", "col.area"), ("question", "col.question"))
    units = (("units", "plan.units_below"),) if units_below is not None else ()
    tail = (
        ("score", "col.score", "score"),
        ("weight", "col.weight", "int"),
        ("gap", "col.gap", "score"),
        ("urgency", "col.urgency", "score"),
        ("advice", "col.advice"),
        ("references", "col.references"),
        ("owner", "plan.owner"),
        ("deadline", "plan.deadline"),
        ("status", "plan.status"),
    )
    return d.sheet(tx("sheet.plan"), columns(tx, *head, *units, *tail), rows)


def answer_sheet(
    questionnaire: dict, answers: list[dict], unit_names: dict[int, str], tx: Texts
) -> dict:
    """Every answer as given, in questionnaire order, with N/A, justification and score."""
    found = questions_by_key(questionnaire)
    titles = area_titles(questionnaire, tx)
    order = {key: index for index, key in enumerate(found)}
    rows = []
    for answer in sorted(
        answers, key=lambda a: (order.get(a["question_key"], 10**6), a.get("unit_id") or 0)
    ):
        question = found.get(answer["question_key"])
        if question is not None:
            rows.append(_answer_row(question, answer, titles, unit_names, tx))
    spec = (
        ("area", "col.area"),
        ("key", "col.key"),
        ("question", "col.question"),
        ("unit", "col.unit"),
        ("answer", "col.answer"),
        ("na", "col.na"),
        ("justification", "col.justification"),
        ("comment", "col.comment"),
        ("score", "col.score", "score"),
        ("by", "who.person"),
        ("at", "col.answered_at"),
    )
    return d.sheet(tx("sheet.answers"), columns(tx, *spec), rows)


def _answer_row(
    question: dict, answer: dict, titles: dict[str, str], unit_names: dict[int, str], tx: Texts
) -> dict:
    unit_id = answer.get("unit_id")
    return d.row(
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
            "score": score_answer(question, answer),
            "by": answer.get("answered_by") or "",
            "at": f.date(answer["answered_at"], tx.lang) if answer.get("answered_at") else "",
        },
    )


def recommendation_items(
    found: list[dict],
    questions: dict[str, dict],
    titles: dict[str, str],
    tx: Texts,
    answers_by_key: dict[str, dict] | None = None,
    units_below: dict[str, str] | None = None,
) -> list[dict]:
    """Ranked recommendations with their figures (and the unit's answer or the units below)."""
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
        if references(question):
            lines.append((tx("col.references"), references(question)))
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


def municipal_document(
    tx: Texts,
    sources: dict,
    generated_at: datetime,
    heading: tuple[str, str],
    unit: dict | None,
    sections: list[dict],
    sheets: list[dict],
) -> dict:
    """The document of a municipality's (``unit`` None) or a unit's report, with its cover:
    ``heading`` is the title and subtitle."""
    municipality = sources["municipality"]
    year = sources["questionnaire"]["year"]
    return d.document(
        kind="municipality" if unit is None else "unit",
        language=tx.lang,
        title=heading[0],
        subtitle=heading[1],
        cover_lines=[
            tx("cover.round", year=year, state=tx(f"round.{sources['round']['state']}")),
            tx("cover.generated", date=f.date(generated_at, tx.lang)),
            tx("cover.confidential"),
        ],
        meta={
            "year": year,
            "municipality_id": municipality["id"],
            "municipality_name": municipality["name"],
            "unit_id": unit["id"] if unit else None,
            "unit_name": unit["name"] if unit else None,
            "generated_at": generated_at.isoformat(),
        },
        sections=sections,
        sheets=sheets,
        labels=tx.labels(),
    )
