"""Message catalogues: every text of pages, e-mails and reports in gettext .po files.

Each component keeps ``translations/<lang>/LC_MESSAGES/messages.po`` (the gateway's are also
what Flask-Babel reads). Message ids are symbolic keys (``nav.dashboard``), so a wording can
change in one language without touching code or the other language; values use ``{name}``
placeholders. Danish is the source language: a key missing in English falls back to Danish, and
a key missing everywhere shows as itself so that a gap is visible, never a crash.

The .po files are the only source in git; compiled .mo files are made from them when missing or
older (at start, or by ``python -m services.common.catalogs`` in an image build).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("da", "en")
SOURCE_LANGUAGE = "da"
DOMAIN = "messages"
FOLDERS = (
    "gateway/translations",
    "services/mail/translations",
    "services/reporting/translations",
)


def po_path(folder: Path, lang: str) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_folder(folder: Path) -> list[Path]:
    """Compile every language's .po whose .mo is missing or older; the .mo files written."""
    written = []
    for lang in LANGUAGES:
        po = po_path(folder, lang)
        mo = po.with_suffix(".mo")
        if not po.exists():
            raise FileNotFoundError(f"message catalogue missing: {po}")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=lang)
        try:
            with mo.open("wb") as target:
                write_mo(target, catalog)
        except OSError as error:
            raise RuntimeError(
                f"{mo} is older than {po} and cannot be rewritten ({error}); "
                "run `python -m services.common.catalogs` where the code is installed"
            ) from error
        written.append(mo)
    return written


class Catalogs:
    """One component's texts in every language."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        compile_folder(self.folder)
        self.translations = {
            lang: Translations.load(str(self.folder), [lang], DOMAIN) for lang in LANGUAGES
        }
        self._keys = {lang: _read_keys(po_path(self.folder, lang)) for lang in LANGUAGES}

    def get(self, key: str, lang: str) -> str | None:
        """The text in exactly this language, or None when that catalogue lacks the key."""
        if key not in self._keys.get(lang, ()):
            return None
        return self.translations[lang].gettext(key)

    def raw(self, key: str, lang: str) -> str:
        """The text before placeholders are filled; Danish, then the key, when missing."""
        for candidate in (lang, SOURCE_LANGUAGE):
            translations = self.translations.get(candidate)
            if translations is None:
                continue
            text = translations.gettext(key)
            if text != key:
                return text
        return key

    def text(self, key: str, lang: str, **values: object) -> str:
        text = self.raw(key, lang)
        return text.format(**values) if values else text

    def keys(self, lang: str) -> set[str]:
        return set(self._keys[lang])


def _read_keys(po: Path) -> frozenset[str]:
    with po.open("rb") as source:
        return frozenset(message.id for message in read_po(source) if message.id)


def main(argv: list[str]) -> int:
    """Compile the catalogues of every component (for an image build or a read-only install)."""
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    for folder in FOLDERS:
        for written in compile_folder(root / folder):
            print(f"compiled {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
