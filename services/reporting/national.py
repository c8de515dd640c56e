"""What goes into KL's national baseline report: aggregates only.

Pure: no nameko, no database. Input is what the benchmark service publishes for KL
(``get_national`` for the round, ``get_development`` for the closed rounds) and the round's
questionnaire for titles; nothing here ever sees one municipality's answers, scores or name, so
the report cannot disclose them. A withheld figure (disclosure control) stays withheld and says
so. Areas "needing common action" are the benchmark service's priorities: the largest share of
municipalities below the acceptable level first, then the lowest median.
"""

from __future__ import annotations

from datetime import datetime

from services.common.questionnaire import questions_by_key
from services.reporting import documents as d
from services.reporting import formatting as f
from services.reporting import parts
from services.reporting.texts import Texts

NATIONAL = "all"


def _metric_title(metric: str, titles: dict[str, str], tx: Texts) -> str:
    if metric == "overall":
        return tx("overall")
    if metric == "completeness":
        return tx("col.completeness")
    return titles.get(metric.split(":", 1)[1], metric)


def _cell_row(key: str, label: str, cell: dict | None, tx: Texts, emphasis: bool = False) -> dict:
    return d.row(
        key,
        {
            "label": label,
            "n": cell["n"] if cell else None,
            "mean": cell["mean"] if cell else None,
            "median": cell["median"] if cell else None,
            "q1": cell["q1"] if cell else None,
            "q3": cell["q3"] if cell else None,
            "share": cell["share_acceptable"] if cell else None,
            "note": "" if cell else tx("bm.withheld"),
        },
        emphasis=emphasis,
    )


def _cell_columns(tx: Texts, first: str) -> list[dict]:
    """The columns of ``_cell_row``; ``first`` is the text key of the label column."""
    return parts.columns(
        tx,
        ("label", first),
        ("n", "bm.n", "int"),
        ("mean", "bm.mean", "score2"),
        ("median", "bm.median", "score2"),
        ("q1", "bm.q1", "score2"),
        ("q3", "bm.q3", "score2"),
        ("share", "kl.share_acceptable", "percent"),
        ("note", "col.note"),
    )


def _participation_table(tx: Texts, table_id: str, caption: str, first: str, rows: list) -> dict:
    """Members, participants and complete answers per group or per year."""
    spec = (
        ("label", first),
        ("members", "kl.members", "int"),
        ("participants", "kl.participants", "int"),
        ("complete", "kl.complete", "int"),
    )
    return d.table(table_id, caption, parts.columns(tx, *spec), rows)


def _participation_cells(label: str, participation: dict) -> dict:
    return {
        "label": label,
        "members": participation.get("members"),
        "participants": participation.get("participants"),
        "complete": participation.get("complete"),
    }


def national_report(sources: dict, lang: str, generated_at: datetime) -> dict:
    """KL's national baseline report for one round."""
    tx = Texts(lang)
    national = sources["national"]
    development = sources.get("development") or {"years": [], "steps": []}
    questionnaire = sources["questionnaire"]
    year = national["year"]
    titles = parts.area_titles(questionnaire, tx)
    area_metrics = [f"area:{key}" for key in titles if f"area:{key}" in national["metrics"]]
    priorities = national.get("priorities") or {"areas": [], "questions": []}
    sections = [
        _summary_section(tx, national, titles, priorities),
        _participation_section(tx, national),
        _status_section(tx, national, titles, area_metrics),
        _development(tx, development, titles, year),
        _distributions(tx, national, titles, area_metrics),
        _priorities(tx, priorities, titles, questions_by_key(questionnaire)),
    ]
    sheet_tables = [b for s in sections for b in s["blocks"] if b["type"] == "table"]
    sheets = [d.sheet(t["caption"], t["columns"], t["rows"]) for t in sheet_tables]
    return d.document(
        kind="national",
        language=lang,
        title=tx("kl.title", year=year),
        subtitle=tx("kl.subtitle"),
        cover_lines=[
            tx("cover.round", year=year, state=tx(f"bmstate.{national.get('state', 'final')}")),
            tx("cover.generated", date=f.date(generated_at, lang)),
            tx("kl.cover_note"),
        ],
        meta={
            "year": year,
            "municipality_id": None,
            "municipality_name": None,
            "unit_id": None,
            "unit_name": None,
            "generated_at": generated_at.isoformat(),
        },
        sections=sections,
        sheets=_unique_sheet_names(sheets),
        labels=tx.labels(),
    )


