"""HTML: the report as one self-contained page (inline CSS and SVG, no script), for the browser
and, with ``for_print``, as WeasyPrint's input for the PDF (cover, contents, page numbers)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from services.reporting import formatting

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _svg(markup: str) -> Markup:
    """A chart from services.common.charts, which escapes every text it draws."""
    return Markup(markup)  # noqa: S704 - built by charts.py, which escapes all text


def render(document: dict, for_print: bool = False) -> str:
    lang = document["language"]
    return _env.get_template("report.html").render(
        doc=document,
        lang=lang,
        for_print=for_print,
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        cell=lambda value, kind: formatting.cell(value, kind, lang),
        svg=_svg,
    )
