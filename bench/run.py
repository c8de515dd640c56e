"""The whole performance benchmark in one command, with every ratio measured in the same run.

    .venv/bin/python -m bench                      # the full run (about half an hour on 2 cores)
    .venv/bin/python -m bench --quick              # tiny sizes, a minute or two: a smoke run
    .venv/bin/python -m bench --write docs/performance.md --json var/bench.json

It starts a private platform on PostgreSQL (``bench.platform``: own vhost, databases, ports),
loads the demo history and closes 2025, opens 2026, and measures:

1. saving answers through the gateway with 1, 10 and 50 concurrent clients against the same
   rows written straight into PostgreSQL with SQLAlchemy and against a bare nameko RPC round
   trip (``bench.saves``);
2. asking for a password reset for an existing account against an unknown address, in
   interleaved pairs: the ratio should be 1 (``bench.forgot_timing``);
3. KL's annual report run of 2025 for the demo municipalities (``bench.annual_run``);
4. closing a round (scores and benchmark) for 98, 1,000 and 10,000 municipalities against one
   SQL aggregate over the same answers (``bench.benchmark_round``);
5. the peak memory (VmHWM) of every process of the platform.

Machines are shared and noisy, so the figures that matter are the ratios: each step against its
floor, both measured minutes apart in this run. ``--write`` replaces the generated part of a
Markdown file (between ``<!-- bench:begin -->`` and ``<!-- bench:end -->``) and keeps the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as pyplatform
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine, text

from bench import annual_run, benchmark_round, forgot_timing, saves
from bench.platform import PG_ADMIN_URL, BenchPlatform
from services.common.config import DATA_DIR
from tests.support.platform import add_users

OPEN_YEAR = 2026
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
FULL = {
    "clients": [1, 10, 50],
    "saves": 300,
    "sizes": [98, 1_000, 10_000],
    "repeat": 3,
    "reset_pairs": 100,
}
QUICK = {"clients": [1, 2], "saves": 4, "sizes": [20, 98], "repeat": 1, "reset_pairs": 10}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    parser.add_argument("--clients", type=int, nargs="+", help="concurrent savers (1 10 50)")
    parser.add_argument("--saves", type=int, help="saves per way and concurrency (300)")
    parser.add_argument("--sizes", type=int, nargs="+", help="municipalities (98 1000 10000)")
    parser.add_argument("--repeat", type=int, help="runs per closing measurement (3)")
    parser.add_argument("--workers", type=int, default=2, help="reporting workers (2)")
    parser.add_argument(
        "--reset-pairs", type=int, help="forgot-password pairs, existing and unknown (100)"
    )
    parser.add_argument(
        "--annual-municipalities",
        type=int,
        help="answer 2025 for only this many municipalities, without history (quick: 2)",
    )
    parser.add_argument("--write", type=Path, help="Markdown file to put the figures in")
    parser.add_argument("--json", type=Path, help="JSON file for the raw figures")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.quick and args.annual_municipalities is None:
        args.annual_municipalities = 2
    if args.quick:
        args.workers = min(args.workers, 1)
    return args


def machine() -> dict:
    """What the figures were measured on, and how busy it was."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        pyplatform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    admin = create_engine(PG_ADMIN_URL)
    with admin.connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar()
    admin.dispose()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "kernel": pyplatform.release(),
        "python": pyplatform.python_version(),
        "postgresql": postgres,
    }


def busy() -> dict:
    """Load average and the other programs using the CPU, for the note on what else ran."""
    listing = subprocess.run(
        ["ps", "-eo", "pcpu=,args="], capture_output=True, text=True, check=True
    ).stdout
    own = str(os.getpid())
    counts: dict[str, int] = {}
    for line in listing.splitlines():
        parts = line.split(None, 1)
        if len(parts) < 2 or own in parts[1]:
            continue
        command = parts[1]
        for label, marker in (
            ("pytest", "pytest"),
            ("nameko services", "nameko run"),
            ("PostgreSQL backends", "postgres:"),
        ):
            if marker in command:
                counts[label] = counts.get(label, 0) + 1
    return {"load": [round(v, 2) for v in os.getloadavg()], "processes": counts}


