"""Benchmark tests: fast service timers."""

import os

os.environ.setdefault("BENCHMARK_REFRESH_SECONDS", "1")
os.environ.setdefault("BENCHMARK_RECONCILE_SECONDS", "2")
