"""The exact lists a questionnaire may cite: CIS Controls v8, ISO/IEC 27001:2022 and NIS2.

Data, not rules: every reference a question may carry is spelled out here in the notation the
questionnaire files use, so a check is a lookup and "7.99", "5.0", a bare "14" or "A.5.01" are
simply not in the list. ``references.py`` turns a miss into a message.

* CIS Controls v8 (May 2021): 18 controls, 153 safeguards, written ``"14.1"``.
* ISO/IEC 27001:2022 (October 2022): Annex A's 93 controls, written ``"A.5.15"``, and the
  clauses 4 to 10 of the standard itself, written ``"6.1.2"`` (no ``A.``).
* NIS2, Directive (EU) 2022/2555 (December 2022): an article ``"23"`` (1 to 46), and for the
  articles the questionnaire uses in detail a paragraph ``"23(4)"`` and a letter ``"23(4)(a)"``.

A framework may be cited from the questionnaire year in ``FIRST_CITABLE_YEAR`` on: the first
yearly round after it was published.

Pure module: the standard library only.
"""

from __future__ import annotations

# Safeguards per CIS Controls v8 control; 153 in all.
CIS_SAFEGUARD_COUNTS = {
    1: 5,
    2: 7,
    3: 14,
    4: 12,
    5: 6,
    6: 8,
    7: 7,
    8: 12,
    9: 7,
    10: 7,
    11: 5,
    12: 8,
    13: 11,
    14: 9,
    15: 7,
    16: 14,
    17: 9,
    18: 5,
}
CIS_SAFEGUARDS = tuple(
    f"{control}.{number}"
    for control, count in CIS_SAFEGUARD_COUNTS.items()
    for number in range(1, count + 1)
)

# Controls per theme of ISO/IEC 27001:2022 Annex A (organisational, people, physical,
# technological); 93 in all.
ISO_ANNEX_A_THEME_SIZES = {5: 37, 6: 8, 7: 14, 8: 34}
ISO_ANNEX_A = tuple(
    f"A.{theme}.{number}"
    for theme, size in ISO_ANNEX_A_THEME_SIZES.items()
    for number in range(1, size + 1)
)

# The requirement clauses 4 to 10 of ISO/IEC 27001:2022 down to the level the standard numbers.
ISO_CLAUSES = (
    *("4.1", "4.2", "4.3", "4.4"),
    *("5.1", "5.2", "5.3"),
    *("6.1", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3"),
    *("7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3"),
    *("8.1", "8.2", "8.3"),
    *("9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3"),
    *("10.1", "10.2"),
)

NIS2_ARTICLES = 46
# The paragraphs of NIS2 that may be cited on their own, with the letters each has (if any):
# art. 20 management accountability, art. 21(2) the risk-management measures, art. 23
# reporting obligations with the deadlines of 23(4).
NIS2_PARAGRAPHS: dict[int, dict[int, str]] = {
    20: {1: "", 2: ""},
    21: {2: "abcdefghij"},
    23: {1: "", 2: "", 3: "", 4: "abcde"},
}
NIS2_REFERENCES = (
    *(str(article) for article in range(1, NIS2_ARTICLES + 1)),
    *(
        ref
        for article, paragraphs in NIS2_PARAGRAPHS.items()
        for paragraph, letters in paragraphs.items()
        for ref in (
            f"{article}({paragraph})",
            *(f"{article}({paragraph})({letter})" for letter in letters),
        )
    ),
)

# Each framework with its name for messages and the first questionnaire year that may cite it.
FRAMEWORK_NAMES = {
    "iso27001": "ISO/IEC 27001:2022",
    "nis2": "NIS2 (Directive (EU) 2022/2555)",
    "cis": "CIS Controls v8",
}
PUBLISHED = {"iso27001": "October 2022", "nis2": "December 2022", "cis": "May 2021"}
FIRST_CITABLE_YEAR = {"iso27001": 2023, "nis2": 2023, "cis": 2021}
