"""Delegations of questions to colleagues by e-mailed link: review, reminders, digests."""
