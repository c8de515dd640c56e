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

from services.common import charts
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
    return [
        d.column("label", first),
        d.column("n", tx("bm.n"), "int"),
        d.column("mean", tx("bm.mean"), "score2"),
        d.column("median", tx("bm.median"), "score2"),
        d.column("q1", tx("bm.q1"), "score2"),
        d.column("q3", tx("bm.q3"), "score2"),
        d.column("share", tx("kl.share_acceptable"), "percent"),
        d.column("note", tx("col.note")),
    ]


def national_report(sources: dict, lang: str, generated_at: datetime) -> dict:
    """KL's national baseline report for one round."""
    tx = Texts(lang)
    national = sources["national"]
    development = sources.get("development") or {"years": [], "steps": []}
    questionnaire = sources["questionnaire"]
    year = national["year"]
    titles = {a["key"]: tx.loc(a["title"]) for a in questionnaire["areas"]}
    metrics = national["metrics"]
    area_metrics = [f"area:{key}" for key in titles if f"area:{key}" in metrics]
    groups = national["groups"]
    overall = metrics.get("overall", {}).get(NATIONAL)
    participation = national.get("participation", {}).get(NATIONAL) or {}
    priorities = national.get("priorities") or {"areas": [], "questions": []}
    questions = {q["key"]: q for a in questionnaire["areas"] for q in a["questions"]}

    summary = [
        d.paragraph(
            tx(
                "kl.summary_participation",
                participants=participation.get("participants", f.DASH),
                members=participation.get("members", f.DASH),
                complete=participation.get("complete", f.DASH),
                year=year,
            )
        ),
        d.paragraph(
            tx(
                "kl.summary_overall",
                median=f.score(overall["median"], lang) if overall else f.DASH,
                share=f.percent(overall["share_acceptable"], lang) if overall else f.DASH,
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
                        share=f.percent(row["share_below"], lang),
                    )
                    for row in priorities["areas"][:3]
                ]
            )
        )
    if national.get("state") == "preliminary":
        summary.append(d.paragraph(tx("bm.preliminary")))
    summary.append(d.paragraph(tx("kl.aggregates_only")))

    participation_rows = [
        d.row(
            g["key"],
            {
                "label": parts.group_label(g, tx),
                "members": national["participation"][g["key"]]["members"],
                "participants": national["participation"][g["key"]]["participants"],
                "complete": national["participation"][g["key"]]["complete"],
            },
            emphasis=g["key"] == NATIONAL,
        )
        for g in groups
        if national.get("participation", {}).get(g["key"])
    ]
    status_rows = [_cell_row("overall", tx("overall"), overall, tx, True)] + [
        _cell_row(m, _metric_title(m, titles, tx), metrics[m].get(NATIONAL), tx)
        for m in area_metrics
    ]
    status_chart = charts.distribution_chart(
        [
            {
                "label": r["cells"]["label"],
                "own": None,
                "median": r["cells"]["median"],
                "q1": r["cells"]["q1"],
                "q3": r["cells"]["q3"],
            }
            for r in status_rows
        ],
        chart_id=f"kl-status-{year}",
        title=tx("kl.status_chart", year=year),
        description=tx("kl.status_chart_desc"),
        legend=parts.legend(tx),
        fmt=lambda v: f.score(v, lang),
    )
    sections = [
        d.section("summary", tx("summary.title"), summary),
        d.section(
            "participation",
            tx("kl.participation_title"),
            [
                d.paragraph(tx("kl.participation_intro")),
                d.table(
                    "participation",
                    tx("kl.participation_caption", year=year),
                    [
                        d.column("label", tx("kl.group")),
                        d.column("members", tx("kl.members"), "int"),
                        d.column("participants", tx("kl.participants"), "int"),
                        d.column("complete", tx("kl.complete"), "int"),
                    ],
                    participation_rows,
                ),
            ],
        ),
        d.section(
            "status",
            tx("kl.status_title"),
            [
                d.paragraph(tx("kl.status_intro")),
                d.chart(status_chart, tx("kl.status_chart", year=year)),
                d.table(
                    "national_status",
                    tx("kl.status_caption", year=year),
                    _cell_columns(tx, tx("col.area")),
                    status_rows,
                ),
            ],
        ),
        _development(tx, development, titles, year),
        _distributions(tx, national, titles, area_metrics),
        _priorities(tx, priorities, titles, questions),
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
    entries = [e for e in development.get("years", []) if e["year"] <= year]
    if not entries:
        return d.section("development", tx("kl.dev_title"), [d.paragraph(tx("kl.dev_none"))])
    years = [e["year"] for e in entries]
    cells = {e["year"]: (e.get("metrics") or {}).get("overall") for e in entries}
    steps = [s for s in development.get("steps", []) if s["to_year"] <= year]
    notes = {
        s["to_year"]: tx("dev.note_share", share=f.percent(s["share"], tx.lang))
        for s in steps
        if s.get("share") is not None and s["share"] < 1
    }
    chart = charts.trend_chart(
        years,
        [
            {
                "label": tx("kl.dev_median"),
                "values": {y: c["median"] for y, c in cells.items() if c},
            },
            {"label": tx("kl.dev_mean"), "values": {y: c["mean"] for y, c in cells.items() if c}},
        ],
        chart_id=f"kl-dev-{year}",
        title=tx("kl.dev_chart"),
        description=tx("kl.dev_chart_desc"),
        band={y: (c["q1"], c["q3"]) for y, c in cells.items() if c},
        band_label=tx("chart.national_quartiles"),
        notes=notes,
        acceptable_label=tx("chart.acceptable"),
        fmt=lambda v: f.score(v, tx.lang),
    )
    metrics = ["overall"] + [f"area:{key}" for key in titles]
    rows = []
    for metric in metrics:
        values = {}
        for entry in entries:
            cell = (entry.get("metrics") or {}).get(metric)
            values[str(entry["year"])] = cell["median"] if cell else None
        rows.append(
            d.row(
                metric, {"label": _metric_title(metric, titles, tx), **values}, metric == "overall"
            )
        )
    participation_rows = [
        d.row(
            str(e["year"]),
            {
                "label": str(e["year"]),
                "participants": (e.get("participation") or {}).get("participants"),
                "members": (e.get("participation") or {}).get("members"),
                "complete": (e.get("participation") or {}).get("complete"),
            },
        )
        for e in entries
    ]
    panel_rows = []
    for step in steps:
        for metric in metrics:
            panel = (step.get("panel") or {}).get(metric)
            panel_rows.append(
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
    blocks = [
        d.paragraph(tx("kl.dev_intro")),
        d.chart(chart, tx("kl.dev_chart")),
        d.table(
            "development_participation",
            tx("kl.dev_participation_caption"),
            [
                d.column("label", tx("kl.year")),
                d.column("members", tx("kl.members"), "int"),
                d.column("participants", tx("kl.participants"), "int"),
                d.column("complete", tx("kl.complete"), "int"),
            ],
            participation_rows,
        ),
        d.table(
            "development_medians",
            tx("kl.dev_caption"),
            [d.column("label", tx("col.area"))]
            + [d.column(str(y), str(y), "score2") for y in years],
            rows,
            note=tx("dev.note"),
        ),
    ]
    if panel_rows:
        blocks.append(d.paragraph(tx("kl.panel_intro")))
        blocks.append(
            d.table(
                "development_panel",
                tx("kl.panel_caption"),
                [
                    d.column("step", tx("kl.step")),
                    d.column("label", tx("col.area")),
                    d.column("n", tx("bm.n"), "int"),
                    d.column("from", tx("kl.panel_from"), "score2"),
                    d.column("to", tx("kl.panel_to"), "score2"),
                    d.column("change_median", tx("kl.panel_change_median"), "delta"),
                    d.column("change", tx("kl.panel_change_mean"), "delta"),
                    d.column("share", tx("kl.comparable"), "percent"),
                    d.column("note", tx("col.note")),
                ],
                panel_rows,
            )
        )
    return d.section("development", tx("kl.dev_title"), blocks)


def _distributions(tx: Texts, national: dict, titles: dict, area_metrics: list[str]) -> dict:
    groups = national["groups"]
    metrics = national["metrics"]
    overall_cells = metrics.get("overall", {})
    chart = charts.distribution_chart(
        [
            {
                "label": parts.group_label(g, tx),
                "own": None,
                "median": (overall_cells.get(g["key"]) or {}).get("median"),
                "q1": (overall_cells.get(g["key"]) or {}).get("q1"),
                "q3": (overall_cells.get(g["key"]) or {}).get("q3"),
            }
            for g in groups
        ],
        chart_id=f"kl-groups-{national['year']}",
        title=tx("kl.groups_chart"),
        description=tx("kl.groups_chart_desc"),
        legend=parts.legend(tx),
        fmt=lambda v: f.score(v, tx.lang),
    )
    blocks = [d.paragraph(tx("kl.groups_intro")), d.chart(chart, tx("kl.groups_chart"))]
    for metric in ["overall", *area_metrics]:
        cells = metrics.get(metric, {})
        title = _metric_title(metric, titles, tx)
        blocks.append(
            d.table(
                f"groups_{metric.replace(':', '_')}",
                tx("kl.groups_caption", what=title),
                _cell_columns(tx, tx("kl.group")),
                [
                    _cell_row(
                        g["key"],
                        parts.group_label(g, tx),
                        cells.get(g["key"]),
                        tx,
                        g["key"] == NATIONAL,
                    )
                    for g in groups
                ],
            )
        )
    return d.section("distributions", tx("kl.groups_title"), blocks)


def _priorities(tx: Texts, priorities: dict, titles: dict, questions: dict) -> dict:
    area_rows = [
        d.row(
            row["key"],
            {
                "label": titles.get(row["key"], row["key"]),
                "share_below": row["share_below"],
                "median": row["median"],
                "mean": row["mean"],
                "n": row["n"],
            },
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
    return d.section(
        "priorities",
        tx("kl.priorities_title"),
        [
            d.paragraph(tx("kl.priorities_intro")),
            d.table(
                "priority_areas",
                tx("kl.priority_areas"),
                [
                    d.column("label", tx("col.area")),
                    d.column("share_below", tx("kl.share_below"), "percent"),
                    d.column("median", tx("bm.median"), "score2"),
                    d.column("mean", tx("bm.mean"), "score2"),
                    d.column("n", tx("bm.n"), "int"),
                ],
                area_rows,
            ),
            d.table(
                "priority_questions",
                tx("kl.priority_questions", count=len(question_rows)),
                [
                    d.column("label", tx("col.question")),
                    d.column("area", tx("col.area")),
                    d.column("share_below", tx("kl.share_below"), "percent"),
                    d.column("median", tx("bm.median"), "score2"),
                    d.column("n", tx("bm.n"), "int"),
                ],
                question_rows,
            ),
        ],
    )
