"""A user's browser, reduced to what tests need: cookies, the CSRF token, JSON calls."""

from __future__ import annotations

import re

import requests

CSRF_FIELD = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


class Browser:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.csrf: str | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url(path), timeout=15, **kwargs)

    def form_token(self, path: str) -> str:
        page = self.get(path)
        match = CSRF_FIELD.search(page.text)
        assert match, f"no CSRF field on {path}"
        return match.group(1)

    def post_form(self, path: str, data: dict, token_from: str | None = None) -> requests.Response:
        token = self.form_token(token_from or path)
        return self.session.post(
            self.url(path), data={**data, "csrf_token": token}, timeout=15, allow_redirects=False
        )

    def login(self, municipality: int | str, email: str, password: str) -> requests.Response:
        response = self.post_form(
            "/login", {"municipality": str(municipality), "email": email, "password": password}
        )
        if response.status_code in (302, 303):
            self.csrf = self.get("/api/v1/me").json()["csrf_token"]
        return response

    def api(self, method: str, path: str, json=None, data=None, headers=None):  # noqa: ANN001
        sent = {"X-CSRF-Token": self.csrf or "", **(headers or {})}
        if json is not None:
            sent.setdefault("Content-Type", "application/json")
        return self.session.request(
            method, self.url(f"/api/v1{path}"), json=json, data=data, headers=sent, timeout=15
        )
