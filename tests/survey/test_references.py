"""Framework references: only what exists in the exact lists passes, each miss names the range."""

import pytest

from services.survey import frameworks as fw
from services.survey.references import REFERENCE_KINDS, citation_year_problem, reference_problem

# --- the lists ------------------------------------------------------------------------------


def test_cis_v8_has_153_safeguards_in_18_controls():
    assert len(fw.CIS_SAFEGUARDS) == len(set(fw.CIS_SAFEGUARDS)) == 153
    assert sorted(fw.CIS_SAFEGUARD_COUNTS) == list(range(1, 19))
    assert fw.CIS_SAFEGUARDS[:2] == ("1.1", "1.2") and fw.CIS_SAFEGUARDS[-1] == "18.5"
    for control, count in {3: 14, 13: 11, 16: 14, 7: 7}.items():
        assert f"{control}.{count}" in fw.CIS_SAFEGUARDS
        assert f"{control}.{count + 1}" not in fw.CIS_SAFEGUARDS


def test_iso_27001_2022_annex_a_has_93_controls():
    assert len(fw.ISO_ANNEX_A) == len(set(fw.ISO_ANNEX_A)) == 93
    for theme, last in {5: 37, 6: 8, 7: 14, 8: 34}.items():
        assert f"A.{theme}.1" in fw.ISO_ANNEX_A and f"A.{theme}.{last}" in fw.ISO_ANNEX_A
        assert f"A.{theme}.{last + 1}" not in fw.ISO_ANNEX_A


def test_iso_27001_2022_clauses_4_to_10():
    clauses = set(fw.ISO_CLAUSES)
    assert len(clauses) == len(fw.ISO_CLAUSES)
    assert {c.split(".")[0] for c in clauses} == {str(n) for n in range(4, 11)}
    assert {"4.4", "5.3", "6.1.3", "6.3", "7.5", "8.3", "9.2.2", "9.3.3", "10.2"} <= clauses
    assert not {"4.5", "5.4", "6.4", "8.4", "9.4", "10.3", "6.1.4"} & clauses


def test_nis2_articles_and_the_paragraphs_the_questionnaire_uses():
    refs = set(fw.NIS2_REFERENCES)
    assert {str(n) for n in range(1, 47)} <= refs
    assert {f"21(2)({letter})" for letter in "abcdefghij"} <= refs
    assert {"20(1)", "20(2)", "23(1)", "23(2)", "23(3)", "23(4)"} <= refs
    assert {f"23(4)({letter})" for letter in "abcde"} <= refs
    assert len(refs) == 46 + 1 + 10 + 2 + 4 + 5


# --- the notation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "ref", "phrase"),
    [
        ("cis", "7.99", "control 7 has safeguards 7.1 to 7.7"),
        ("cis", "5.0", "control 5 has safeguards 5.1 to 5.6"),
        ("cis", "14", "whole CIS Controls v8 control; cite its safeguards 14.1 to 14.9"),
        ("cis", "07.1", "control 7 has safeguards 7.1 to 7.7"),
        ("cis", "14.x", "not a CIS Controls v8 safeguard"),
        ("cis", "19.1", "controls 1 to 18"),
        ("cis", "0", "controls 1 to 18"),
        ("iso27001", "A.5.01", "runs from A.5.1 to A.5.37"),
        ("iso27001", "A.5.38", "runs from A.5.1 to A.5.37"),
        ("iso27001", "A.6.9", "runs from A.6.1 to A.6.8"),
        ("iso27001", "A.7.0", "runs from A.7.1 to A.7.14"),
        ("iso27001", "A.8.35", "runs from A.8.1 to A.8.34"),
        ("iso27001", "A.9.2", "not an ISO/IEC 27001:2022 Annex A control"),
        ("iso27001", "5.15", "nor a clause 4 to 10"),
        ("iso27001", "6.1.4", "nor a clause 4 to 10"),
        ("iso27001", "11.1", "nor a clause 4 to 10"),
        ("nis2", "Art. 21(2)(k)", "without 'Art.'"),
        ("nis2", "21(2)(k)", "cite '21' or 21(2)(a)-(j)"),
        ("nis2", "21(3)", "cite '21' or 21(2)(a)-(j)"),
        ("nis2", "23(4)(f)", "23(4)(a)-(e)"),
        ("nis2", "20(3)", "20(1), 20(2)"),
        ("nis2", "22(1)", "article 22 is cited as a whole"),
        ("nis2", "47", "articles 1 to 46"),
        ("nis2", "21.2.a", "not a NIS2 reference"),
    ],
)
def test_a_reference_that_does_not_exist_is_named_with_the_range(kind, ref, phrase):
    problem = reference_problem(kind, ref)
    assert problem is not None and repr(ref) in problem and phrase in problem


@pytest.mark.parametrize(
    ("kind", "ref"),
    [
        ("iso27001", "A.5.1"),
        ("iso27001", "A.5.37"),
        ("iso27001", "A.6.8"),
        ("iso27001", "A.7.14"),
        ("iso27001", "A.8.2"),
        ("iso27001", "A.8.34"),
        ("iso27001", "4.1"),
        ("iso27001", "6.1.2"),
        ("iso27001", "9.3.3"),
        ("iso27001", "10.2"),
        ("nis2", "21(2)(a)"),
        ("nis2", "21(2)(j)"),
        ("nis2", "20(1)"),
        ("nis2", "23(4)(e)"),
        ("nis2", "1"),
        ("nis2", "46"),
        ("cis", "1.1"),
        ("cis", "14.9"),
        ("cis", "16.14"),
        ("cis", "18.5"),
    ],
)
def test_the_first_and_last_of_each_range_pass(kind, ref):
    assert reference_problem(kind, ref) is None


def test_every_listed_reference_passes_and_nothing_else_of_its_shape():
    for ref in (*fw.ISO_ANNEX_A, *fw.ISO_CLAUSES):
        assert reference_problem("iso27001", ref) is None, ref
    for ref in fw.NIS2_REFERENCES:
        assert reference_problem("nis2", ref) is None, ref
    for ref in fw.CIS_SAFEGUARDS:
        assert reference_problem("cis", ref) is None, ref
    assert reference_problem("cis", "1") is not None
    assert reference_problem("nis2", "21(1)") is not None


def test_every_kind_has_a_check():
    assert REFERENCE_KINDS == ("iso27001", "nis2", "cis") == tuple(fw.FRAMEWORK_NAMES)
    for kind in REFERENCE_KINDS:
        assert reference_problem(kind, "nonsense") is not None


# --- the year rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "too_early", "first"),
    [("iso27001", 2022, 2023), ("nis2", 2022, 2023), ("cis", 2020, 2021)],
)
def test_a_framework_is_citable_from_the_round_after_it_was_published(kind, too_early, first):
    problem = citation_year_problem(kind, too_early)
    assert problem is not None
    assert fw.FRAMEWORK_NAMES[kind] in problem and f"from {first} on" in problem
    assert "references_added_afterwards" in problem
    assert citation_year_problem(kind, first) is None
