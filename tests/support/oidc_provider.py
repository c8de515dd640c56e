"""A small but real OpenID Connect provider for tests, served over HTTP on a free port.

It speaks the authorization code flow the gateway uses: discovery, JWKS, an authorize endpoint
that logs in ``provider.claims`` without a form, a token endpoint that checks the client secret,
the code, the redirect URI and the PKCE verifier, and userinfo. ID tokens are RS256-signed with
joserfc. ``provider.faults`` makes it misbehave the way a broken or hostile provider would:

* ``issuer``: the ID token names another issuer than the discovery document;
* ``discovery_issuer``: the discovery document names another issuer than configured;
* ``signature``: the ID token is signed with a key that is not in the JWKS (same key id);
* ``nonce``: the ID token carries another nonce than the one the client sent.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

KEY_ID = "test-signing-key"


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcProvider:
    """Start with ``start()``, stop with ``stop()``; set ``claims`` to the user who logs in."""

    def __init__(
        self,
        client_id: str = "sikkerhedsbaseline",
        client_secret: str = "s3cret",  # noqa: S107 - the test provider's own client
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        params = {"kid": KEY_ID, "use": "sig", "alg": "RS256"}
        self.key = RSAKey.generate_key(2048, parameters=params)
        self.forged_key = RSAKey.generate_key(2048, parameters=params)
        self.claims: dict[str, Any] = {}
        self.userinfo_only: dict[str, Any] = {}
        self.faults: set[str] = set()
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def reset(self) -> None:
        self.claims, self.userinfo_only, self.faults = {}, {}, set()
        self.token_requests.clear()

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": "http://wrong-issuer.invalid" if "issuer" in self.faults else self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": "not-the-clients-nonce" if "nonce" in self.faults else grant["nonce"],
            **grant["claims"],
        }
        key = self.forged_key if "signature" in self.faults else self.key
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)

    def _client_authenticated(self) -> bool:
        auth = request.authorization
        if auth is not None:
            return auth.username == self.client_id and auth.password == self.client_secret
        return (
            request.form.get("client_id") == self.client_id
            and request.form.get("client_secret") == self.client_secret
        )

    def _app(self) -> Flask:
        app = Flask("test_oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            issuer = "http://other-issuer.invalid" if "discovery_issuer" in self.faults else None
            return jsonify(
                issuer=issuer or self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
                scopes_supported=["openid", "email", "profile"],
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize() -> Any:
            args = request.args
            if args.get("client_id") != self.client_id or args.get("response_type") != "code":
                abort(400, "unknown client or response type")
            if "openid" not in args.get("scope", "").split():
                abort(400, "scope must include openid")
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                abort(400, "PKCE with S256 is required")
            code = secrets.token_urlsafe(16)
            self._codes[code] = {
                "claims": dict(self.claims),
                "nonce": args.get("nonce"),
                "challenge": args["code_challenge"],
                "redirect_uri": args["redirect_uri"],
            }
            query = urlencode({"code": code, "state": args.get("state", "")})
            return redirect(f"{args['redirect_uri']}?{query}")

        @app.post("/token")
        def token() -> Any:
            self.token_requests.append(request.form.to_dict())
            if not self._client_authenticated():
                return jsonify(error="invalid_client"), 401
            grant = self._codes.pop(request.form.get("code", ""), None)
            if (
                grant is None
                or request.form.get("grant_type") != "authorization_code"
                or request.form.get("redirect_uri") != grant["redirect_uri"]
                or _s256(request.form.get("code_verifier", "")) != grant["challenge"]
            ):
                return jsonify(error="invalid_grant"), 400
            access_token = secrets.token_urlsafe(24)
            self._access_tokens[access_token] = {**grant["claims"], **self.userinfo_only}
            return jsonify(
                access_token=access_token,
                token_type="Bearer",
                expires_in=300,
                id_token=self._id_token(grant),
            )

        @app.get("/userinfo")
        def userinfo() -> Any:
            header = request.headers.get("Authorization", "")
            claims = self._access_tokens.get(header.removeprefix("Bearer "))
            if claims is None:
                return jsonify(error="invalid_token"), 401
            return jsonify(claims)

        return app
