"""National development over the years, for KL: all participants and the two-year panel.

Pure: no nameko, no database. The cross-section (everybody who took part in a year) moves when
municipalities join or drop out, even if nobody improved; the panel (the municipalities that
took part in both years of a step) shows the change of the same municipalities. Both are
national figures of the overall index and each focus area.

The panel adds groups to each year's figures, so it goes through disclosure control together
with that year's published figures: "all participants minus the panel" is the set of
municipalities that joined or left, and must not be one municipality. A panel's mean and share
are published only if it passes in both of its years; otherwise (few joined or left) only its
n, median and quartiles, which cannot be subtracted from the cross-section's. Each step also
carries how much of the questionnaire the two years share (``compare_versions``), so that a
change caused by new questions is not read as progress.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.benchmark import disclosure, engine, statistics
from services.common.questionnaire import acceptable_level, compare_versions

PANEL = "panel"


def development(
    rounds: list[dict],
    membership: Mapping[int, Mapping],
    rules: disclosure.Rules = disclosure.DEFAULT,
) -> dict:
    """``rounds``: closed rounds, each ``{"year", "questionnaire", "scores", "document"}``.

    ``document`` is the round's published benchmark (which cells are out is taken from it).
    """
    rounds = sorted(rounds, key=lambda r: r["year"])
    groups = engine.peer_groups(membership)
    years = [_year_entry(r) for r in rounds]
    steps = []
    # Per year and metric, the panel groups already published in that year's values.
    published_panels: dict[tuple[int, str], dict[str, frozenset[int]]] = {}
    for old, new in zip(rounds, rounds[1:], strict=False):
        steps.append(_step(old, new, groups, membership, published_panels, rules))
    return {"years": years, "steps": steps}


def _year_entry(round_: dict) -> dict:
    document = round_["document"]
    national = {
        metric: cells.get(engine.NATIONAL)
        for metric, cells in document["metrics"].items()
        if metric == "overall" or metric.startswith("area:") or metric == "completeness"
    }
    return {
        "year": round_["year"],
        "participation": document["participation"].get(engine.NATIONAL),
        "metrics": national,
    }


def _step(
    old: dict,
    new: dict,
    groups: Mapping[str, frozenset[int]],
    membership: Mapping[int, Mapping],
    published_panels: dict[tuple[int, str], dict[str, frozenset[int]]],
    rules: disclosure.Rules,
) -> dict:
    changes = compare_versions(old["questionnaire"], new["questionnaire"])
    new_areas = {a["key"] for a in new["questionnaire"]["areas"]}
    old_areas = {a["key"] for a in old["questionnaire"]["areas"]}
    metrics = ["overall"] + [f"area:{key}" for key in sorted(new_areas & old_areas)]
    acceptable = acceptable_level(new["questionnaire"])
    old_in = engine.participants(old["scores"], membership)
    new_in = engine.participants(new["scores"], membership)
    panel_name = f"{PANEL}:{old['year']}-{new['year']}"
    figures = {}
    for metric in metrics:
        before = _values(old["scores"], old_in, metric)
        after = _values(new["scores"], new_in, metric)
        panel = frozenset(before) & frozenset(after)
        allowed = all(
            panel_name
            in _controlled(
                round_, values, groups, panel_name, panel, metric, published_panels, rules
            )
            for round_, values in ((old, before), (new, after))
        )
        if allowed:
            for round_ in (old, new):
                published_panels.setdefault((round_["year"], metric), {})[panel_name] = panel
            figures[metric] = _panel_figures(before, after, panel, acceptable, complete=True)
        elif all(disclosure.safe([v[m] for m in panel], rules) for v in (before, after)):
            figures[metric] = _panel_figures(before, after, panel, acceptable, complete=False)
        else:
            figures[metric] = None
    total = sum(len(a["questions"]) for a in new["questionnaire"]["areas"])
    union = total + len(changes["removed"])
    return {
        "from_year": old["year"],
        "to_year": new["year"],
        "share": round((total - len(changes["added"])) / union, 4) if union else 0.0,
        "areas": changes["areas"],
        "panel": figures,
    }


def _values(scores: Mapping[int, Mapping], taking_part: set[int], metric: str) -> dict:
    return {
        m: float(v)
        for m in taking_part
        if (v := engine.metric_value(scores[m], metric)) is not None
    }


def _controlled(
    round_: dict,
    values: Mapping[int, float],
    groups: Mapping[str, frozenset[int]],
    panel_name: str,
    panel: frozenset[int],
    metric: str,
    published_panels: Mapping[tuple[int, str], Mapping[str, frozenset[int]]],
    rules: disclosure.Rules,
) -> set[str]:
    """Disclosure control of one year's values with that year's published groups fixed."""
    cells = round_["document"]["metrics"].get(metric, {})
    fixed = {key: groups[key] for key, cell in cells.items() if cell is not None and key in groups}
    fixed.update(published_panels.get((round_["year"], metric), {}))
    candidates = {**fixed, panel_name: panel}
    return disclosure.control(candidates, values, fixed=set(fixed), rules=rules)


def _panel_figures(
    before: Mapping[int, float],
    after: Mapping[int, float],
    panel: frozenset[int],
    acceptable: float,
    complete: bool,
) -> dict:
    """The panel's figures; without ``complete`` only n and the quantiles.

    When all participants and the panel differ by a few municipalities (a handful joined or
    dropped out), the panel's mean or share subtracted from the cross-section's would give those
    few municipalities' values. Quantiles do not add up that way, so the panel is then shown by
    its median and quartiles only, and its change as the change of the median.
    """
    start = statistics.rounded(
        statistics.summarize([before[m] for m in panel], acceptable), preliminary=False
    )
    end = statistics.rounded(
        statistics.summarize([after[m] for m in panel], acceptable), preliminary=False
    )
    if not complete:
        for cell in (start, end):
            cell["mean"] = cell["share_acceptable"] = None
    return {
        "n": start["n"],
        "complete": complete,
        "from": start,
        "to": end,
        "change": round(end["mean"] - start["mean"], 2) if complete else None,
        "change_median": round(end["median"] - start["median"], 2),
    }
