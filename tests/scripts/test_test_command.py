"""``scripts/test <arguments>``: every named test reaches the pytest session that can run it.

The browser tests run in a session of their own (``BROWSER_TESTS=1``) and each session ignores
the other's tests, so a browser test handed to the first session would be silently left out.
``--plan`` prints the sessions the arguments give without installing or running anything.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test"


def plan(*args: str, browser_only: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_TESTS"}
    if browser_only:
        env["BROWSER_TESTS"] = "1"
    return subprocess.run(
        [str(SCRIPT), "--plan", *args], env=env, capture_output=True, text=True, timeout=30
    )


def sessions(*args: str) -> dict[str, list[str]]:
    """Session ("first" or "browser") to its pytest arguments."""
    done = plan(*args)
    assert done.returncode == 0, done.stderr
    planned = {}
    for line in done.stdout.splitlines():
        words = shlex.split(line)
        if words[0] == "BROWSER_TESTS=1":
            planned["browser"] = words[2:]
        else:
            assert words[0] == "pytest", line
            planned["first"] = words[1:]
    return planned


def test_paths_outside_tests_browser_run_in_the_first_session_only() -> None:
    assert sessions("tests/scoring", "-k", "rules") == {"first": ["tests/scoring", "-k", "rules"]}


def test_a_browser_test_named_alone_runs_in_the_browser_session() -> None:
    named = "tests/browser/test_yearly_cycle.py::test_cycle"
    assert sessions(named, "-x") == {"browser": [named, "-x"]}


def test_mixed_paths_are_split_and_options_go_to_both_sessions() -> None:
    assert sessions(
        "tests/scoring", "tests/browser/test_pages_accessible.py", "-m", "not fault", "-q"
    ) == {
        "first": ["tests/scoring", "-m", "not fault", "-q"],
        "browser": ["tests/browser/test_pages_accessible.py", "-m", "not fault", "-q"],
    }


def test_a_folder_holding_the_browser_tests_goes_to_both_sessions() -> None:
    assert sessions("tests") == {"first": ["tests"], "browser": ["tests"]}
    assert sessions("./tests/browser/../browser") == {"browser": ["./tests/browser/../browser"]}


def test_options_alone_run_both_sessions() -> None:
    assert sessions("-m", "not fault") == {
        "first": ["-m", "not fault"],
        "browser": ["-m", "not fault"],
    }
    assert sessions() == {"first": [], "browser": []}


def test_an_options_path_value_is_not_taken_for_a_test_path() -> None:
    assert sessions(
        "--deselect", "tests/browser/test_pages_accessible.py::test_pages", "tests/scoring"
    ) == {
        "first": [
            "tests/scoring",
            "--deselect",
            "tests/browser/test_pages_accessible.py::test_pages",
        ]
    }


def test_browser_tests_only_refuses_a_path_it_would_ignore() -> None:
    refused = plan("tests/browser", "tests/scoring", browser_only=True)
    assert refused.returncode == 2
    assert "tests/scoring is not under tests/browser" in refused.stderr
    allowed = plan("tests/browser", "-x", browser_only=True)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines() == ["BROWSER_TESTS=1 pytest tests/browser -x"]
