"""The web pages, one blueprint per page family."""

from __future__ import annotations

from flask import Flask

from gateway.pages import admin, answering, dashboard, guide, history, kl, language, scores, units


def register_pages(app: Flask) -> None:
    for module in (dashboard, units, answering, scores, history, kl, language, admin, guide):
        app.register_blueprint(module.bp)