def open_round(amqp_uri: str, clients: int) -> tuple[list[str], list[int]]:
    """Open 2026; the ten municipality-level maturity questions and ``clients`` municipalities."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=120) as rpc:
        rpc.survey.import_questionnaire(
            (DATA_DIR / "questionnaires" / f"{OPEN_YEAR}.yaml").read_text()
        )
        rpc.survey.create_round(OPEN_YEAR)
        rpc.survey.open_round(OPEN_YEAR)
        questionnaire = rpc.survey.get_questionnaire(OPEN_YEAR)
        municipalities = [m["id"] for m in rpc.survey.list_municipalities()][:clients]
    keys = [
        q["key"]
        for area in questionnaire["areas"]
        for q in area["questions"]
        if q["scope"] == "municipality" and q["type"] == "maturity"
    ][:10]
    return keys, municipalities


def measure_all(args: argparse.Namespace, log: Callable[[str], None]) -> dict:
    figures: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds")}
    figures["machine"] = machine()
    figures["busy_before"] = busy()
    bench = BenchPlatform()
    try:
        log("Starting a private platform ...")
        bench.start()
        limit = args.annual_municipalities
        log(
            "Loading the demo history and closing 2025 ..."
            if limit is None
            else f"Answering 2025 for {limit} municipalities and closing it ..."
        )
        began = time.perf_counter()
        participants = annual_run.load_demo(bench.env["AMQP_URI"], limit, log=log)
        figures["load_seconds"] = time.perf_counter() - began

        log(f"Saving answers in {OPEN_YEAR} ...")
        keys, municipalities = open_round(bench.env["AMQP_URI"], max(args.clients))
        logins = [(m, f"bench.{m}@bench.dk") for m in municipalities]
        add_users(
            bench.env,
            [(m, email, "Bench", "coordinator", None) for m, email in logins],
            saves.PASSWORD,
        )
        figures["saves"] = saves.measure(
            base_url=bench.base_url,
            amqp_uri=bench.env["AMQP_URI"],
            floor_url=bench.databases.make("savefloor"),
            year=OPEN_YEAR,
            keys=keys,
            logins=logins,
            concurrency=args.clients,
            total=args.saves,
            echo_pids=[bench.platform.processes["echo"].pid],
            platform_pids=[p.pid for n, p in bench.platform.processes.items() if n != "echo"],
            log=log,
        )

        log(f"Asking for a password reset, {args.reset_pairs} pairs ...")
        gateway_url = bench.env["DATABASE_URL_GATEWAY"]
        forgot_timing.add_accounts(gateway_url, municipalities[0], args.reset_pairs)
        figures["reset"] = forgot_timing.measure(
            bench.base_url, gateway_url, municipalities[0], args.reset_pairs
        )

        log(f"Annual run {annual_run.YEAR} with {args.workers} worker(s) ...")
        figures["annual"] = {
            **annual_run.timed_run(bench, args.workers),
            "participants": participants,
        }

        log(f"Closing a round for {', '.join(str(s) for s in args.sizes)} municipalities ...")
        figures["closing"] = benchmark_round.run(args.sizes, args.repeat)
        figures["busy_after"] = busy()
    finally:
        bench.close()
    figures["memory_kib"] = bench.peaks
    figures["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    figures["command"] = "python -m bench " + " ".join(sys.argv[1:])
    return figures


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def tables(figures: dict) -> str:
    """Markdown tables of the figures with their ratios to the floors."""
    lines = ["### Saving a batch of ten answers", ""]
    lines += [
        "| clients | way | saves | saves/s | p50 | p99 | p50 ÷ SQL | p50 ÷ RPC "
        "| SQL saves/s ÷ this | CPU per save |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_level: dict[int, dict[str, dict]] = {}
    for row in figures["saves"]:
        by_level.setdefault(row["clients"], {})[row["way"]] = row
    for clients, ways in by_level.items():
        for way in ("rpc", "sql", "gateway"):
            row = ways[way]
            lines.append(
                f"| {clients} | {way} | {row['saves']} | {row['throughput']:,.1f} | "
                f"{ms(row['p50'])} | {ms(row['p99'])} | "
                f"{row['p50'] / ways['sql']['p50']:.1f}× | "
                f"{row['p50'] / ways['rpc']['p50']:.1f}× | "
                f"{ways['sql']['throughput'] / row['throughput']:.1f}× | "
                f"{cpu(row.get('cpu_per_save'))} |"
            )
    annual = figures["annual"]
    floor = annual["build_total"] / annual["workers"]
    reset = figures["reset"]
    lines += [
        "",
        "CPU per save: user and system CPU time per save of the echo service (rpc) or of the "
        "gateway and every service together, including the events a save causes (gateway); "
        "unlike the times it hardly depends on what else the machine runs. Not measured for "
        "the SQL floor, whose work is done in PostgreSQL's backends.",
        "",
        "### Asking for a password reset (existing account against unknown address)",
        "",
        "| pairs | existing p50 | existing p90 | unknown p50 | unknown p90 | "
        "existing ÷ unknown (p50) | pairs where existing was slower |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {reset['pairs']} | {ms(reset['existing_median'])} | {ms(reset['existing_p90'])} | "
        f"{ms(reset['unknown_median'])} | {ms(reset['unknown_p90'])} | {reset['ratio']:.2f}× | "
        f"{reset['existing_slower']} |",
        "",
        f"### Annual report run {annual_run.YEAR}",
        "",
        "| participants | due | built | failed | skipped | workers | wall time | built/s | "
        "builds ÷ workers (floor) | wall ÷ floor | municipality report (median) | "
        "unit report (median) | national report |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {annual['participants']} | {annual['due']} | {annual['reports']} | "
        f"{annual['failed']} | {annual['skipped']} | {annual['workers']} | "
        f"{annual['seconds']:,.1f} s | "
        f"{annual['reports'] / annual['seconds']:.2f} | {floor:,.1f} s | "
        f"{annual['seconds'] / floor:.2f}× | {seconds(annual['municipality_median'])} | "
        f"{seconds(annual['unit_median'])} | {seconds(annual['national'])} |",
        "",
        "### Closing a round (scores and benchmark)",
        "",
        "| municipalities | answers | scoring | benchmark (service) | close total | SQL aggregate "
        "| close ÷ SQL | benchmark (pure) ÷ SQL | published cells |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in figures["closing"]:
        total = row["scoring"] + row["service"]
        lines.append(
            f"| {row['municipalities']:,} | {row['answers']:,} | {ms(row['scoring'])} | "
            f"{ms(row['service'])} | {ms(total)} | {ms(row['sql'])} | "
            f"{total / row['sql']:,.1f}× | {row['pure'] / row['sql']:,.1f}× | "
            f"{row['published']}/{row['cells']} |"
        )
    lines += ["", "### Peak memory (VmHWM)", "", "| process | peak resident |", "|---|---:|"]
    for name, kib in sorted(figures["memory_kib"].items()):
        shown = "gone" if kib is None else f"{kib / 1024:,.0f} MiB"
        lines.append(f"| {name} | {shown} |")
    return "\n".join(lines)


def cpu(value: float | None) -> str:
    return "–" if value is None else ms(value)


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def report(figures: dict) -> str:
    """The generated part of docs/performance.md: the machine, what ran beside, the tables."""
    m = figures["machine"]
    before, after = figures["busy_before"], figures.get("busy_after", figures["busy_before"])

    def others(state: dict) -> str:
        found = ", ".join(f"{n} {label}" for label, n in sorted(state["processes"].items()))
        return f"load average {' / '.join(str(v) for v in state['load'])}; {found or 'nothing'}"

    return "\n".join(
        [
            f"Measured {figures['started']} – {figures['finished']} with "
            f"`{figures['command'].strip()}`.",
            "",
            f"* Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux "
            f"{m['kernel']}, Python {m['python']}, PostgreSQL {m['postgresql']}.",
            f"* Running beside the bench at the start: {others(before)}.",
            f"* At the end: {others(after)}.",
            f"* Loading the demo data took {figures['load_seconds']:.0f} s.",
            "",
            tables(figures),
        ]
    )


def write_markdown(path: Path, body: str) -> None:
    """Put ``body`` between the markers of ``path``, keeping the hand-written rest."""
    current = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in current or END not in current:
        current = current.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}")


def stop_on_sigterm(signum: int, frame: object) -> None:
    """``kill`` stops the bench like Ctrl-C: its platform, databases and vhost are removed."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    args = parse(argv)
    figures = measure_all(args, log=lambda line: print(line, flush=True))
    body = report(figures)
    print()
    print(body)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    if args.write:
        write_markdown(args.write, body)
    return 0
