"""Password policy: at least 12 characters and not one that attackers try first.

The common-password list is zxcvbn's 30,000 most used passwords plus Danish words people build
passwords from. A password is refused when it, or its core without the digits and symbols people
tack on at either end ("Sommer2026!", "123456password"), is on the list, when it is one short
piece repeated ("abcabcabcabc"), or when it contains the person's own e-mail name. The rule is a
plain function so the pages, the CLI and the tests share it. Passwords are stored as argon2id
hashes made by ``hasher``.
"""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher

from services.common.localtime import MONTHS

# argon2id with argon2-cffi's default cost; the tests swap in a cheaper one here.
hasher = PasswordHasher()
MIN_LENGTH = 12
MAX_LENGTH = 256

DANISH_WORDS = frozenset(
    {
        "adgangskode",
        "kodeord",
        "password",
        "hemmelig",
        "sommer",
        "vinter",
        "foraar",
        "forår",
        "efteraar",
        "efterår",
        "velkommen",
        "kommune",
        "kommunen",
        "sikkerhed",
        "sikkerhedsbaseline",
        "baseline",
        "danmark",
        "københavn",
        "kobenhavn",
        "aarhus",
        "odense",
        "aalborg",
        *MONTHS["da"],
        "qwertyuiopå",
        "asdfghjklæø",
    }
)

MESSAGES = {
    "password.too_short": f"the password must have at least {MIN_LENGTH} characters",
    "password.too_long": f"the password must have at most {MAX_LENGTH} characters",
    "password.common": "the password is too common (or a common one with digits added)",
    "password.contains_email": "the password must not contain the e-mail address",
}

_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@functools.cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | DANISH_WORDS


def _is_repetition(text: str) -> bool:
    """One piece of at most 4 characters repeated, or a single run of digits."""
    for size in range(1, 5):
        piece = text[:size]
        if piece and len(text) % size == 0 and piece * (len(text) // size) == text:
            return True
    return text.isdigit()


def problem(password: str, email: str = "") -> str | None:
    """Why the password is refused (a key of the i18n catalog), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    if len(password) > MAX_LENGTH:
        return "password.too_long"
    lowered = password.lower()
    core = _EDGES.sub("", lowered)
    known = common_passwords()
    if lowered in known or core in known or core.replace(" ", "") in known:
        return "password.common"
    if _is_repetition(lowered) or (core and _is_repetition(core) and len(core) < MIN_LENGTH // 2):
        return "password.common"
    local = email.strip().lower().split("@", 1)[0]
    if len(local) >= 4 and local in lowered:
        return "password.contains_email"
    return None
