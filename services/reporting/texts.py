"""Every word of the reports and their e-mail, Danish first, English on request.

Pure. The texts are gettext catalogues in ``services/reporting/translations`` (msgid = key).
``Texts(lang)("key", name=...)`` gives the text; a missing key raises, so a report never shows a
key instead of a sentence (both catalogues have the same keys; a test checks it).
Questionnaire texts come as ``{"da": ..., "en": ...}`` and go through ``Texts.loc``.
"""

from __future__ import annotations

from pathlib import Path

from services.common.catalogs import LANGUAGES, Catalogs

CATALOGS = Catalogs(Path(__file__).parent / "translations")


class Texts:
    """The texts of one report in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "da"

    def __call__(self, key: str, **values: object) -> str:
        text = CATALOGS.get(key, self.lang)
        if text is None:
            raise KeyError(f"report text {key!r} is missing in the {self.lang} catalogue")
        return text.format(**values) if values else text

    def loc(self, value: object) -> str:
        """A questionnaire text ``{"da", "en"}`` in this language, Danish as the fallback."""
        if isinstance(value, dict):
            return str(value.get(self.lang) or value.get("da") or next(iter(value.values()), ""))
        return "" if value is None else str(value)

    def labels(self) -> dict[str, str]:
        """The renderers' own words, carried inside the document."""
        return {
            key.removeprefix("render."): self(key)
            for key in CATALOGS.keys(self.lang)
            if key.startswith("render.")
        }
