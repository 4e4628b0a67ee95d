from __future__ import annotations

from rest_framework import serializers

from adcreative.api.serializers import ContractSerializer, GuidField


class GenerateTokenSerializer(ContractSerializer):
    strict = True
    applicationId = GuidField()
    jwtPrivateKey = serializers.CharField(trim_whitespace=True, max_length=512)


class RefreshTokenSerializer(ContractSerializer):
    strict = True
    refreshToken = serializers.CharField(trim_whitespace=True, max_length=4096)
