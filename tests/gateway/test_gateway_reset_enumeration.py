"""Asking for a password reset must not tell whether the account exists, not even by its time
(ASVS 5.0 V6.3.8). Timing itself is measured in ``bench/forgot_timing.py`` (a noisy machine
makes timed unit tests flaky); this test proves the reason the times agree: the request's own
thread does exactly the same SQL and the same service calls for both, and the work that differs
happens afterwards in ``gateway.background``."""

from __future__ import annotations

import threading

from sqlalchemy import event

from gateway.background import Background
from tests.gateway.conftest import csrf_of


def ask(app, fake_rpc, monkeypatch, email: str) -> tuple[list, list, object]:  # noqa: ANN001
    """(work in the request's thread, work in other threads, the answer) for one request."""
    client = app.test_client()
    token = csrf_of(client)
    here = threading.get_ident()
    mine: list = []
    others: list = []

    def record(item: tuple) -> None:
        (mine if threading.get_ident() == here else others).append(item)

    def statement(conn, cursor, sql, params, context, many) -> None:  # noqa: ANN001
        record(("sql", sql))

    engine = app.extensions["gateway_db"].kw["bind"]
    original = fake_rpc.call

    def call(service: str, method: str, *args: object, **kwargs: object) -> object:
        record(("rpc", service, method))
        return original(service, method, *args, **kwargs)

    monkeypatch.setattr(fake_rpc, "call", call)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        answer = client.post(
            "/glemt-adgangskode",
            data={"municipality": "101", "email": email, "csrf_token": token},
        )
        app.extensions["background"].join()
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        monkeypatch.setattr(fake_rpc, "call", original)
    return mine, others, answer


def test_the_request_does_the_same_work_for_an_existing_and_an_unknown_account(
    app, fake_rpc, monkeypatch
):
    existing, existing_after, existing_answer = ask(app, fake_rpc, monkeypatch, "besvarer@kk.dk")
    unknown, unknown_after, unknown_answer = ask(app, fake_rpc, monkeypatch, "nej@kk.dk")

    assert existing == unknown
    assert (existing_answer.status_code, existing_answer.location) == (
        unknown_answer.status_code,
        unknown_answer.location,
    )
    assert ("rpc", "mail", "queue_mail") in existing_after
    assert ("rpc", "mail", "queue_mail") not in unknown_after
    assert [m["to"] for m in fake_rpc.services["mail"].account_mails] == ["besvarer@kk.dk"]


def test_a_failing_background_job_is_logged_and_the_next_one_still_runs(app, caplog):
    worker = app.extensions["background"]
    done = []

    def broken() -> None:
        raise RuntimeError("the mail service said no")

    worker.submit(broken)
    worker.submit(lambda: done.append(True))
    worker.join()
    assert done == [True]
    assert "background job broken failed" in caplog.text


def test_a_full_queue_drops_the_job_and_says_so(app, caplog):
    worker = Background(app, size=1)
    started, release = threading.Event(), threading.Event()

    def busy() -> None:
        started.set()
        release.wait(5)

    assert worker.submit(busy)
    assert started.wait(5)
    assert worker.submit(lambda: None)
    assert not worker.submit(lambda: None)
    release.set()
    worker.join()
    assert "background queue full" in caplog.text
