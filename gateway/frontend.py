"""Det Fælles Designsystem (DKFDS) served by the gateway from the npm package.

scripts/bootstrap (``npm ci``) puts the package in node_modules/; the image copies only its
built files (dist/ and package.json) to the same place. The URL carries the package version, so
a browser may keep the files for a year: an upgrade changes every URL.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory, url_for
from flask.typing import ResponseReturnValue

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "node_modules" / "dkfds"
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("dkfds", __name__)


def package_version(package_dir: Path = PACKAGE_DIR) -> str:
    """The installed DKFDS version; a clear start-up error when the package is missing."""
    manifest = package_dir / "package.json"
    if not (package_dir / "dist" / "css" / "dkfds.min.css").is_file() or not manifest.is_file():
        raise RuntimeError(
            f"Det Fælles Designsystem (npm package dkfds) is missing in {package_dir}: "
            "run scripts/bootstrap"
        )
    return json.loads(manifest.read_text())["version"]


@bp.get("/static/dkfds/<version>/<path:filename>")
def asset(version: str, filename: str) -> ResponseReturnValue:
    """A built DKFDS file (css, js, fonts, img); 404 for an old version's URL."""
    if version != current_app.config["DKFDS_VERSION"]:
        abort(404)
    response = send_from_directory(PACKAGE_DIR / "dist", filename, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


def dkfds_url(filename: str) -> str:
    """``dkfds_url('css/dkfds.min.css')`` in templates."""
    return url_for("dkfds.asset", version=current_app.config["DKFDS_VERSION"], filename=filename)


def init_app(app: Flask) -> None:
    app.config["DKFDS_VERSION"] = package_version()
    app.register_blueprint(bp)
    app.jinja_env.globals["dkfds_url"] = dkfds_url
    app.jinja_env.add_extension("jinja2.ext.do")
