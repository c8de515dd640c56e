"""What a report can be asked for: its kinds, file formats and languages.

The gateway validates a request against these before it calls reporting, and reporting checks
the same request again as the owner of reports; one definition, so the two never disagree about
what can be ordered (and the gateway needs nothing from reporting's package).

Reports come in the languages of the message catalogues (``catalogs.LANGUAGES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.catalogs import (
    LANGUAGES,  # noqa: F401 - reports speak the catalogues' languages
)

MUNICIPAL_KINDS = ("municipality", "unit")


@dataclass(frozen=True)
class Format:
    key: str
    extension: str
    content_type: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("pdf", "pdf", "application/pdf"),
        Format("html", "html", "text/html; charset=utf-8"),
        Format(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Format("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Format("csv", "csv", "text/csv; charset=utf-8"),
        Format("json", "json", "application/json"),
    )
}
