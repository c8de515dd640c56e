"""Message catalogues: compiled from .po when stale, Danish fallback, visible gaps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.common.catalogs import Catalogs, compile_folder, po_path

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def write(folder: Path, lang: str, entries: dict[str, str]) -> Path:
    path = po_path(folder, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{key}"\nmsgstr "{text}"\n\n' for key, text in entries.items())
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path):
    write(tmp_path, "da", {"greeting": "Hej {name}", "only.da": "Kun dansk"})
    write(tmp_path, "en", {"greeting": "Hello {name}"})
    return tmp_path


def test_texts_in_each_language_with_placeholders(folder):
    catalogs = Catalogs(folder)
    assert catalogs.text("greeting", "da", name="Karin") == "Hej Karin"
    assert catalogs.text("greeting", "en", name="Karin") == "Hello Karin"


def test_a_missing_english_text_falls_back_to_danish_and_an_unknown_key_shows_itself(folder):
    catalogs = Catalogs(folder)
    assert catalogs.text("only.da", "en") == "Kun dansk"
    assert catalogs.text("no.such.key", "en") == "no.such.key"
    assert catalogs.keys("da") == {"greeting", "only.da"}


def test_an_edited_po_file_is_compiled_again(folder):
    assert compile_folder(folder) != []
    assert compile_folder(folder) == []
    po = write(folder, "en", {"greeting": "Hi {name}"})
    later = po.with_suffix(".mo").stat().st_mtime + 5
    os.utime(po, (later, later))
    assert Catalogs(folder).text("greeting", "en", name="Bo") == "Hi Bo"


def test_a_missing_catalogue_is_named(tmp_path):
    write(tmp_path, "da", {"a": "b"})
    with pytest.raises(FileNotFoundError, match="en/LC_MESSAGES/messages.po"):
        Catalogs(tmp_path)
