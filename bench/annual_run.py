"""Time KL's annual report run for the 98 demo municipalities with one and with two workers.

``.venv/bin/python -m bench.annual_run`` starts survey, scoring, benchmark, delegation and mail as
processes on a private platform (``bench.platform``: own vhost, fresh PostgreSQL databases),
loads the demo history (2021-2025, every municipality with its units) and closes 2025, then runs
the annual run of 2025 on fresh reporting databases: once with one reporting worker, once with
two. It prints the wall time of each run (request published to run completed), the reports
due, built, failed and skipped (due = built + failed + skipped once a run is complete), and
the median build time of one municipality report PDF (as the service measured it: collecting
the figures over RPC, assembling, rendering, storing). ``python -m bench`` runs the same
measurement as part of the whole benchmark. Takes several minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from nameko.standalone.rpc import ClusterRpcProxy

from bench.platform import BenchPlatform
from services.common.config import DATA_DIR
from tools import demo_data, demo_history
from tools.request_annual_run import publish_request, wait_for_run

YEAR = 2025


def small_plan(rpc, limit: int) -> demo_history.Plan:  # noqa: ANN001
    """The first ``limit`` municipalities, each with its units, all taking part (quick runs)."""
    profiles, units = {}, {}
    for municipality in rpc.survey.list_municipalities()[:limit]:
        municipality_id = municipality["id"]
        profiles[municipality_id] = demo_history.profile(municipality, always=True)
        tree = {name: [] for name in demo_history.unit_names(municipality_id)}
        units[municipality_id] = sorted(
            demo_data._ensure_units(rpc, municipality_id, tree).values()
        )
    return demo_history.Plan(profiles, units)


def load_demo(amqp_uri: str, limit: int | None = None, log=print) -> int:  # noqa: ANN001
    """The demo history 2021-2024 and a closed 2025 round; returns how many took part in 2025.

    With ``limit`` only that many municipalities answer, and only 2025 (a smoke run).
    """
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=300) as rpc:
        rpc.survey.import_questionnaire((DATA_DIR / "questionnaires" / f"{YEAR}.yaml").read_text())
        plan = demo_history.load_history(rpc, log=log) if limit is None else small_plan(rpc, limit)
        rpc.survey.create_round(YEAR)
        rpc.survey.open_round(YEAR)
        demo_history.save_year(rpc, plan, rpc.survey.get_questionnaire(YEAR))
        rpc.survey.close_round(YEAR)
        return sum(YEAR in p.years for p in plan.profiles.values())


def timed_run(bench: BenchPlatform, workers: int) -> dict:
    """One annual run of ``YEAR`` on ``workers`` fresh reporting workers, timed end to end."""
    names = bench.start_reporting(workers, f"{workers}w")
    amqp_uri = bench.env["AMQP_URI"]
    started = time.perf_counter()
    publish_request(amqp_uri, YEAR, requested_by="bench")
    run = wait_for_run(amqp_uri, YEAR, timeout=3600, out=lambda line: None)
    seconds = time.perf_counter() - started
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
        jobs = rpc.reporting.get_annual_run(YEAR, with_jobs=True)["jobs"]
    for name in names:
        bench.stop_process(name)
    builds = [j["build_seconds"] for j in jobs if j["build_seconds"] is not None]
    municipal = [j["build_seconds"] for j in jobs if j["kind"] == "municipality"]
    units = [j["build_seconds"] for j in jobs if j["kind"] == "unit"]
    return {
        "workers": workers,
        "seconds": seconds,
        "due": run["due"],
        "reports": run["built"],
        "failed": run["failed"],
        "skipped": run["skipped"],
        "build_total": sum(builds),
        "municipality_median": statistics.median(municipal) if municipal else None,
        "unit_median": statistics.median(units) if units else None,
        "national": next((j["build_seconds"] for j in jobs if j["kind"] == "national"), None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    bench = BenchPlatform()
    try:
        bench.start()
        print("Loading the demo history (98 municipalities, 2021-2025) ...")
        loading = time.perf_counter()
        participants = load_demo(bench.env["AMQP_URI"])
        print(
            f"  loaded in {time.perf_counter() - loading:.0f} s; {participants} took part in {YEAR}"
        )
        results = [timed_run(bench, workers) for workers in args.workers]
    finally:
        bench.close()
    print(f"\nAnnual run {YEAR}, 98 demo municipalities ({os.cpu_count()} CPU cores):")
    for r in results:
        print(
            f"  {r['workers']} worker(s): {r['seconds']:.1f} s, {r['due']} reports due: "
            f"{r['reports']} built, {r['failed']} failed, {r['skipped']} skipped; "
            f"{r['reports'] / r['seconds']:.2f} reports/s"
        )
    first = results[0]
    print(
        f"Median build of one municipality report PDF: {first['municipality_median']:.2f} s "
        f"(unit report {first['unit_median']:.2f} s, national report {first['national']:.2f} s; "
        "collect over RPC + assemble + render + store, one worker)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
