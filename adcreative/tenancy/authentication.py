"""DRF authentication: `Authorization: Bearer <JWT>` or the `x-api-key` + `x-api-secret` pair."""

from __future__ import annotations

import hmac

from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from adcreative.api.exceptions import NotAuthenticatedError
from adcreative.tenancy import tokens, trust
from adcreative.tenancy.models import Application
from adcreative.tenancy.secrets import hash_secret

UNUSED_HASH = hash_secret("no application has this secret")


class JwtAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Application, str] | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None  # a present but empty or malformed header is refused, never passed over
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticatedError()
        return tokens.application_for_access_token(raw.strip()), raw.strip()

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def application_for_api_key(api_key: str, api_secret: str) -> Application:
    api_key, secret_hash = api_key.strip().lower(), hash_secret(api_secret.strip())
    trusted = trust.recall(("api-key", api_key, secret_hash))
    if trusted is not None:
        return trusted
    application = Application.objects.filter(api_key=api_key).first()
    # Compare even when the key is unknown, so timing does not tell which keys exist.
    stored = application.api_secret_hash if application else UNUSED_HASH
    if not hmac.compare_digest(secret_hash, stored) or application is None or not application.is_active:
        raise NotAuthenticatedError()
    trust.remember(("api-key", api_key, secret_hash), application)
    return application


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Application, None] | None:
        api_key = request.headers.get("x-api-key")
        api_secret = request.headers.get("x-api-secret")
        if api_key is None and api_secret is None:
            return None
        if not api_key or not api_secret:
            raise NotAuthenticatedError()
        return application_for_api_key(api_key, api_secret), None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
