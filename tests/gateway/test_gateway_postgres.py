"""The gateway's migrations and account rules on PostgreSQL, as deployed."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from gateway.db import session_scope
from gateway.identity.accounts import AccountError, create_user
from gateway.identity.authentication import authenticate
from gateway.models import User

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def pg_url():  # noqa: ANN201
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"sbtest_gateway_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.integration
def test_migrations_and_accounts_on_postgresql(pg_url):
    with session_scope(pg_url) as db:
        user = create_user(
            db,
            municipality_id=None,
            email="a@kl.dk",
            name="A",
            role="admin",
            password="long enough password",
        )
        with pytest.raises(AccountError):
            create_user(
                db,
                municipality_id=None,
                email="A@kl.dk",
                name="B",
                role="kl_analyst",
                password="long enough password",
            )
        result = authenticate(db, None, "a@kl.dk", "long enough password", "127.0.0.1")
        assert result.user is user
    with session_scope(pg_url) as db:
        version = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == "0005"
        db.add(User(email="a@kl.dk", name="Dup", role="kl_analyst", password_hash="x"))
        with pytest.raises(IntegrityError):
            db.flush()
        db.rollback()
    with session_scope(pg_url) as db:
        for email in ("a@aarhus.dk", "b@aarhus.dk"):
            db.add(
                User(
                    municipality_id=751,
                    email=email,
                    name="SSO",
                    role="respondent",
                    password_hash="!sso",
                    oidc_subject="https://idp.example sub-1",
                )
            )
        with pytest.raises(IntegrityError):
            db.flush()
        db.rollback()
