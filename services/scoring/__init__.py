"""Scoring service: turns a municipality's answers into area and overall maturity scores."""
