"""Single sign-on per municipality: the providers file and the mapping of claims to a user.

Plain Python (no Flask, no authlib), so the rules that decide who may log in as what are tested
on their own. A municipality's identity provider is authoritative for who works there and with
which role, but never for which municipality a user belongs to, and it can never grant the
national roles (KL analyst, admin): those stay with password login.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from gateway.models import MUNICIPAL_ROLES
from services.common.numbers import try_parse_int

DEFAULT_SCOPES = ("openid", "email", "profile")
# When several groups match, the strongest role wins.
ROLE_STRENGTH = {"coordinator": 3, "unit_lead": 2, "respondent": 1}


class ConfigError(ValueError):
    """The providers file is wrong; the message names the municipality and the key."""


@dataclass(frozen=True)
class Grant:
    """What one claim value gives: a municipal role, and for a unit lead the unit."""

    role: str
    unit_id: int | None = None


@dataclass(frozen=True)
class Provider:
    """One municipality's identity provider (or broker) as configured by the operator."""

    municipality_id: int
    name: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    role_claim: str
    roles: Mapping[str, Grant]
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    municipality_claim: str | None = None
    email_claim: str = "email"
    name_claim: str = "name"
    allowed_email_domains: tuple[str, ...] = ()
    password_login: bool = False

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def subject_of(self, claims: Mapping[str, Any]) -> str:
        """The user's lasting key: the provider's ``sub``, qualified by its issuer."""
        return f"{self.issuer} {str(claims.get('sub') or '').strip()}"[:512]


@dataclass(frozen=True)
class Identity:
    """The user the claims describe, within the provider's municipality."""

    subject: str
    email: str
    name: str
    role: str
    unit_id: int | None


class Refused(Exception):
    """The claims do not allow a login; ``reason`` picks the message shown to the user."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def _text(entry: Mapping, key: str, where: str, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str | int) or not str(value).strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty text")
    return str(value).strip()


def _is_loopback(url: str) -> bool:
    """Plain http only to this machine (a local test provider), never over a network."""
    host = urlsplit(url).hostname
    return url.startswith("http://") and host in ("127.0.0.1", "localhost", "::1")


def _grant(value: Any, where: str) -> Grant:
    if isinstance(value, str):
        value = {"role": value}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: a role is a text or {{role: ..., unit_id: ...}}")
    role = value.get("role")
    if role not in MUNICIPAL_ROLES:
        raise ConfigError(
            f"{where}: role {role!r} is not one of {', '.join(MUNICIPAL_ROLES)} "
            "(KL and admin roles are never given by a municipality's identity provider)"
        )
    unit_id = value.get("unit_id")
    if role == "unit_lead" and not isinstance(unit_id, int):
        raise ConfigError(f"{where}: a unit_lead needs 'unit_id', the id of the unit they lead")
    return Grant(role=role, unit_id=unit_id if role == "unit_lead" else None)


def parse_provider(code: int, entry: Mapping, environ: Mapping[str, str] | None = None) -> Provider:
    """One municipality's entry; the client secret is read from the variable it names."""
    environ = os.environ if environ is None else environ
    where = f"municipality {code}"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: the entry must be a mapping")
    issuer = _text(entry, "issuer", where)
    if not issuer.startswith("https://") and not _is_loopback(issuer):
        raise ConfigError(f"{where}: 'issuer' must be an https:// address")
    secret_env = _text(entry, "client_secret_env", where)
    secret = environ.get(secret_env, "").strip()
    if not secret:
        raise ConfigError(f"{where}: environment variable {secret_env} (client secret) is not set")
    roles_raw = entry.get("roles")
    if not isinstance(roles_raw, Mapping) or not roles_raw:
        raise ConfigError(f"{where}: 'roles' must map claim values to platform roles")
    roles = {str(k): _grant(v, f"{where}, roles.{k}") for k, v in roles_raw.items()}
    scopes = entry.get("scopes", list(DEFAULT_SCOPES))
    if not isinstance(scopes, list) or "openid" not in scopes:
        raise ConfigError(f"{where}: 'scopes' must be a list that includes openid")
    domains = entry.get("allowed_email_domains", [])
    if not isinstance(domains, list):
        raise ConfigError(f"{where}: 'allowed_email_domains' must be a list")
    return Provider(
        municipality_id=code,
        name=_text(entry, "name", where),
        issuer=issuer,
        client_id=_text(entry, "client_id", where),
        client_secret=secret,
        role_claim=_text(entry, "role_claim", where),
        roles=roles,
        scopes=tuple(str(s) for s in scopes),
        municipality_claim=_text(entry, "municipality_claim", where, required=False),
        email_claim=_text(entry, "email_claim", where, required=False) or "email",
        name_claim=_text(entry, "name_claim", where, required=False) or "name",
        allowed_email_domains=tuple(str(d).strip().lower().lstrip("@") for d in domains),
        password_login=bool(entry.get("password_login", False)),
    )


def parse_providers(document: Any, environ: Mapping[str, str] | None = None) -> dict[int, Provider]:
    """``{municipalities: {<kommunekode>: {...}}}`` as read from YAML or JSON."""
    if not isinstance(document, Mapping) or not isinstance(document.get("municipalities"), Mapping):
        raise ConfigError("the file must have a 'municipalities' mapping keyed by kommunekode")
    providers = {}
    for key, entry in document["municipalities"].items():
        code = try_parse_int(str(key), minimum=1, maximum=9999)
        if code is None:
            raise ConfigError(f"{key!r} is not a kommunekode")
        providers[code] = parse_provider(code, entry, environ)
    return providers


def load_providers(
    path: str | Path, environ: Mapping[str, str] | None = None
) -> dict[int, Provider]:
    """Read the providers file (YAML; JSON is valid YAML too)."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML or JSON: {exc}") from exc
    return parse_providers(document, environ)


def _claim_values(value: Any) -> list[str]:
    """A role claim may be one value, a list, or a space-separated text (like ``scope``)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value).split() if " " in str(value) else [str(value)]


def map_claims(provider: Provider, claims: Mapping[str, Any]) -> Identity:
    """The platform user the verified ID token (and userinfo) claims describe, or Refused."""
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise Refused("no_subject")
    if provider.municipality_claim is not None:
        said = str(claims.get(provider.municipality_claim) or "").strip()
        if try_parse_int(said, maximum=9999) != provider.municipality_id:
            raise Refused("other_municipality", claimed=said[:20] or "-")
    email = str(claims.get(provider.email_claim) or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise Refused("no_email")
    if claims.get("email_verified") is False:
        raise Refused("email_unverified")
    domain = email.rsplit("@", 1)[1]
    if provider.allowed_email_domains and domain not in provider.allowed_email_domains:
        raise Refused("email_domain", domain=domain)
    grants = [
        provider.roles[v]
        for v in _claim_values(claims.get(provider.role_claim))
        if v in provider.roles
    ]
    if not grants:
        raise Refused("no_role")
    # The strongest role wins; between two units led, the lower id, so the choice is stable.
    grant = max(grants, key=lambda g: (ROLE_STRENGTH[g.role], -(g.unit_id or 0)))
    name = str(claims.get(provider.name_claim) or "").strip()[:120] or email.split("@")[0]
    return Identity(
        subject=provider.subject_of(claims),
        email=email,
        name=name,
        role=grant.role,
        unit_id=grant.unit_id,
    )
