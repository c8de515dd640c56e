"""One round's figures for every fixed group, what one municipality sees, and KL's priorities."""

import json

import pytest

from services.benchmark import engine
from services.benchmark.service import membership
from tests.gateway.conftest import make_questionnaire

QUESTIONNAIRE = make_questionnaire(2025)


def scores(overall: float, policy: float | None = 3.0, completeness: float = 1.0) -> dict:
    return {
        "overall": overall,
        "completeness": completeness,
        "areas": {"governance": overall, "operations": 6 - overall},
        "questions": {"governance.policy": policy, "operations.backup": 5.0},
    }


def test_metric_keys_skip_text_and_numbers_without_bands():
    keys = [key for key, _ in engine.metric_keys(QUESTIONNAIRE)]
    assert keys[:3] == ["overall", "area:governance", "area:operations"]
    assert "question:operations.notes" not in keys
    assert "question:operations.hours" in keys  # it has bands


def test_groups_are_fixed_and_complete():
    groups = engine.peer_groups(membership())
    assert len(groups) == 10
    assert len(groups["all"]) == 98
    assert (
        sum(
            len(groups[f"region:{r}"])
            for r in ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
        )
        == 98
    )
    assert sum(len(m) for k, m in groups.items() if k.startswith("size:")) == 98
    assert 101 in groups["size:largest"] and 101 in groups["region:Hovedstaden"]


def test_round_document_has_groups_and_figures_only():
    values = {
        m: scores(1 + (i % 9) / 2, policy=float(1 + i % 5)) for i, m in enumerate(membership())
    }
    values[751] = scores(4.2, completeness=0.5)
    values[630] = scores(2.0, completeness=0.0)  # did not take part
    document = engine.compute_round(2025, QUESTIONNAIRE, values, membership())
    assert document["participation"]["all"] == {"members": 98, "participants": 97, "complete": 96}
    overall = document["metrics"]["overall"]["all"]
    assert overall["n"] == 97
    # Every municipality answered operations.backup with 5: no figure anywhere.
    assert set(document["metrics"]["question:operations.backup"].values()) == {None}
    # All but Aarhus answered everything: a completeness figure would tell Aarhus's.
    assert document["metrics"]["completeness"]["all"] is None
    text = json.dumps(document)
    for municipality_id in (101, 751, 630):
        assert f'"{municipality_id}"' not in text
    published = engine.publish(document, preliminary=False)
    assert published["state"] == "final"
    assert published["metrics"]["overall"]["all"]["mean"] == round(overall["mean"], 2)


def test_participation_is_counted_for_groups_a_coalition_cannot_see_through():
    # Nine in the largest class, all taking part: published (taking part is not confidential,
    # docs/security.md). Six in Nordjylland: under 5 + 2 members, so no counts at all.
    members = {m: {"region": "Hovedstaden", "size_class": "largest"} for m in range(9)}
    members |= {m: {"region": "Nordjylland", "size_class": "small"} for m in range(9, 15)}
    values = {m: scores(1.0 + m % 4) for m in range(15)}
    participation = engine.compute_round(2025, QUESTIONNAIRE, values, members)["participation"]
    assert participation["size:largest"] == {"members": 9, "participants": 9, "complete": 9}
    assert participation["region:Nordjylland"] is None
    assert participation["size:small"] is None


def test_completeness_share_is_the_share_that_answered_everything():
    values = {
        m: scores(2.5, completeness=1.0 if i % 3 else 0.6 + i / 1000)
        for i, m in enumerate(membership())
    }
    document = engine.compute_round(2025, QUESTIONNAIRE, values, membership())
    cell = document["metrics"]["completeness"]["all"]
    assert cell["share_acceptable"] == pytest.approx(65 / 98)


def test_viewer_sees_own_value_and_three_groups():
    values = {
        m: scores(1 + (i % 9) / 2, policy=float(1 + i % 5)) for i, m in enumerate(membership())
    }
    document = engine.publish(
        engine.compute_round(2025, QUESTIONNAIRE, values, membership()), preliminary=True
    )
    view = engine.viewer_view(document, values[751], membership()[751])
    assert [g["key"] for g in view["groups"]] == ["all", "region:Midtjylland", "size:largest"]
    assert view["state"] == "preliminary"
    assert view["overall"]["own"] == values[751]["overall"]
    assert set(view["overall"]["cells"]) == {"all", "region:Midtjylland", "size:largest"}
    assert view["overall"]["bands"]["all"] in ("lowest", "lower_middle", "upper_middle", "highest")
    assert "region:Hovedstaden" not in json.dumps(view)
    outsider = engine.viewer_view(document, None, membership()[101])
    assert outsider["participated"] is False and outsider["overall"]["own"] is None
    assert outsider["overall"]["bands"] == {
        "all": None,
        "region:Hovedstaden": None,
        "size:largest": None,
    }


def test_priorities_put_the_largest_share_below_first():
    cell = {"n": 50, "mean": 3, "median": 3, "q1": 2, "q3": 4, "approximate": False}
    document = {
        "metrics": {
            "area:governance": {"all": {**cell, "share_acceptable": 0.8}},
            "area:operations": {"all": {**cell, "share_acceptable": 0.4, "median": 2.5}},
            "question:governance.policy": {"all": {**cell, "share_acceptable": 0.4}},
            "question:operations.backup": {"all": {**cell, "share_acceptable": 0.4, "median": 2}},
            "question:operations.hours": {"all": None},
        }
    }
    found = engine.priorities(document, QUESTIONNAIRE)
    assert [row["key"] for row in found["areas"]] == ["operations", "governance"]
    assert found["areas"][0]["share_below"] == pytest.approx(0.6)
    assert [row["key"] for row in found["questions"]] == [
        "operations.backup",
        "governance.policy",
    ]
    assert found["questions"][0]["area_key"] == "operations"
