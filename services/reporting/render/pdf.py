"""PDF through WeasyPrint: the print edition of the HTML, with the SVG charts drawn as vectors,
a cover, a table of contents with page numbers, and "Side n af m" on every page but the cover."""

from __future__ import annotations

import logging

from services.reporting.render import html

# WeasyPrint logs every layout step of every page at INFO; a run of 500 reports would drown the
# service's own log in it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render(document: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=html.render(document, for_print=True)).write_pdf()
