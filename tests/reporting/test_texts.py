"""The reports' texts: both catalogues have every key, and a missing text is an error that
names the key rather than a key shown to a reader."""

import pytest

from services.reporting import texts


def test_both_languages_have_every_text():
    assert texts.CATALOGS.keys("da") == texts.CATALOGS.keys("en")
    assert all(
        texts.Texts(lang)(key).strip() for lang in ("da", "en") for key in texts.CATALOGS.keys(lang)
    )


def test_a_missing_text_is_an_error_naming_the_key():
    with pytest.raises(KeyError, match="no.such.text"):
        texts.Texts("en")("no.such.text")
