"""Accounts: creating users, uniqueness per municipality, the demo loader's ensure_user, CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from gateway import manage
from gateway.db import session_scope
from gateway.identity.accounts import (
    AccountError,
    create_user,
    ensure_user,
    ensure_user_in_database,
)
from gateway.identity.authentication import authenticate
from gateway.models import User


@pytest.fixture
def db(tmp_path):  # noqa: ANN001, ANN201
    with session_scope(f"sqlite:///{tmp_path}/accounts.db") as session:
        yield session


def new_user(db, **overrides):  # noqa: ANN001, ANN003, ANN201
    data = {
        "municipality_id": 101,
        "email": "Person@KK.dk",
        "name": "Person",
        "role": "coordinator",
        "password": "long enough password",
    }
    data.update(overrides)
    return create_user(db, **data)


def test_migration_creates_tables(db):
    tables = set(inspect(db.get_bind()).get_table_names())
    assert {"users", "login_attempts", "alembic_version"} <= tables


def test_create_user_hashes_with_argon2id_and_normalises_email(db):
    user = new_user(db)
    assert user.email == "person@kk.dk"
    assert user.password_hash.startswith("$argon2id$")
    assert "long enough password" not in user.password_hash
    assert user.active and user.language == "da"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "short"}, "password"),
        ({"role": "superuser"}, "role"),
        ({"municipality_id": None}, "municipality"),
        ({"role": "kl_analyst"}, "municipality"),
        ({"role": "unit_lead"}, "unit"),
        ({"email": "no-at-sign"}, "email"),
        ({"name": "  "}, "name"),
    ],
)
def test_create_user_refuses_bad_input(db, overrides, field):
    with pytest.raises(AccountError) as caught:
        new_user(db, **overrides)
    assert caught.value.field == field


def test_email_is_unique_per_municipality_only(db):
    new_user(db)
    with pytest.raises(AccountError):
        new_user(db, email="person@kk.dk")
    new_user(db, municipality_id=751)
    new_user(db, municipality_id=None, role="admin")
    with pytest.raises(AccountError):
        new_user(db, municipality_id=None, role="kl_analyst")


def test_ensure_user_is_idempotent(db):
    first = ensure_user(
        db,
        municipality_id=101,
        email="demo@kk.dk",
        name="Demo",
        role="respondent",
        password="first long passphrase",
    )
    second = ensure_user(
        db,
        municipality_id=101,
        email="DEMO@kk.dk",
        name="Other",
        role="coordinator",
        password="second long passphrase",
    )
    assert first.id == second.id
    assert second.role == "respondent"
    assert db.query(User).count() == 1


def test_authenticate_checks_municipality_and_activity(db):
    user = new_user(db)
    assert authenticate(db, 101, "person@kk.dk", "long enough password", "1.2.3.4").user is user
    assert authenticate(db, 751, "person@kk.dk", "long enough password", "1.2.3.4").user is None
    user.active = False
    assert authenticate(db, 101, "person@kk.dk", "long enough password", "1.2.3.4").user is None


def test_cli_creates_user(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/cli.db"
    code = manage.main(
        [
            "create-user",
            "--municipality",
            "101",
            "--email",
            "k@kk.dk",
            "--name",
            "Karen",
            "--role",
            "coordinator",
            "--password",
            "a long password",
            "--database-url",
            url,
        ]
    )
    assert code == 0
    assert "created user" in capsys.readouterr().out
    with session_scope(url) as db:
        assert db.query(User).one().name == "Karen"


def test_cli_refuses_short_password(tmp_path, capsys):
    code = manage.main(
        [
            "create-user",
            "--municipality",
            "kl",
            "--email",
            "a@kl.dk",
            "--name",
            "A",
            "--role",
            "kl_analyst",
            "--password",
            "short",
            "--database-url",
            f"sqlite:///{tmp_path}/cli.db",
        ]
    )
    assert code == 2
    assert "12 characters" in capsys.readouterr().err


def test_ensure_user_in_database_for_the_demo_loader(tmp_path):
    url = f"sqlite:///{tmp_path}/demo.db"
    data = {
        "municipality_id": 751,
        "email": "leder@aarhus.dk",
        "name": "Jonas",
        "role": "unit_lead",
        "password": "demo-sikkerhed-2026",
        "unit_id": 4,
    }
    first = ensure_user_in_database(database_url=url, **data)
    second = ensure_user_in_database(database_url=url, **data)
    assert first == second
    with session_scope(url) as db:
        assert db.query(User).one().unit_id == 4
