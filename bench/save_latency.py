"""Latency of saving a batch of 10 answers through the gateway of a running platform.

Run against the local run (``scripts/run-local`` in another terminal):

    .venv/bin/python -m bench.save_latency --runs 300

Every batch changes all ten answers, so each save goes the whole way: gateway → survey →
PostgreSQL/SQLite → outbox → event. Prints the median and the 99th percentile.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tests.support.http import Browser
from tools.demo_data import DEMO_PASSWORD


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--municipality", type=int, default=751)
    parser.add_argument("--email", default="koordinator@aarhus.dk")
    args = parser.parse_args(argv)

    browser = Browser(args.url)
    response = browser.login(args.municipality, args.email, DEMO_PASSWORD)
    if response.status_code not in (302, 303):
        raise SystemExit(f"login failed with {response.status_code}")
    year = next(r["year"] for r in browser.api("GET", "/rounds").json() if r["state"] == "open")
    questionnaire = browser.api("GET", f"/rounds/{year}/questionnaire").json()
    keys = [
        q["key"]
        for area in questionnaire["areas"]
        for q in area["questions"]
        if q["scope"] == "municipality" and q["type"] == "maturity"
    ][:10]
    timings = []
    for run in range(args.runs):
        level = 2 + run % 2
        batch = [{"question_key": k, "unit_id": None, "value": level} for k in keys]
        started = time.perf_counter()
        saved = browser.api("PUT", f"/rounds/{year}/answers", json={"answers": batch})
        timings.append(time.perf_counter() - started)
        if saved.status_code != 200:
            raise SystemExit(f"save failed: {saved.status_code} {saved.text}")
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"batches of {len(keys)} answers, {len(timings)} saves")
    print(f"median {statistics.median(timings) * 1000:.1f} ms   p99 {p99 * 1000:.1f} ms")


if __name__ == "__main__":
    main()
