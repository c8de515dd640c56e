"""Anonymised benchmarks per round: fixed peer groups, disclosure control, KL's development."""
