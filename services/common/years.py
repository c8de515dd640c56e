"""The years a round can have: one range for the questionnaire format, the API and the URLs."""

FIRST_YEAR = 2000
LAST_YEAR = 2100


def is_round_year(value: int) -> bool:
    return FIRST_YEAR <= value <= LAST_YEAR
