"""Renderers: one small module per file format, each reading the document of ``documents``.

``render(document, fmt)`` returns the file's bytes; ``FORMATS`` says what each format is.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def render(document: dict, fmt: str) -> bytes:
    """The report as a file of format ``fmt``; imports each renderer only when it is used."""
    if fmt == "pdf":
        from services.reporting.render import pdf

        return pdf.render(document)
    if fmt == "html":
        from services.reporting.render import html

        return html.render(document).encode("utf-8")
    if fmt == "docx":
        from services.reporting.render import docx

        return docx.render(document)
    if fmt == "xlsx":
        from services.reporting.render import xlsx

        return xlsx.render(document)
    if fmt == "csv":
        from services.reporting.render import raw

        return raw.render_csv(document)
    if fmt == "json":
        from services.reporting.render import raw

        return raw.render_json(document)
    raise ValueError(f"unknown format {fmt!r}")
