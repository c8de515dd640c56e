"""Does asking for a password reset take longer for an existing account than for an unknown one?

    .venv/bin/python -m bench.forgot_timing --pairs 100

The answer page and status are the same either way, so the time is all an attacker could use to
learn which e-mail addresses have accounts (ASVS 5.0 V6.3.8). The bench sends ``pairs``
interleaved pairs of ``POST /glemt-adgangskode`` to a gateway: one for an account that exists,
one for an address that does not, the order swapped every pair so that neither side always runs
second. Each request comes from its own address (``X-Forwarded-For`` behind one trusted proxy)
and each account is asked for once, so the reset limit of three an hour never answers instead.
A timing test belongs here, not in the unit tests: the machine is noisy, and only medians and
their ratio over many pairs say anything. ``python -m bench`` runs it too (``measure``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests

from tests.support.http import CSRF_FIELD

PATH = "/glemt-adgangskode"
WARM_UP = 5
PASSWORD = "bench password that nobody guesses"  # noqa: S105 - a throwaway bench account


def existing_emails(pairs: int) -> list[str]:
    """The accounts ``measure`` asks for: one per pair and per warm-up."""
    return [f"reset.{n}@bench.dk" for n in range(pairs + WARM_UP)]


def add_accounts(database_url: str, municipality: int, pairs: int) -> None:
    """The accounts of ``existing_emails`` in the gateway's database, in one session."""
    from gateway.db import session_scope
    from gateway.identity.accounts import ensure_user

    with session_scope(database_url) as db:
        for email in existing_emails(pairs):
            ensure_user(
                db,
                municipality_id=municipality,
                email=email,
                name="Bench",
                role="respondent",
                password=PASSWORD,
            )


def issued_links(database_url: str) -> int:
    """Reset links of the bench's accounts in the gateway's database."""
    from sqlalchemy import create_engine, func, select

    from gateway.models import AccountToken, User

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(func.count())
                .select_from(AccountToken)
                .join(User, User.id == AccountToken.user_id)
                .where(AccountToken.purpose == "reset", User.email.like("reset.%@bench.dk"))
            )
    finally:
        engine.dispose()


def check_links(database_url: str, pairs: int, wait: float = 10.0) -> int:
    """One link per existing account asked for (links may be issued after the answer), or the
    bench measured the reset limit instead of the work, and says so."""
    expected = pairs + WARM_UP
    deadline = time.monotonic() + wait
    while (found := issued_links(database_url)) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    if found != expected:
        raise SystemExit(f"{found} reset links for {expected} requests: the bench measured nothing")
    return found


def _timed_post(session: requests.Session, url: str, form: dict, address: str) -> float:
    started = time.perf_counter()
    response = session.post(
        url, data=form, headers={"X-Forwarded-For": address}, allow_redirects=False, timeout=30
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"{PATH} answered {response.status_code}, not a redirect")
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(base_url: str, database_url: str, municipality: int, pairs: int) -> dict:
    """Medians and 90th percentiles (seconds) of both sides over ``pairs`` pairs, after a few
    unmeasured ones; the accounts of ``existing_emails(pairs)`` must exist in ``municipality``
    (``add_accounts``), and each must have got its link by the end."""
    session = requests.Session()
    url = f"{base_url.rstrip('/')}{PATH}"
    page = session.get(url, timeout=30)
    token = CSRF_FIELD.search(page.text)
    if token is None:
        raise SystemExit(f"no CSRF field on {PATH}")
    emails = existing_emails(pairs)
    times: dict[str, list[float]] = {"existing": [], "unknown": []}
    for n, email in enumerate(emails):
        sides = [("existing", email), ("unknown", f"nobody.{n}@bench.dk")]
        if n % 2:
            sides.reverse()
        for side, address in sides:
            form = {"municipality": str(municipality), "email": address, "csrf_token": token[1]}
            ip = f"10.{n // 250}.{n % 250}.{1 if side == 'existing' else 2}"
            elapsed = _timed_post(session, url, form, ip)
            if n >= WARM_UP:
                times[side].append(elapsed)
    existing, unknown = times["existing"], times["unknown"]
    links = check_links(database_url, pairs)
    return {
        "pairs": pairs,
        "existing_median": statistics.median(existing),
        "existing_p90": percentile(existing, 0.9),
        "unknown_median": statistics.median(unknown),
        "unknown_p90": percentile(unknown, 0.9),
        "ratio": statistics.median(existing) / statistics.median(unknown),
        "existing_slower": sum(e > u for e, u in zip(existing, unknown, strict=True)),
        "links_issued": links,
    }


def summary(row: dict) -> str:
    return (
        f"{row['pairs']} pairs: existing median {row['existing_median'] * 1000:.1f} ms, "
        f"p90 {row['existing_p90'] * 1000:.1f} ms; unknown median "
        f"{row['unknown_median'] * 1000:.1f} ms, p90 {row['unknown_p90'] * 1000:.1f} ms; "
        f"existing ÷ unknown {row['ratio']:.2f}×; existing slower in "
        f"{row['existing_slower']} of {row['pairs']} pairs"
    )


def main(argv: list[str] | None = None) -> int:
    """Start a private platform (survey, delegation, gateway), add the accounts, measure."""
    from bench.platform import BenchPlatform

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--municipality", type=int, default=101)
    args = parser.parse_args(argv)
    bench = BenchPlatform(services=("survey", "delegation"))
    try:
        print("Starting a private platform ...", flush=True)
        bench.start()
        database_url = bench.env["DATABASE_URL_GATEWAY"]
        add_accounts(database_url, args.municipality, args.pairs)
        print(summary(measure(bench.base_url, database_url, args.municipality, args.pairs)))
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
