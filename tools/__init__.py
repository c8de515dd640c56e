"""Developer and operator tools: local run, demo data, process supervision for tests."""
