from __future__ import annotations

from rest_framework import serializers

from adcreative.api.serializers import ContractSerializer, GuidField


class GenerateTokenSerializer(ContractSerializer):
    strict = True
    applicationId = GuidField()
    jwtPrivateKey = serializers.CharField(trim_whitespace=True, max_length=512)


class GenerateTokenBody(ContractSerializer):
    """The credentials: `applicationId` and `jwtPrivateKey`, both required unless the x-api-key and
    x-api-secret headers are sent; with them the body may be absent, empty, or name the same
    applicationId. No other key.

    The document gives this shape, not required: OpenAPI cannot say "required unless a header is sent", and
    GenerateTokenSerializer's shape would call the headers' bodies invalid (the service accepts them)."""

    strict = True
    applicationId = GuidField(required=False)
    jwtPrivateKey = serializers.CharField(required=False, max_length=512)


class RefreshTokenSerializer(ContractSerializer):
    strict = True
    refreshToken = serializers.CharField(trim_whitespace=True, max_length=4096)


class CreditsQuerySerializer(ContractSerializer):
    applicationId = GuidField()
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=500)
    cursor = serializers.IntegerField(
        required=False, min_value=1, help_text="nextCursor of the previous page."
    )
