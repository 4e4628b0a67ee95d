"""POST /api/v1/Authorization/GenerateJwtToken and RefreshJwtToken."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.api.exceptions import NotAuthenticatedError
from adcreative.api.parsers import BoundedJSONParser
from adcreative.api.schema import ERROR_RESPONSES, TokenPairSchema
from adcreative.tenancy import tokens
from adcreative.tenancy.authentication import UNUSED_HASH, application_for_api_key
from adcreative.tenancy.models import Application
from adcreative.tenancy.secrets import secret_matches
from adcreative.tenancy.serializers import (
    GenerateTokenBody,
    GenerateTokenSerializer,
    RefreshTokenSerializer,
)

INVALID_CREDENTIALS = "ApplicationId or JwtPrivateKey is invalid."


class GenerateJwtTokenView(APIView):
    parser_classes = [BoundedJSONParser]  # JSON bodies, as the contract writes them
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=GenerateTokenBody,  # not required: the key headers may stand in for it
        parameters=[
            OpenApiParameter("x-api-key", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("x-api-secret", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={200: TokenPairSchema, **ERROR_RESPONSES},
        auth=[],
        description="Exchange applicationId + jwtPrivateKey for tokens: without the x-api-key and x-api-secret "
        "headers the body must carry both (a missing one is a 400 naming it). With the headers the body "
        "is optional: absent, empty, or naming the same applicationId.",
    )
    def post(self, request: Request) -> Response:
        api_key, api_secret = (
            request.headers.get("x-api-key"),
            request.headers.get("x-api-secret"),
        )
        if api_key or api_secret:
            application = application_for_api_key(api_key or "", api_secret or "")
            body = GenerateTokenBody(data=request.data)  # optional here, but no unknown keys
            body.is_valid(raise_exception=True)
            if body.validated_data.get("applicationId") not in (None, application.id):
                raise NotAuthenticatedError()
            return Response(tokens.issue_pair(application))
        serializer = GenerateTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        candidate = Application.objects.filter(pk=serializer.validated_data["applicationId"]).first()
        stored = candidate.jwt_private_key_hash if candidate else UNUSED_HASH
        matches = secret_matches(serializer.validated_data["jwtPrivateKey"], stored)
        if candidate is None or not candidate.is_active or not matches:
            raise NotAuthenticatedError(INVALID_CREDENTIALS)
        return Response(tokens.issue_pair(candidate))


class RefreshJwtTokenView(APIView):
    parser_classes = [BoundedJSONParser]
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RefreshTokenSerializer,
        responses={200: TokenPairSchema, **ERROR_RESPONSES},
        auth=[],
        description="Spend a refresh token once for a new token pair (rotation).",
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(tokens.rotate(serializer.validated_data["refreshToken"]))
