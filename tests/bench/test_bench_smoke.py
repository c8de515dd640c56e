"""The benchmark's quick mode, run as the command people use, so its code cannot rot.

No timing is asserted (the machine is shared): the run must finish, measure every way of saving
at every concurrency, complete the annual run without failures, close a round, see the memory of
every process, and write its figures into the Markdown file without touching the rest of it.
"""

import json
import subprocess
import sys

from bench.run import BEGIN, END, write_markdown
from services.common.config import REPO_ROOT


def test_quick_run_measures_everything_and_writes_the_figures(tmp_path):
    document = tmp_path / "performance.md"
    document.write_text(f"# Performance\n\nHand-written analysis.\n\n{BEGIN}\nold\n{END}\n\nEnd.\n")
    figures_file = tmp_path / "bench.json"
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--sizes",
            "20",
            "--write",
            str(document),
            "--json",
            str(figures_file),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    figures = json.loads(figures_file.read_text())

    ways = {(row["way"], row["clients"]): row for row in figures["saves"]}
    assert set(ways) == {(way, n) for way in ("rpc", "sql", "gateway") for n in (1, 2)}
    assert all(
        row["saves"] >= 3 * row["clients"] and row["p99"] >= row["p50"] > 0 for row in ways.values()
    )
    assert all(ways["gateway", n]["cpu_per_save"] > 0 for n in (1, 2))
    assert ways["sql", 1]["cpu_per_save"] is None
    reset = figures["reset"]
    assert reset["pairs"] == 10 and reset["links_issued"] == 15
    assert reset["existing_p90"] >= reset["existing_median"] > 0 < reset["unknown_median"]
    annual = figures["annual"]
    assert annual["failed"] == 0
    assert annual["reports"] > annual["participants"] == 2
    assert annual["due"] == annual["reports"] + annual["failed"] + annual["skipped"]
    assert [row["municipalities"] for row in figures["closing"]] == [20]
    assert figures["closing"][0]["answers"] > 0
    peaks = figures["memory_kib"]
    for process in ("survey", "scoring", "benchmark", "delegation", "gateway", "echo"):
        assert peaks[process] > 10_000, process
    assert any(name.startswith("reporting") and kib for name, kib in peaks.items())

    written = document.read_text()
    assert written.startswith("# Performance\n\nHand-written analysis.")
    assert written.endswith(f"{END}\n\nEnd.\n")
    assert "old" not in written
    assert "| 2 | gateway |" in written
    assert "### Asking for a password reset" in written
    assert figures["machine"]["cpu"] in written


def test_writing_into_a_file_without_markers_appends_the_figures(tmp_path):
    document = tmp_path / "performance.md"
    document.write_text("# Performance\n\nNotes.\n")
    write_markdown(document, "figures")
    write_markdown(document, "newer figures")
    assert document.read_text() == f"# Performance\n\nNotes.\n\n{BEGIN}\nnewer figures\n{END}\n"
