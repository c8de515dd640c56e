"""Time assembling and rendering one municipality report, without services.

``.venv/bin/python -m bench.report_build [--count 15] [--format pdf]`` computes the sources of
real demo municipalities offline (the same pure modules the services use, as in the reporting
tests), then times ``assemble`` + ``render`` per municipality and prints the median and the
spread. This is the part of a build that runs in the reporting worker's CPU; ``bench.annual_run``
measures whole builds including the RPC calls.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from services.common.report_options import FORMATS
from services.reporting.assembly import assemble
from services.reporting.render import render
from tests.reporting import samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=15)
    parser.add_argument("--format", default="pdf", choices=list(FORMATS))
    parser.add_argument("--kind", default="municipality", choices=["municipality", "unit"])
    args = parser.parse_args(argv)
    ids = sorted(samples.municipalities())[: args.count]
    print(f"Computing sources for {len(ids)} demo municipalities ...")
    sources = [
        samples.municipality_sources(i) if args.kind == "municipality" else samples.unit_sources(i)
        for i in ids
    ]
    render(assemble(args.kind, sources[0], "da", datetime.now(UTC)), args.format)  # warm fonts
    timings, sizes = [], []
    for found in sources:
        started = time.perf_counter()
        data = render(assemble(args.kind, found, "da", datetime.now(UTC)), args.format)
        timings.append(time.perf_counter() - started)
        sizes.append(len(data))
    print(
        f"{args.kind} report as {args.format.upper()}: median {statistics.median(timings):.2f} s, "
        f"min {min(timings):.2f} s, max {max(timings):.2f} s over {len(timings)} builds; "
        f"median size {statistics.median(sizes) / 1024:.0f} kB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
