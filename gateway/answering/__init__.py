"""Answering the questionnaire: reading the form, the page's filters, and saving."""
