"""Framework references: only controls and measures that exist in the named edition pass."""

import pytest

from services.survey.references import REFERENCE_KINDS, reference_problem


@pytest.mark.parametrize(
    ("kind", "ref", "phrase"),
    [
        ("iso27001", "A.9.2", "not an ISO/IEC 27001:2022 Annex A control"),
        ("iso27001", "5.15", "not an ISO/IEC 27001:2022 Annex A control"),
        ("iso27001", "A.5.38", "runs from A.5.1 to A.5.37"),
        ("iso27001", "A.6.9", "runs from A.6.1 to A.6.8"),
        ("iso27001", "A.7.0", "runs from A.7.1 to A.7.14"),
        ("iso27001", "A.8.35", "runs from A.8.1 to A.8.34"),
        ("nis2", "21(2)(k)", "not a NIS2 article 21(2) measure"),
        ("nis2", "21.2.a", "not a NIS2 article 21(2) measure"),
        ("cis", "14.x", "not a CIS Controls v8"),
        ("cis", "19.1", "controls 1 to 18"),
        ("cis", "0", "controls 1 to 18"),
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
        ("iso27001", "A.8.34"),
        ("nis2", "21(2)(a)"),
        ("nis2", "21(2)(j)"),
        ("cis", "1"),
        ("cis", "18"),
        ("cis", "14.1"),
    ],
)
def test_the_first_and_last_of_each_range_pass(kind, ref):
    assert reference_problem(kind, ref) is None


def test_every_kind_has_a_check():
    assert REFERENCE_KINDS == ("iso27001", "nis2", "cis")
    for kind in REFERENCE_KINDS:
        assert reference_problem(kind, "nonsense") is not None
