"""Time KL's annual report run for the 98 demo municipalities with one and with two workers.

``.venv/bin/python -m bench.annual_run`` starts survey, scoring, benchmark and delegation as
processes (``tools.processes``) on a private RabbitMQ vhost and fresh PostgreSQL databases, loads
the demo history (2021-2025, every municipality with its units) and closes 2025, then runs the
annual run of 2025 twice on fresh reporting databases: once with one reporting worker, once with
two. It prints the wall time of each run (request published to run completed), the number of
reports, and the median build time of one municipality report PDF (as the service measured it:
collecting the figures over RPC, assembling, rendering, storing). Nothing of a local run is
touched. Takes several minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, text

from services.common.config import DATA_DIR
from tools import demo_history
from tools.processes import Platform, start_platform
from tools.request_annual_run import publish_request, wait_for_run

YEAR = 2025
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class Databases:
    """Fresh PostgreSQL databases for the bench, dropped at the end."""

    def __init__(self) -> None:
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def make(self, label: str) -> str:
        name = f"bench_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def drop(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def load_demo(amqp_uri: str) -> int:
    """The demo history 2021-2024 and a closed 2025 round; returns how many took part in 2025."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=300) as rpc:
        rpc.survey.import_questionnaire((DATA_DIR / "questionnaires" / "2025.yaml").read_text())
        plan = demo_history.load_history(rpc, log=print)
        rpc.survey.create_round(YEAR)
        rpc.survey.open_round(YEAR)
        demo_history.save_year(rpc, plan, rpc.survey.get_questionnaire(YEAR))
        rpc.survey.close_round(YEAR)
        return sum(YEAR in p.years for p in plan.profiles.values())


def start_workers(platform: Platform, count: int, database_url: str, reports: Path) -> list[str]:
    platform.env["DATABASE_URL_REPORTING"] = database_url
    platform.env["REPORTS_DIR"] = str(reports)
    names = []
    for number in range(count):
        platform.env["METRICS_PORT_REPORTING"] = "0"
        platform.start_service("reporting")
        name = f"reporting-{number + 1}"
        platform.processes[name] = platform.processes.pop("reporting")
        names.append(name)
    platform.processes["reporting"] = platform.processes[names[0]]
    platform.wait_healthy(("reporting",))
    platform.processes.pop("reporting")
    return names


def timed_run(platform: Platform, workers: int, databases: Databases, root: Path) -> dict:
    names = start_workers(platform, workers, databases.make(f"reporting{workers}"), root)
    amqp_uri = platform.env["AMQP_URI"]
    started = time.perf_counter()
    publish_request(amqp_uri, YEAR, requested_by="bench")
    run = wait_for_run(amqp_uri, YEAR, timeout=3600, out=lambda line: None)
    seconds = time.perf_counter() - started
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
        jobs = rpc.reporting.get_annual_run(YEAR, with_jobs=True)["jobs"]
    for name in names:
        platform.kill(name, sig=15)
    municipal = [j["build_seconds"] for j in jobs if j["kind"] == "municipality"]
    units = [j["build_seconds"] for j in jobs if j["kind"] == "unit"]
    return {
        "workers": workers,
        "seconds": seconds,
        "reports": run["done"],
        "failed": run["failed"],
        "municipality_median": statistics.median(municipal),
        "unit_median": statistics.median(units),
        "national": next(j["build_seconds"] for j in jobs if j["kind"] == "national"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    vhost = f"sikkerhedsbaseline_bench_{os.getpid()}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    databases = Databases()
    work = Path(tempfile.mkdtemp(prefix="bench-annual-run-"))
    env = {"AMQP_URI": amqp_uri, "RPC_TIMEOUT": "30", "SMTP_HOST": "127.0.0.1"}
    for component in ("survey", "scoring", "benchmark", "delegation"):
        env[f"DATABASE_URL_{component.upper()}"] = databases.make(component)
        env[f"METRICS_PORT_{component.upper()}"] = "0"
    platform = None
    try:
        platform = start_platform(
            env,
            work / "logs",
            services=("survey", "scoring", "benchmark", "delegation"),
            gateway=False,
        )
        print("Loading the demo history (98 municipalities, 2021-2025) ...")
        loading = time.perf_counter()
        participants = load_demo(amqp_uri)
        print(
            f"  loaded in {time.perf_counter() - loading:.0f} s; {participants} took part in {YEAR}"
        )
        results = [
            timed_run(platform, workers, databases, work / f"reports-{workers}")
            for workers in args.workers
        ]
    finally:
        if platform is not None:
            platform.stop()
        databases.drop()
        rabbitmqctl("delete_vhost", vhost)
    print(f"\nAnnual run {YEAR}, 98 demo municipalities ({os.cpu_count()} CPU cores):")
    for r in results:
        print(
            f"  {r['workers']} worker(s): {r['seconds']:.1f} s for {r['reports']} reports "
            f"({r['failed']} failed), {r['reports'] / r['seconds']:.2f} reports/s"
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
