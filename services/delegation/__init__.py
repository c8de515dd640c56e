"""Delegations of questions to colleagues by e-mailed link (filled in by issue 3)."""
