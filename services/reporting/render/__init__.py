"""Renderers: one small module per file format, each reading the document of ``documents``.

``render(document, fmt)`` returns the file's bytes; what each format is (extension, content
type) is ``services.common.report_options.FORMATS``, shared with the gateway.
"""

from __future__ import annotations


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
