"""The e-mail that tells a requester their report is ready, Danish first, then English.

It carries a link to the reports page, never the file: only a logged-in user of the right
municipality (or KL) can fetch a report. The mail service sends it.
"""

from __future__ import annotations

from html import escape

from services.reporting.texts import Texts

KIND = "report_ready"


def ready_mail(name: str, title: str, fmt: str, link: str) -> dict:
    """``{kind, subject, text, html}`` of a ``mail.queue_mail`` message."""
    da, en = Texts("da"), Texts("en")
    parts_text, parts_html = [], []
    for tx in (da, en):
        greeting = tx("mail.greeting", name=name)
        body = tx("mail.body", title=title, format=fmt.upper())
        footer = tx("mail.footer")
        parts_text.append(f"{greeting}\n\n{body}\n{link}\n\n{footer}")
        parts_html.append(
            f"<p>{escape(greeting)}</p><p>{escape(body)}</p>"
            f'<p><a href="{escape(link, quote=True)}">{escape(link)}</a></p>'
            f"<p><small>{escape(footer)}</small></p>"
        )
    return {
        "kind": KIND,
        "subject": da("mail.subject", title=title),
        "text": "\n\n-- English --\n\n".join(parts_text),
        "html": "<html><body>" + "<hr>".join(parts_html) + "</body></html>",
    }