def _summary_section(tx: Texts, national: dict, titles: dict, priorities: dict) -> dict:
    overall = national["metrics"].get("overall", {}).get(NATIONAL)
    participation = national.get("participation", {}).get(NATIONAL) or {}
    summary = [
        d.paragraph(
            tx(
                "kl.summary_participation",
                participants=participation.get("participants", f.DASH),
                members=participation.get("members", f.DASH),
                complete=participation.get("complete", f.DASH),
                year=national["year"],
            )
        ),
        d.paragraph(
            tx(
                "kl.summary_overall",
                median=f.score(overall["median"], tx.lang) if overall else f.DASH,
                share=f.percent(overall["share_acceptable"], tx.lang) if overall else f.DASH,
            )
        ),
    ]
    if priorities["areas"]:
        summary.append(d.paragraph(tx("kl.summary_priorities")))
        summary.append(
            d.bullets(
                [
                    tx(
                        "kl.priority_line",
                        area=titles.get(row["key"], row["key"]),
                        share=f.percent(row["share_below"], tx.lang),
                    )
                    for row in priorities["areas"][:3]
                ]
            )
        )
    if national.get("state") == "preliminary":
        summary.append(d.paragraph(tx("bm.preliminary")))
    summary.append(d.paragraph(tx("kl.aggregates_only")))
    return d.section("summary", tx("summary.title"), summary)


def _participation_section(tx: Texts, national: dict) -> dict:
    """Members and participants of each fixed group."""
    participation = national.get("participation", {})
    rows = [
        d.row(
            g["key"],
            _participation_cells(parts.group_label(g, tx), participation[g["key"]]),
            emphasis=g["key"] == NATIONAL,
        )
        for g in national["groups"]
        if participation.get(g["key"])
    ]
    caption = tx("kl.participation_caption", year=national["year"])
    return d.section(
        "participation",
        tx("kl.participation_title"),
        [
            d.paragraph(tx("kl.participation_intro")),
            _participation_table(tx, "participation", caption, "kl.group", rows),
        ],
    )


def _status_section(tx: Texts, national: dict, titles: dict, area_metrics: list[str]) -> dict:
    """The national distribution per area and overall."""
    year = national["year"]
    metrics = national["metrics"]
    overall = metrics.get("overall", {}).get(NATIONAL)
    rows = [_cell_row("overall", tx("overall"), overall, tx, True)] + [
        _cell_row(m, _metric_title(m, titles, tx), metrics[m].get(NATIONAL), tx)
        for m in area_metrics
    ]
    title = tx("kl.status_chart", year=year)
    figures = [r["cells"] for r in rows]
    chart = parts.distribution(figures, f"kl-status-{year}", title, tx("kl.status_chart_desc"), tx)
    caption = tx("kl.status_caption", year=year)
    table = d.table("national_status", caption, _cell_columns(tx, "col.area"), rows)
    intro = d.paragraph(tx("kl.status_intro"))
    return d.section("status", tx("kl.status_title"), [intro, chart, table])


def _unique_sheet_names(sheets: list[dict]) -> list[dict]:
    seen: set[str] = set()
    for number, sheet in enumerate(sheets, start=1):
        name = sheet["name"][:28]
        if name.casefold() in seen:
            name = f"{name[:25]} {number}"
        for bad in "[]:*?/\\":
            name = name.replace(bad, "-")
        sheet["name"] = name
        seen.add(name.casefold())
    return sheets


def _step_share(step: dict, metric: str) -> float | None:
    if metric == "overall":
        return step.get("share")
    key = metric.split(":", 1)[1]
    return next((a["share"] for a in step.get("areas", []) if a["key"] == key), None)


