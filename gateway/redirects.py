"""Where a ``next=`` may send the browser: the one check every redirect target passes.

A target is followed only when it is a path on this site. In plain words, it must:

- be text of at most 2,000 characters starting with exactly one ``/`` (``//host`` and ``/\\host``
  are another host to a browser: scheme-relative);
- hold no backslash anywhere (browsers read ``\\`` as ``/``);
- hold no control, format or separator character (tab, newline, carriage return, NUL, zero-width
  or other invisible characters, any Unicode space): browsers and werkzeug drop tab and newline
  from URLs, so ``/<tab>/evil.example`` became ``//evil.example``, and a newline in a
  ``Location`` header is a crash;
- still be a single-slash path after Unicode compatibility folding (NFKC), so a fullwidth
  ``／`` or a ``．`` cannot become ``/`` or ``.`` in some client;
- have neither a scheme nor a host when parsed as a URL (``http:``, ``javascript:``).

Anything else is not followed; the caller goes to its own default page instead. No framework
here, so the rules can be tested on their own (``tests/gateway/test_safe_redirect.py``).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_TARGET_LENGTH = 2000
_INVISIBLE_CATEGORIES = ("C", "Z")


def safe_next(target: object) -> str | None:
    """``target`` when it is a path on this site, else None."""
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET_LENGTH:
        return None
    folded = unicodedata.normalize("NFKC", target)
    for form in (target, folded):
        if "\\" in form or any(_invisible(char) for char in form):
            return None
        if not form.startswith("/") or form[1:2] == "/":
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target


def _invisible(char: str) -> bool:
    """Control (Cc), format (Cf), unassigned and private (Cn, Co), surrogate (Cs), and every
    space or line separator (Z*), the plain space included."""
    return unicodedata.category(char)[0] in _INVISIBLE_CATEGORIES
