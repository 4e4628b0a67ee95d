"""JWT access and refresh tokens for applications (djangorestframework-simplejwt underneath).

Tokens carry the claim `applicationId`. A refresh token works once: rotating it blacklists it, and the
blacklist row is created under a unique constraint, so two concurrent refreshes cannot both succeed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from adcreative.api.exceptions import NotAuthenticatedError
from adcreative.tenancy import trust
from adcreative.tenancy.models import Application

CLAIM = "applicationId"
INVALID_REFRESH = "The refresh token is invalid, expired or already used."


def _expiration(token: Token) -> str:
    return datetime.fromtimestamp(token["exp"], tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def issue_pair(application: Application) -> dict[str, Any]:
    """A new access + refresh token pair, in the body shape of GenerateJwtToken."""
    refresh = RefreshToken()
    refresh[CLAIM] = str(application.id)
    access = refresh.access_token
    OutstandingToken.objects.create(
        jti=refresh["jti"],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime.fromtimestamp(refresh["exp"], tz=UTC),
    )
    return {
        "applicationId": str(application.id),
        "accessToken": str(access),
        "accessTokenExpiration": _expiration(access),
        "refreshToken": str(refresh),
        "refreshTokenExpiration": _expiration(refresh),
    }


def _active_application(token: Token, *, recall: bool = False) -> Application:
    """The token's application, if it is still active (`recall`: a check this process made within
    API_KEY_CACHE_SECONDS will do)."""
    try:
        application_id = uuid.UUID(str(token.payload.get(CLAIM)))
    except ValueError:
        raise NotAuthenticatedError() from None
    trusted = trust.recall(("token", application_id)) if recall else None
    if trusted is not None:
        return trusted
    application = Application.objects.filter(pk=application_id, is_active=True).first()
    if application is None:
        raise NotAuthenticatedError()
    trust.remember(("token", application_id), application)
    return application


def application_for_access_token(raw: str) -> Application:
    """Check signature, algorithm, expiry and type; then the application must still exist and be active."""
    try:
        token = AccessToken(raw)  # type: ignore[arg-type]
    except TokenError:
        raise NotAuthenticatedError() from None
    return _active_application(token, recall=True)


def rotate(raw_refresh: str) -> dict[str, Any]:
    """Spend a refresh token once and return a new pair."""
    try:
        refresh = RefreshToken(raw_refresh)  # type: ignore[arg-type]
    except TokenError:  # bad signature, expired, wrong type, or already blacklisted
        raise NotAuthenticatedError(INVALID_REFRESH) from None
    application = _active_application(refresh)
    try:
        with transaction.atomic():
            outstanding, _ = OutstandingToken.objects.get_or_create(
                jti=refresh["jti"],
                defaults={
                    "token": raw_refresh,
                    "created_at": refresh.current_time,
                    "expires_at": datetime.fromtimestamp(refresh["exp"], tz=UTC),
                },
            )
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:  # another request spent it first
        raise NotAuthenticatedError(INVALID_REFRESH) from None
    return issue_pair(application)
