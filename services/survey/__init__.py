"""The survey service: questionnaires, rounds, units, answers and their history."""
