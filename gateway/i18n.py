"""Every text of the user interface, Danish first, English second, and how values are shown.

The texts live in gettext catalogues, ``gateway/translations/<lang>/LC_MESSAGES/messages.po``,
read through Flask-Babel with the request's language as its locale. Templates call
``_('key', name=...)``; Python code calls ``t('key', ...)``. Both catalogues have the same keys
(a test checks it). Questionnaire texts come as ``{"da": ..., "en": ...}`` and are shown with
the ``loc`` filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, gettext
from jinja2 import Undefined

from services.common.catalogs import Catalogs
from services.common.localtime import LOCAL_TIME

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_COOKIE = "sprog"

TRANSLATIONS = Path(__file__).parent / "translations"
CATALOGS = Catalogs(TRANSLATIONS)


def current_language() -> str:
    if has_request_context():
        return g.get("lang", DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **values: Any) -> str:
    """The text for ``key`` in the current language (Flask-Babel's catalogue for the request),
    or in ``lang`` when a text must be in a language of its own (e-mails, downloads)."""
    if lang is None and has_request_context():
        text = gettext(key)
        if text == key:
            text = CATALOGS.raw(key, DEFAULT_LANGUAGE)
    else:
        text = CATALOGS.raw(key, lang or current_language())
    return text.format(**values) if values else text


def has_text(key: str) -> bool:
    return CATALOGS.raw(key, DEFAULT_LANGUAGE) != key


def keys(lang: str) -> set[str]:
    """Every key of one language's catalogue."""
    return CATALOGS.keys(lang)


def choose_language() -> None:
    """Session choice, then the cookie, then the user's saved preference, then Danish."""
    candidates = [session.get("lang"), request.cookies.get(LANGUAGE_COOKIE)]
    user = g.get("user")
    if user is not None:
        candidates.append(user.language)
    g.lang = next((c for c in candidates if c in LANGUAGES), DEFAULT_LANGUAGE)


def localized(value: Any) -> str:
    """A questionnaire text ``{"da", "en"}`` in the current language (Danish as fallback)."""
    if isinstance(value, dict):
        return value.get(current_language()) or value.get("da") or next(iter(value.values()), "")
    return "" if value is None else str(value)


def _decimal(text: str) -> str:
    return text.replace(".", ",") if current_language() == "da" else text


def _missing(value: Any) -> bool:
    return value is None or isinstance(value, Undefined)


def format_score(value: Any) -> str:
    """Scores with one decimal, Danish decimal comma; "–" when there is none."""
    if _missing(value):
        return "–"
    return _decimal(f"{float(value):.1f}")


def format_level(value: Any) -> str:
    """The acceptable level: "3", not "3,0"."""
    if not _missing(value) and float(value).is_integer():
        return str(int(value))
    return format_score(value)


def format_percent(value: Any) -> str:
    """Completeness 0..1 as a whole percentage."""
    if _missing(value):
        return "–"
    return f"{round(float(value) * 100)} %"


def format_ratio(pair: tuple[int, int]) -> str:
    answered, expected = pair
    return format_percent(answered / expected if expected else None)


def format_number(value: Any) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float) and not value.is_integer():
        return _decimal(f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u00a0"))
    return f"{int(value):,}".replace(",", "." if current_language() == "da" else ",")


def format_number_input(value: Any) -> str:
    """What goes back into a number field: as typed, or the saved number in local notation."""
    if _missing(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return _decimal(text)


def format_datetime(value: Any) -> str:
    """ISO timestamps from the services (UTC) in Danish local time."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(LOCAL_TIME)
    date = local.strftime("%d.%m.%Y" if current_language() == "da" else "%d %b %Y")
    return t("time.at", date=date, time=local.strftime("%H:%M"))


def actor_name(value: Any) -> str:
    """The name of whoever did something, whether given as a name, an actor or a change."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("actor_name", "answered_by", "name"):
            if isinstance(value.get(key), str):
                return value[key]
        actor = value.get("actor")
        if isinstance(actor, dict | str):
            return actor_name(actor)
    return "–"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=current_language)
    app.before_request(choose_language)
    app.jinja_env.globals["_"] = t
    app.jinja_env.filters.update(
        loc=localized,
        score=format_score,
        level=format_level,
        percent=format_percent,
        ratio=format_ratio,
        number=format_number,
        number_input=format_number_input,
        datetime=format_datetime,
        actor_name=actor_name,
    )

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {"lang": current_language()}
