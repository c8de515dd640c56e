"""One round's benchmark: every figure for every fixed peer group, after disclosure control.

Pure: no nameko, no database. Input is what the benchmark service projects from scoring's
``scores_updated`` events, one entry per municipality::

    {"overall": 3.1, "completeness": 0.9, "areas": {"risk": 2.5, ...},
     "questions": {"risk.method": 3.0, ...}}

and the peer-group membership of each municipality (region and size class). A municipality
takes part in a round when it answered anything (completeness above 0); a figure (overall, an
area, a question, completeness) is built from the participants that have a score for it.

The document holds no municipality id and no name: only groups and their figures. A withheld
figure is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.benchmark import disclosure, statistics
from services.common.municipalities import REGIONS, SIZE_CLASSES
from services.common.questionnaire import acceptable_level

NATIONAL = "all"
UNSCORED_TYPES = ("text",)
PRIORITY_QUESTIONS = 10


def group_key(kind: str, name: str | None = None) -> str:
    return NATIONAL if kind == "national" else f"{kind}:{name}"


def group_list() -> list[dict]:
    """The fixed peer groups in display order."""
    groups = [{"key": NATIONAL, "kind": "national", "name": None}]
    groups += [{"key": group_key("region", r), "kind": "region", "name": r} for r in REGIONS]
    groups += [
        {"key": group_key("size", name), "kind": "size", "name": name}
        for name, _, _ in SIZE_CLASSES
    ]
    return groups


def viewer_groups(member: Mapping) -> list[str]:
    """A municipality's own three groups: Denmark, its region, its size class."""
    return [
        NATIONAL,
        group_key("region", member["region"]),
        group_key("size", member["size_class"]),
    ]


def peer_groups(membership: Mapping[int, Mapping]) -> dict[str, frozenset[int]]:
    """Members of every fixed group; membership maps id -> {"region", "size_class"}."""
    found: dict[str, set[int]] = {g["key"]: set() for g in group_list()}
    for municipality_id, member in membership.items():
        for key in viewer_groups(member):
            found.setdefault(key, set()).add(municipality_id)
    return {key: frozenset(members) for key, members in found.items()}


def metric_keys(questionnaire: dict) -> list[tuple[str, str | None]]:
    """(metric, area) pairs: overall, each area, each question that can carry a score."""
    keys: list[tuple[str, str | None]] = [("overall", None)]
    for area in questionnaire["areas"]:
        keys.append((f"area:{area['key']}", area["key"]))
    for area in questionnaire["areas"]:
        for question in area["questions"]:
            if question["type"] in UNSCORED_TYPES:
                continue
            if question["type"] == "number" and not question.get("bands"):
                continue
            keys.append((f"question:{question['key']}", area["key"]))
    return keys


def metric_value(scores: Mapping, metric: str) -> float | None:
    if metric == "overall":
        return scores.get("overall")
    if metric == "completeness":
        return scores.get("completeness")
    kind, _, key = metric.partition(":")
    return (scores.get("areas" if kind == "area" else "questions") or {}).get(key)


def _values(scores: Mapping[int, Mapping], taking_part: list[int], metric: str) -> dict:
    """Municipality -> value of one metric, for those taking part that have one."""
    if metric in ("overall", "completeness"):
        found = ((m, scores[m].get(metric)) for m in taking_part)
    else:
        kind, _, key = metric.partition(":")
        field = "areas" if kind == "area" else "questions"
        found = ((m, (scores[m].get(field) or {}).get(key)) for m in taking_part)
    return {m: float(v) for m, v in found if v is not None}


def participants(scores: Mapping[int, Mapping], membership: Mapping[int, Mapping]) -> set[int]:
    return {m for m, s in scores.items() if m in membership and (s.get("completeness") or 0) > 0}


