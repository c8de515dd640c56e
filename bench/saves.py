"""Saving answers with 1, 10 and 50 concurrent clients, three ways, measured the same way.

* gateway: a logged-in coordinator per client (each of a different municipality, as in real
  use) PUTs a batch of ten answers to ``/api/v1/rounds/<year>/answers``; every batch changes all
  ten, so each save goes gateway → survey → PostgreSQL → outbox → event;
* SQL floor: the same rows (ten answers upserted, ten history rows) written straight into a
  survey database with SQLAlchemy, one transaction per batch;
* RPC floor: the same batch sent to ``bench_echo.echo`` and back through RabbitMQ, one standalone
  proxy per client: the bus's own cost.

Clients are threads of the bench process; each logs in and saves once before the clock starts.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine
from sqlalchemy.dialects.postgresql import insert

from services.common.db import run_migrations
from services.common.outbox import utcnow
from services.survey.models import Answer, AnswerChange
from services.survey.service import MIGRATIONS as SURVEY_MIGRATIONS
from tests.support.http import Browser

PASSWORD = "bench-password-long-enough"  # noqa: S105 - a throwaway account in a private database
ACTOR = {"user_id": 1, "name": "Bench", "role": "coordinator"}


@dataclass
class Series:
    """Latencies of one way of saving at one concurrency, and the wall time of all saves."""

    way: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float | None = None  # CPU seconds the measured processes spent on all the saves

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    def as_dict(self) -> dict:
        return {
            "way": self.way,
            "clients": self.clients,
            "saves": len(self.latencies),
            "seconds": self.seconds,
            "throughput": self.throughput,
            "p50": self.p50,
            "p99": self.p99,
            "cpu_per_save": None if self.cpu is None else self.cpu / len(self.latencies),
        }


def batch(keys: list[str], run: int) -> list[dict]:
    """Ten answers whose values differ from the previous run's, so each save changes all."""
    level = 2 + run % 2
    return [{"question_key": k, "unit_id": None, "value": level} for k in keys]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (utime + stime in /proc)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def settled_cpu_seconds(pids: list[int], timeout: float = 30) -> float:
    """CPU time once the processes are idle again (events of the saves handled), or at timeout."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_seconds(pids)
        if now - last < 0.05:
            return now
        last = now
    return last


def run_clients(
    way: str, saves: list[Callable[[int], None]], per_client: int, pids: list[int] = ()
) -> Series:
    """Every client saves ``per_client`` times, all starting together; wall time and latencies.

    With ``pids`` the CPU those processes spend on the saves is measured too: it does not
    depend on what else the machine runs, unlike the times.
    """
    series = Series(way, len(saves))
    cpu_before = settled_cpu_seconds(list(pids)) if pids else None
    start = threading.Barrier(len(saves) + 1)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(save: Callable[[int], None]) -> None:
        timings = []
        start.wait()
        try:
            for run in range(per_client):
                began = time.perf_counter()
                save(run)
                timings.append(time.perf_counter() - began)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        with lock:
            series.latencies.extend(timings)

    threads = [threading.Thread(target=client, args=(save,)) for save in saves]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    series.seconds = time.perf_counter() - began
    if cpu_before is not None:
        series.cpu = settled_cpu_seconds(list(pids)) - cpu_before
    if errors:
        raise RuntimeError(f"{way}: {len(errors)} client(s) failed; first: {errors[0]!r}")
    return series


def gateway_clients(
    base_url: str, year: int, keys: list[str], logins: list[tuple[int, str]]
) -> list[Callable[[int], None]]:
    """One logged-in browser per (municipality, e-mail), warmed with one save."""
    saves = []
    for municipality_id, email in logins:
        browser = Browser(base_url)
        response = browser.login(municipality_id, email, PASSWORD)
        if response.status_code not in (302, 303):
            raise RuntimeError(f"login of {email} failed with {response.status_code}")

        def save(run: int, browser: Browser = browser) -> None:
            saved = browser.api(
                "PUT", f"/rounds/{year}/answers", json={"answers": batch(keys, run)}
            )
            if saved.status_code != 200:
                raise RuntimeError(f"save failed: {saved.status_code} {saved.text[:200]}")

        save(-1)
        saves.append(save)
    return saves


def rpc_clients(amqp_uri: str, year: int, keys: list[str], municipalities: list[int]):  # noqa: ANN201
    """One started standalone proxy per client to the echo service; call ``stop`` after."""
    proxies = [
        ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=60)
        for _ in municipalities
    ]
    saves = []
    for proxy, municipality_id in zip(proxies, municipalities, strict=True):
        cluster = proxy.start()

        def save(run: int, cluster=cluster, municipality_id: int = municipality_id) -> None:  # noqa: ANN001
            cluster.bench_echo.echo(
                {
                    "municipality_id": municipality_id,
                    "year": year,
                    "answers": batch(keys, run),
                    "actor": ACTOR,
                }
            )

        save(-1)
        saves.append(save)

    def stop() -> None:
        for proxy in proxies:
            proxy.stop()

    return saves, stop


class SqlFloor:
    """The same rows a save writes, straight into a migrated survey database."""

    def __init__(self, url: str, clients: int) -> None:
        run_migrations(url, SURVEY_MIGRATIONS)
        self.engine = create_engine(url, pool_size=clients, max_overflow=clients)

    def clients(self, year: int, keys: list[str], municipalities: list[int]):  # noqa: ANN201
        saves = []
        for municipality_id in municipalities:

            def save(run: int, municipality_id: int = municipality_id) -> None:
                self.save(municipality_id, year, batch(keys, run))

            save(-1)
            saves.append(save)
        return saves

    def save(self, municipality_id: int, year: int, answers: list[dict]) -> None:
        table = Answer.__table__
        now = utcnow()
        rows = [
            {
                "municipality_id": municipality_id,
                "year": year,
                "question_key": a["question_key"],
                "unit_id": None,
                "unit_key": 0,
                "value": a["value"],
                "na": False,
                "draft": False,
                "revision": 1,
                "answered_by": ACTOR["name"],
                "answered_by_id": ACTOR["user_id"],
                "answered_at": now,
            }
            for a in answers
        ]
        upsert = insert(table).values(rows)
        upsert = upsert.on_conflict_do_update(
            constraint="uq_answer",
            set_={
                "value": upsert.excluded.value,
                "revision": table.c.revision + 1,
                "answered_at": upsert.excluded.answered_at,
            },
        ).returning(table.c.id, table.c.revision)
        with self.engine.begin() as connection:
            saved = connection.execute(upsert).all()
            connection.execute(
                insert(AnswerChange.__table__),
                [
                    {
                        "answer_id": answer_id,
                        "municipality_id": municipality_id,
                        "revision": revision,
                        "old": None,
                        "new": answer,
                        "actor_id": ACTOR["user_id"],
                        "actor_name": ACTOR["name"],
                        "actor_role": ACTOR["role"],
                        "changed_at": now,
                    }
                    for (answer_id, revision), answer in zip(saved, answers, strict=True)
                ],
            )

    def dispose(self) -> None:
        self.engine.dispose()


def measure(
    *,
    base_url: str,
    amqp_uri: str,
    floor_url: str,
    year: int,
    keys: list[str],
    logins: list[tuple[int, str]],
    concurrency: list[int],
    total: int,
    echo_pids: list[int] = (),
    platform_pids: list[int] = (),
    log: Callable[[str], None] = print,
) -> list[dict]:
    """Every way at every concurrency; the ways take turns per level so noise hits all alike.

    ``echo_pids`` and ``platform_pids`` are the processes whose CPU per save is measured for
    the RPC floor and for the gateway (gateway and every service).
    """
    floor = SqlFloor(floor_url, max(concurrency))
    results = []
    try:
        for clients in concurrency:
            per_client = max(3, -(-total // clients))
            chosen = logins[:clients]
            municipalities = [m for m, _ in chosen]
            log(f"  {clients} client(s), {per_client} saves each ...")
            saves, stop = rpc_clients(amqp_uri, year, keys, municipalities)
            try:
                level = [run_clients("rpc", saves, per_client, echo_pids)]
            finally:
                stop()
            level.append(run_clients("sql", floor.clients(year, keys, municipalities), per_client))
            saves = gateway_clients(base_url, year, keys, chosen)
            level.append(run_clients("gateway", saves, per_client, platform_pids))
            for series in level:
                cpu = (
                    ""
                    if series.cpu is None
                    else f", CPU {series.cpu / len(series.latencies) * 1000:.1f} ms/save"
                )
                log(
                    f"    {series.way:>7}: {series.throughput:7.1f} saves/s, "
                    f"p50 {series.p50 * 1000:6.1f} ms, p99 {series.p99 * 1000:6.1f} ms{cpu}"
                )
            results.extend(series.as_dict() for series in level)
    finally:
        floor.dispose()
    return results
