"""The providers file and the mapping of claims to a platform user (identity/sso.py, pure)."""

from __future__ import annotations

import pytest

from gateway.identity.sso import (
    DEFAULT_SCOPES,
    ConfigError,
    Refused,
    load_providers,
    map_claims,
    parse_providers,
)

ENV = {"SECRET_AARHUS": "hemmelig"}


def entry(**changes: object) -> dict:
    base = {
        "name": "Aarhus Kommunes login",
        "issuer": "https://login.aarhus.dk/realms/baseline",
        "client_id": "sikkerhedsbaseline",
        "client_secret_env": "SECRET_AARHUS",
        "role_claim": "groups",
        "roles": {
            "SB-Koordinator": "coordinator",
            "SB-Besvarer": "respondent",
            "SB-Leder-IT": {"role": "unit_lead", "unit_id": 12},
        },
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def provider(**changes: object):  # noqa: ANN201
    return parse_providers({"municipalities": {751: entry(**changes)}}, ENV)[751]


CLAIMS = {"sub": "abc", "email": "Kari@Aarhus.dk", "name": "Kari", "groups": ["SB-Besvarer"]}


def test_a_full_entry_is_read_with_defaults():
    p = provider()
    assert (p.municipality_id, p.client_secret, p.scopes) == (751, "hemmelig", DEFAULT_SCOPES)
    assert (
        p.metadata_url == "https://login.aarhus.dk/realms/baseline/.well-known/openid-configuration"
    )
    assert p.password_login is False and p.email_claim == "email"
    assert "hemmelig" not in repr(p)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"roles": {"KL": "kl_analyst"}}, "KL and admin roles are never given"),
        ({"roles": {"Admins": "admin"}}, "KL and admin roles are never given"),
        ({"roles": {"Ledere": "unit_lead"}}, "a unit_lead needs 'unit_id'"),
        ({"roles": {}}, "'roles' must map"),
        ({"client_secret_env": "NOT_SET"}, "environment variable NOT_SET"),
        ({"issuer": "http://login.aarhus.dk"}, "must be an https:// address"),
        ({"issuer": None}, "'issuer' must be a non-empty text"),
        ({"scopes": ["email"]}, "includes openid"),
    ],
)
def test_a_wrong_entry_names_the_municipality_and_the_key(changes, message):
    with pytest.raises(ConfigError, match="municipality 751") as error:
        provider(**changes)
    assert message in str(error.value)


def test_plain_http_is_allowed_to_this_machine_only():
    assert provider(issuer="http://127.0.0.1:8080").issuer == "http://127.0.0.1:8080"


def test_keys_must_be_kommunekoder(tmp_path):
    with pytest.raises(ConfigError, match="not a kommunekode"):
        parse_providers({"municipalities": {"aarhus": entry()}}, ENV)
    with pytest.raises(ConfigError, match="'municipalities' mapping"):
        parse_providers({"751": entry()}, ENV)
    path = tmp_path / "oidc.yaml"
    path.write_text("municipalities:\n  751: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML or JSON"):
        load_providers(path, ENV)


def test_claims_map_to_the_identity_with_the_strongest_role():
    identity = map_claims(provider(), {**CLAIMS, "groups": ["SB-Besvarer", "SB-Koordinator"]})
    assert identity.email == "kari@aarhus.dk"
    assert identity.role == "coordinator" and identity.unit_id is None
    assert identity.subject == "https://login.aarhus.dk/realms/baseline abc"
    lead = map_claims(provider(), {**CLAIMS, "groups": ["SB-Leder-IT", "SB-Besvarer"]})
    assert (lead.role, lead.unit_id) == ("unit_lead", 12)


def test_a_role_claim_may_be_one_value_or_space_separated():
    one = provider(role_claim="role")
    assert map_claims(one, {**CLAIMS, "role": "SB-Besvarer"}).role == "respondent"
    assert map_claims(one, {**CLAIMS, "role": "x SB-Koordinator"}).role == "coordinator"


@pytest.mark.parametrize(
    ("changes", "claims", "reason"),
    [
        ({}, {"groups": ["Alle ansatte"]}, "no_role"),
        ({}, {"groups": None}, "no_role"),
        ({}, {"sub": ""}, "no_subject"),
        ({}, {"email": "ikke-en-adresse"}, "no_email"),
        ({}, {"email_verified": False}, "email_unverified"),
        ({"allowed_email_domains": ["@aarhus.dk"]}, {"email": "kari@gmail.com"}, "email_domain"),
        ({"municipality_claim": "kommunekode"}, {"kommunekode": "101"}, "other_municipality"),
        ({"municipality_claim": "kommunekode"}, {}, "other_municipality"),
    ],
)
def test_claims_that_allow_no_login_are_refused(changes, claims, reason):
    with pytest.raises(Refused) as refused:
        map_claims(provider(**changes), {**CLAIMS, **claims})
    assert refused.value.reason == reason


def test_the_municipality_claim_accepts_the_code_with_leading_zero():
    p = provider(municipality_claim="kommunekode", allowed_email_domains=["aarhus.dk"])
    assert map_claims(p, {**CLAIMS, "kommunekode": "0751"}).role == "respondent"