def _median_change(panel: dict | None) -> float | None:
    if not panel:
        return None
    if panel.get("change_median") is not None:
        return panel["change_median"]
    start, end = (panel.get("from") or {}).get("median"), (panel.get("to") or {}).get("median")
    return end - start if start is not None and end is not None else None


def _panel_note(panel: dict | None, tx: Texts) -> str:
    """Why a panel figure is missing: withheld entirely, or its mean held back."""
    if not panel:
        return tx("bm.withheld")
    if panel.get("change") is None:
        return tx("kl.panel_quantiles_only")
    return ""


def _development(tx: Texts, development: dict, titles: dict, year: int) -> dict:
    """The national figures over the closed rounds, and the two-year panel of each step."""
    entries = [e for e in development.get("years", []) if e["year"] <= year]
    if not entries:
        return d.section("development", tx("kl.dev_title"), [d.paragraph(tx("kl.dev_none"))])
    years = [e["year"] for e in entries]
    steps = [s for s in development.get("steps", []) if s["to_year"] <= year]
    metrics = ["overall"] + [f"area:{key}" for key in titles]
    participation_rows = [
        d.row(str(e["year"]), _participation_cells(str(e["year"]), e.get("participation") or {}))
        for e in entries
    ]
    blocks = [
        d.paragraph(tx("kl.dev_intro")),
        _development_chart(tx, entries, steps, year),
        _participation_table(
            tx,
            "development_participation",
            tx("kl.dev_participation_caption"),
            "kl.year",
            participation_rows,
        ),
        d.table(
            "development_medians",
            tx("kl.dev_caption"),
            parts.year_columns(tx, years, "score2"),
            _median_rows(tx, entries, metrics, titles),
            note=tx("dev.note"),
        ),
    ]
    panel_rows = _panel_rows(tx, steps, metrics, titles)
    if panel_rows:
        blocks.append(d.paragraph(tx("kl.panel_intro")))
        blocks.append(_panel_table(tx, panel_rows))
    return d.section("development", tx("kl.dev_title"), blocks)


def _development_chart(tx: Texts, entries: list[dict], steps: list[dict], year: int) -> dict:
    """Median and mean over the years over the national middle half."""
    years = [e["year"] for e in entries]
    cells = {e["year"]: (e.get("metrics") or {}).get("overall") for e in entries}
    notes = {
        s["to_year"]: tx("dev.note_share", share=f.percent(s["share"], tx.lang))
        for s in steps
        if s.get("share") is not None and s["share"] < 1
    }
    series = [
        {"label": tx("kl.dev_median"), "values": {y: c["median"] for y, c in cells.items() if c}},
        {"label": tx("kl.dev_mean"), "values": {y: c["mean"] for y, c in cells.items() if c}},
    ]
    band = {y: (c["q1"], c["q3"]) for y, c in cells.items() if c}
    title = tx("kl.dev_chart")
    return parts.trend(
        years, series, band, f"kl-dev-{year}", title, tx, notes, tx("kl.dev_chart_desc")
    )


def _median_rows(tx: Texts, entries: list[dict], metrics: list[str], titles: dict) -> list[dict]:
    rows = []
    for metric in metrics:
        values = {}
        for entry in entries:
            cell = (entry.get("metrics") or {}).get(metric)
            values[str(entry["year"])] = cell["median"] if cell else None
        label = _metric_title(metric, titles, tx)
        rows.append(d.row(metric, {"label": label, **values}, metric == "overall"))
    return rows


def _panel_rows(tx: Texts, steps: list[dict], metrics: list[str], titles: dict) -> list[dict]:
    """Per step and metric: the municipalities that answered both years, first and last."""
    rows = []
    for step in steps:
        for metric in metrics:
            panel = (step.get("panel") or {}).get(metric)
            rows.append(
                d.row(
                    f"{step['from_year']}-{step['to_year']}:{metric}",
                    {
                        "step": f"{step['from_year']}–{step['to_year']}",
                        "label": _metric_title(metric, titles, tx),
                        "n": panel["n"] if panel else None,
                        "from": (panel.get("from") or {}).get("median") if panel else None,
                        "to": (panel.get("to") or {}).get("median") if panel else None,
                        "change_median": _median_change(panel),
                        "change": panel.get("change") if panel else None,
                        "share": _step_share(step, metric),
                        "note": _panel_note(panel, tx),
                    },
                    emphasis=metric == "overall",
                )
            )
    return rows


