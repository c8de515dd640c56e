"""Anonymised aggregates and peer groups (filled in by issue 4)."""