def compute_round(
    year: int,
    questionnaire: dict,
    scores: Mapping[int, Mapping],
    membership: Mapping[int, Mapping],
    rules: disclosure.Rules = disclosure.DEFAULT,
) -> dict:
    """Exact figures of every published cell; ``publish`` rounds them for the outside."""
    acceptable = acceptable_level(questionnaire)
    groups = peer_groups(membership)
    taking_part = sorted(participants(scores, membership))
    metrics: dict[str, dict] = {}
    for metric, _ in [*metric_keys(questionnaire), ("completeness", None)]:
        values = _values(scores, taking_part, metric)
        published = disclosure.control(groups, values, rules=rules)
        # For completeness the "acceptable" share is the share that answered everything.
        level = 1.0 if metric == "completeness" else acceptable
        metrics[metric] = {
            key: statistics.summarize([values[m] for m in members if m in values], level)
            if key in published
            else None
            for key, members in groups.items()
        }
    return {
        "year": year,
        "acceptable_level": acceptable,
        "groups": group_list(),
        "participation": _participation(groups, set(taking_part), scores, rules),
        "metrics": metrics,
    }


def _participation(
    groups: Mapping[str, frozenset[int]],
    taking_part: set[int],
    scores: Mapping[int, Mapping],
    rules: disclosure.Rules,
) -> dict:
    """How many took part and how many answered everything, for groups of at least
    ``rules.min_contributors`` members (7 by default).

    Counts say nothing about answers, but a group of two would tell who stayed away. A count
    where every member took part is published: taking part is not confidential (docs/security.md).
    """
    found = {}
    for key, members in groups.items():
        if len(members) < rules.min_contributors:
            found[key] = None
            continue
        present = members & taking_part
        found[key] = {
            "members": len(members),
            "participants": len(present),
            "complete": sum((scores[m].get("completeness") or 0) >= 0.9999 for m in present),
        }
    return found


def publish(document: dict, preliminary: bool) -> dict:
    """The document as stored and shown: rounded figures, marked final or preliminary."""
    return {
        **document,
        "state": "preliminary" if preliminary else "final",
        "metrics": {
            metric: {
                key: statistics.rounded(cell, preliminary) if cell is not None else None
                for key, cell in cells.items()
            }
            for metric, cells in document["metrics"].items()
        },
    }


def priorities(document: dict, questionnaire: dict, limit: int = PRIORITY_QUESTIONS) -> dict:
    """Where common action is most needed: the largest share below the acceptable level first,
    then the lowest median, from the published national figures only."""

    def ranked(prefix: str) -> list[dict]:
        rows = []
        for metric, cells in document["metrics"].items():
            if not metric.startswith(prefix) or cells.get(NATIONAL) is None:
                continue
            cell = cells[NATIONAL]
            rows.append(
                {
                    "key": metric.removeprefix(prefix),
                    "share_below": round(1 - cell["share_acceptable"], 3),
                    "median": cell["median"],
                    "mean": cell["mean"],
                    "n": cell["n"],
                }
            )
        rows.sort(key=lambda row: (-row["share_below"], row["median"], row["key"]))
        return rows

    area_of = {q["key"]: a["key"] for a in questionnaire["areas"] for q in a["questions"]}
    questions = [dict(row, area_key=area_of.get(row["key"])) for row in ranked("question:")]
    return {"areas": ranked("area:"), "questions": questions[:limit]}


def viewer_view(document: dict, own: Mapping | None, member: Mapping) -> dict:
    """What one municipality sees: its own value beside its three groups' figures and its band.

    Only the viewer's own groups are included; the figures are the same for every viewer.
    """
    keys = viewer_groups(member)

    def entry(metric: str) -> dict:
        cells = {key: document["metrics"].get(metric, {}).get(key) for key in keys}
        value = metric_value(own, metric) if own else None
        return {
            "own": value,
            "cells": cells,
            "bands": {key: statistics.band(value, cell) for key, cell in cells.items()},
        }

    areas, questions = [], []
    for metric in document["metrics"]:
        kind, _, key = metric.partition(":")
        if kind == "area":
            areas.append({"key": key, **entry(metric)})
        elif kind == "question":
            questions.append({"key": key, **entry(metric)})
    groups = [g for g in document["groups"] if g["key"] in keys]
    return {
        "year": document["year"],
        "state": document["state"],
        "acceptable_level": document["acceptable_level"],
        "groups": groups,
        "participation": {key: document["participation"].get(key) for key in keys},
        "participated": bool(own) and (own.get("completeness") or 0) > 0,
        "completeness": entry("completeness"),
        "overall": entry("overall"),
        "areas": areas,
        "questions": questions,
    }
