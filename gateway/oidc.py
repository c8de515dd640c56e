"""Login through a municipality's own OpenID Connect provider (authlib's Flask client).

Authorization code flow with PKCE (S256); authlib keeps state, nonce and code verifier in the
session and checks the ID token's signature against the provider's JWKS, its issuer, audience,
expiry and nonce. This module only wires that up: which claims make which user is decided in
``gateway.sso`` and ``gateway.accounts``. Every refusal shows a page naming what was wrong and
leaves nobody logged in.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from joserfc.errors import JoseError

from gateway import accounts, auth
from gateway.db import get_db
from gateway.i18n import t
from gateway.metrics import LOGINS
from gateway.redirects import safe_next
from gateway.sso import ConfigError, Provider, Refused, load_providers, map_claims
from services.common import config

log = logging.getLogger(__name__)

bp = Blueprint("oidc", __name__)

PROVIDER_TIMEOUT_SECONDS = 10
NEXT_KEY = "sso_next"
# Refusals that the user can do nothing about answer 403; a lost state 400; a dead IdP 503.
STATUS = {"state": 400, "unreachable": 503}


def init_app(app: Flask) -> None:
    """Read the providers file named by OIDC_PROVIDERS_FILE; a wrong file stops the start."""
    path = app.config.get("OIDC_PROVIDERS_FILE") or config.env("OIDC_PROVIDERS_FILE", "")
    providers: dict[int, Provider] = {}
    if path:
        try:
            providers = load_providers(path)
        except ConfigError as exc:
            raise RuntimeError(f"OIDC_PROVIDERS_FILE {path}: {exc}") from exc
    oauth = OAuth(app)
    for code, provider in providers.items():
        oauth.register(
            name=_client_name(code),
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": " ".join(provider.scopes),
                "code_challenge_method": "S256",
                "default_timeout": PROVIDER_TIMEOUT_SECONDS,
            },
        )
    app.extensions["sso_providers"] = providers
    app.extensions["sso_oauth"] = oauth
    app.register_blueprint(bp)


def _client_name(code: int) -> str:
    return f"kommune_{code}"


def provider_for(municipality_id: int | None) -> Provider | None:
    """The municipality's identity provider, or None: it logs in with passwords."""
    if municipality_id is None:
        return None
    return current_app.extensions["sso_providers"].get(municipality_id)


def login_choices(names: dict[int, str]) -> list[dict]:
    """The buttons of the login page, one per municipality with its own login."""
    return [
        {
            "id": code,
            "municipality": names.get(code) or t("municipality.code", code=code),
            "provider": provider.name,
            "password_login": provider.password_login,
        }
        for code, provider in sorted(current_app.extensions["sso_providers"].items())
    ]


def _client(code: int) -> Any:
    return current_app.extensions["sso_oauth"].create_client(_client_name(code))


def _redirect_uri(code: int) -> str:
    """Where the provider sends the user back; registered at the provider as is."""
    base = current_app.config.get("PUBLIC_BASE_URL") or config.env("PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + url_for("oidc.callback", code=code)
    return url_for("oidc.callback", code=code, _external=True)


def _check_issuer(client: Any, provider: Provider) -> None:
    """The discovery document must name the configured issuer (authlib then holds the ID
    token's ``iss`` to the document's)."""
    issuer = str(client.load_server_metadata().get("issuer", ""))
    if issuer.rstrip("/") != provider.issuer.rstrip("/"):
        raise Refused("issuer")


def _municipality_name(code: int) -> str:
    return auth.municipality_names().get(code) or t("municipality.code", code=code)


def _refuse(provider: Provider, reason: str, **details: object) -> Any:
    """The page that says why; whoever was logged in in this browser is not any more."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    LOGINS.labels(outcome="sso_refused").inc()
    log.warning("single sign-on refused: %s", reason)
    municipality = _municipality_name(provider.municipality_id)
    message = t(
        f"sso.reason.{reason}", provider=provider.name, municipality=municipality, **details
    )
    return (
        render_template("sso_refused.html", message=message, municipality=municipality),
        STATUS.get(reason, 403),
    )


@bp.get("/login/oidc/<int:code>")
def start(code: int) -> Any:
    """Send the user to the municipality's provider."""
    provider = provider_for(code)
    if provider is None:
        flash(t("sso.unknown", code=code), "error")
        return redirect(url_for("auth.login"))
    client = _client(code)
    try:
        _check_issuer(client, provider)
    except Refused as refused:
        return _refuse(provider, refused.reason)
    except requests.RequestException:
        return _refuse(provider, "unreachable")
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    return client.authorize_redirect(_redirect_uri(code))


def _verified_claims(client: Any, provider: Provider) -> dict:
    """The ID token's claims (signature, issuer, audience, expiry, nonce checked), completed
    from userinfo when the token lacks the e-mail or role claim."""
    token = client.authorize_access_token()
    _check_issuer(client, provider)
    if not token.get("userinfo"):
        raise Refused("token")
    claims = dict(token["userinfo"])
    wanted = (provider.role_claim, provider.email_claim)
    metadata = client.load_server_metadata()
    if any(c not in claims for c in wanted) and metadata.get("userinfo_endpoint"):
        extra = dict(client.userinfo())
        if extra.get("sub") != claims.get("sub"):
            raise Refused("token")
        claims = {**extra, **claims}
    return claims


@bp.get("/login/oidc/<int:code>/callback")
def callback(code: int) -> Any:
    """The provider sends the user back here with a code; log them in or say why not."""
    provider = provider_for(code)
    if provider is None:
        abort(404)
    if request.args.get("error"):
        error = request.args.get("error", "")[:100]
        return _refuse(provider, "provider_error", error=error)
    client = _client(code)
    db = get_db()
    claims: dict = {}
    try:
        claims = _verified_claims(client, provider)
        user = accounts.provision_sso_user(db, code, map_claims(provider, claims))
    except Refused as refused:
        db.rollback()
        if refused.reason == "no_role" and claims:
            accounts.end_sso_sessions(db, code, provider.subject_of(claims))
            db.commit()
        return _refuse(provider, refused.reason, **refused.details)
    except MismatchingStateError:
        return _refuse(provider, "state")
    except requests.RequestException:
        return _refuse(provider, "unreachable")
    except (OAuthError, JoseError, AuthlibBaseError):
        log.warning("single sign-on: the provider's answer failed verification", exc_info=True)
        return _refuse(provider, "token")
    db.commit()
    LOGINS.labels(outcome="success").inc()
    target = session.pop(NEXT_KEY, None)
    return auth.start_session(user, _municipality_name(code), target=target)
