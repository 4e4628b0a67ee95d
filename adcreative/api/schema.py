"""OpenAPI pieces shared by the views: the two error shapes, the token body, the auth schemes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.serializers import PolymorphicProxySerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    inline_serializer,
)
from rest_framework import serializers

from adcreative.api.serializers import ContractSerializer

_messages = serializers.DictField(
    child=serializers.ListField(child=serializers.CharField()),
    help_text='Field or area → messages, e.g. {"business:": ["…"]} or {"productImage": ["…"]}.',
)

BusinessProblem = inline_serializer(
    name="BusinessProblem",
    fields={
        "errors": _messages,
        "type": serializers.CharField(default="https://tools.ietf.org/html/rfc7231#section-6.5.1"),
        "title": serializers.CharField(default="One or more errors occurred."),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(allow_null=True),
        "instance": serializers.CharField(allow_null=True),
        "extensions": inline_serializer(
            name="ProblemExtensions", fields={"traceId": serializers.CharField()}
        ),
    },
)

ValidationProblem = inline_serializer(
    name="ValidationProblem",
    fields={
        "errors": _messages,
        "type": serializers.CharField(default="https://tools.ietf.org/html/rfc9110#section-15.5.1"),
        "title": serializers.CharField(default="One or more validation errors occurred."),
        "status": serializers.IntegerField(default=400),
        "traceId": serializers.CharField(),
    },
)

TokenPairSchema = inline_serializer(
    name="TokenPair",
    fields={
        "applicationId": serializers.UUIDField(),
        "accessToken": serializers.CharField(),
        "accessTokenExpiration": serializers.DateTimeField(),
        "refreshToken": serializers.CharField(),
        "refreshTokenExpiration": serializers.DateTimeField(),
    },
)


def uuid_path(name: str) -> OpenApiParameter:
    """A path segment that is a GUID (the route takes any string, so a malformed one gets the contract's
    400 field error rather than a bare 404)."""
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH)


PROBLEM = "application/problem+json"  # the media type of both error shapes


def problem(status: int, shape: Any, description: str) -> dict[tuple[int, str], OpenApiResponse]:
    """An error response, documented with the media type it is served as."""
    return {(status, PROBLEM): OpenApiResponse(shape, description=description)}


ERROR_RESPONSES: dict[Any, Any] = {
    **problem(400, ValidationProblem, "Field validation failed."),
    **problem(401, BusinessProblem, "Missing or invalid credentials."),
    **problem(404, BusinessProblem, "Not found (also for another application's objects)."),
    **problem(413, BusinessProblem, "Request body too large."),
    **problem(429, BusinessProblem, "Rate limit hit; see Retry-After."),
    **problem(500, BusinessProblem, "Unexpected error (never a stack trace)."),
    **problem(
        503, BusinessProblem, "The database or the task queue is unreachable for a moment; see Retry-After."
    ),
}


# The body of a 400 that is either shape: field validation, or a request the service refuses as it is set
# up (an operation that answers it says which refusals it makes, with `problem`).
BadRequestProblem = PolymorphicProxySerializer(
    component_name="BadRequestProblem", serializers=[ValidationProblem, BusinessProblem],
    resource_type_field_name=None,
)  # fmt: skip


# Whitespace as Python's str.strip() takes it (what DRF trims), spelled alike for ECMAScript and Rust regexes.
TRIMMED = r"\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"[^{TRIMMED}]"  # a pattern: holds something besides whitespace


class TrimmedTextSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A request's text field that is trimmed and may not be blank refuses whitespace alone, so the document
    says it holds something else (`minLength: 1` alone would call "  " valid)."""

    target_class = "rest_framework.fields.CharField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(
            self.target, direction, bypass_extensions=True
        )
        field = self.target
        if direction == "request" and field.trim_whitespace and not field.allow_blank:
            schema.setdefault("pattern", NOT_BLANK)
        return schema


class GuidFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A GUID; an optional one may also be sent empty ("userId=" in the public curl examples), meaning absent."""

    target_class = "adcreative.api.serializers.GuidField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        guid: dict[str, Any] = {"type": "string", "format": "uuid"}
        if self.target.required:
            return guid
        # anyOf, not oneOf: where formats are not asserted (OpenAPI 3.0's own validators) "" would match both and
        # so neither, and a validator would call the empty value the service takes invalid.
        schema: dict[str, Any] = {"anyOf": [guid, {"type": "string", "maxLength": 0}]}
        if self.target.allow_null:
            schema["nullable"] = True
        return schema


def forbid_unknown_keys(result: dict[str, Any], generator: Any, request: Any, public: Any) -> dict[str, Any]:
    """Postprocessing hook: the bodies of strict serializers refuse keys they do not know (a typo is a 400),
    so their schemas say `additionalProperties: false`."""
    strict = [
        cls.__name__.removesuffix("Serializer")
        for cls in _subclasses(ContractSerializer)
        if getattr(cls, "strict", False)
    ]
    schemas = result.get("components", {}).get("schemas", {})
    for name in strict:
        for component in (f"{name}Request", f"Patched{name}Request"):
            if component in schemas:
                schemas[component]["additionalProperties"] = False
    return result


UNSUPPORTED_MEDIA_TYPE = {
    "description": "The body is sent as a media type this operation does not read (see its requestBody).",
    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/BusinessProblem"}}},
}


def document_unsupported_media_types(
    result: dict[str, Any], generator: Any, request: Any, public: Any
) -> dict[str, Any]:
    """Postprocessing hook: every operation that reads a body answers 415 to a body of another media type."""
    for operation in _operations_with_a_body(result):
        operation["responses"].setdefault("415", UNSUPPORTED_MEDIA_TYPE)
    return result


def _operations_with_a_body(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict) and "requestBody" in operation
    ]


def require_bodies_of_required_shapes(
    result: dict[str, Any], generator: Any, request: Any, public: Any
) -> dict[str, Any]:
    """Postprocessing hook: a body that is one of several shapes, each with required fields, is itself
    required (the generator leaves `required` off every body whose schema is a `oneOf`)."""
    schemas = result.get("components", {}).get("schemas", {})

    def needs_fields(ref: str) -> bool:
        return bool(schemas.get(ref.rpartition("/")[2], {}).get("required"))

    for operation in _operations_with_a_body(result):
        body = operation["requestBody"]
        for media in body.get("content", {}).values():
            shape = schemas.get(media["schema"].get("$ref", "").rpartition("/")[2], {})
            if shape.get("oneOf") and all(needs_fields(one.get("$ref", "")) for one in shape["oneOf"]):
                body["required"] = True
    return result


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


class WholeShapes(PolymorphicProxySerializer):
    """A body that is one of whole shapes, also for a PATCH: each alternative keeps its required fields
    (the generator would otherwise make every field of a PATCH's body optional, and the alternatives overlap)."""

    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass


class WholeShapesSchema(PolymorphicProxySerializerExtension):  # type: ignore[no-untyped-call]
    target_class = "adcreative.api.schema.WholeShapes"


class JwtScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "adcreative.tenancy.authentication.JwtAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "adcreative.tenancy.authentication.ApiKeyAuthentication"
    name = ["apiKey", "apiSecret"]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {"type": "apiKey", "in": "header", "name": "x-api-key"},
            {"type": "apiKey", "in": "header", "name": "x-api-secret"},
        ]