def _panel_table(tx: Texts, rows: list[dict]) -> dict:
    spec = (
        ("step", "kl.step"),
        ("label", "col.area"),
        ("n", "bm.n", "int"),
        ("from", "kl.panel_from", "score2"),
        ("to", "kl.panel_to", "score2"),
        ("change_median", "kl.panel_change_median", "delta"),
        ("change", "kl.panel_change_mean", "delta"),
        ("share", "kl.comparable", "percent"),
        ("note", "col.note"),
    )
    return d.table("development_panel", tx("kl.panel_caption"), parts.columns(tx, *spec), rows)


def _distributions(tx: Texts, national: dict, titles: dict, area_metrics: list[str]) -> dict:
    """Each fixed group's distribution, overall in a chart and per area in tables."""
    groups = national["groups"]
    metrics = national["metrics"]
    overall_cells = metrics.get("overall", {})
    chart_rows = [
        {"label": parts.group_label(g, tx), **(overall_cells.get(g["key"]) or {})} for g in groups
    ]
    title = tx("kl.groups_chart")
    chart = parts.distribution(
        chart_rows, f"kl-groups-{national['year']}", title, tx("kl.groups_chart_desc"), tx
    )
    blocks = [d.paragraph(tx("kl.groups_intro")), chart]
    for metric in ["overall", *area_metrics]:
        cells = metrics.get(metric, {})
        rows = [
            _cell_row(
                g["key"], parts.group_label(g, tx), cells.get(g["key"]), tx, g["key"] == NATIONAL
            )
            for g in groups
        ]
        caption = tx("kl.groups_caption", what=_metric_title(metric, titles, tx))
        table_id = f"groups_{metric.replace(':', '_')}"
        blocks.append(d.table(table_id, caption, _cell_columns(tx, "kl.group"), rows))
    return d.section("distributions", tx("kl.groups_title"), blocks)


def _priorities(tx: Texts, priorities: dict, titles: dict, questions: dict) -> dict:
    """The areas and questions most municipalities are below the acceptable level on."""
    figures = ("share_below", "median", "mean", "n")
    area_rows = [
        d.row(
            row["key"],
            {"label": titles.get(row["key"], row["key"]), **{k: row[k] for k in figures}},
        )
        for row in priorities.get("areas", [])
    ]
    question_rows = [
        d.row(
            row["key"],
            {
                "label": tx.loc(questions[row["key"]]["text"])
                if row["key"] in questions
                else row["key"],
                "area": titles.get(row.get("area_key"), row.get("area_key") or ""),
                "share_below": row["share_below"],
                "median": row["median"],
                "n": row["n"],
            },
        )
        for row in priorities.get("questions", [])
    ]
    area_columns = parts.columns(
        tx,
        ("label", "col.area"),
        ("share_below", "kl.share_below", "percent"),
        ("median", "bm.median", "score2"),
        ("mean", "bm.mean", "score2"),
        ("n", "bm.n", "int"),
    )
    question_columns = parts.columns(
        tx,
        ("label", "col.question"),
        ("area", "col.area"),
        ("share_below", "kl.share_below", "percent"),
        ("median", "bm.median", "score2"),
        ("n", "bm.n", "int"),
    )
    caption = tx("kl.priority_questions", count=len(question_rows))
    return d.section(
        "priorities",
        tx("kl.priorities_title"),
        [
            d.paragraph(tx("kl.priorities_intro")),
            d.table("priority_areas", tx("kl.priority_areas"), area_columns, area_rows),
            d.table("priority_questions", caption, question_columns, question_rows),
        ],
    )
