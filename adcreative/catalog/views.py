"""GET /api/v1/Image/ProductGeneration/PresetKeys and the preset preview images."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponseBase
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import presets
from adcreative.api.errors import business_response
from adcreative.api.schema import TRIMMED, BusinessProblem, ValidationProblem, problem
from adcreative.api.serializers import given_twice, not_valid

PREVIEW_PATH = "/assets/ai-product-preset/{id}.webp"


KELVIN = r"\u212a"  # to str.lower() the KELVIN SIGN is a k


def _any_case(word: str) -> str:
    """A pattern of `word` in any case, as str.lower() reads case."""
    return "".join("[" + c.upper() + c + (KELVIN if c == "k" else "") + "]" for c in word)


# What `category` takes: a category in any case, or nothing (every preset), whitespace around either.
CATEGORY = {
    "anyOf": [
        {"type": "string", "enum": [*presets.CATEGORIES, ""]},
        {
            "type": "string",
            "pattern": rf"^[{TRIMMED}]*(?:{'|'.join(_any_case(c) for c in presets.CATEGORIES)})?[{TRIMMED}]*$",
        },
    ]
}

PresetListSchema = inline_serializer(
    name="Preset",
    many=True,
    fields={
        "id": serializers.CharField(),
        "previewImageUrl": serializers.URLField(),
        "previewName": serializers.CharField(),
        "promptText": serializers.CharField(),
        "categories": serializers.ListField(
            child=inline_serializer("Category", {"name": serializers.CharField()})
        ),
    },
)


def public_base_url(request: HttpRequest) -> str:
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def preset_body(preset: presets.Preset, base_url: str) -> dict[str, Any]:
    return {
        "id": preset.id,
        "previewImageUrl": base_url + PREVIEW_PATH.format(id=preset.id),
        "previewName": preset.preview_name,
        "promptText": preset.prompt_text,
        "categories": [{"name": name} for name in preset.categories],
    }


class PresetKeysView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "category",
                CATEGORY,
                required=False,
                description="One of the categories, in any case; empty: every preset.",
            )
        ],
        responses={
            200: PresetListSchema,
            **problem(400, ValidationProblem, "An unknown category, or more than one."),
            **problem(429, BusinessProblem, "Rate limit hit; see Retry-After."),
        },
        auth=[],
        description="The preset catalog, optionally only one category.",
    )
    def get(self, request: Request) -> Response:
        if len(request.query_params.getlist("category")) > 1:
            raise ValidationError({"category": [given_twice("category")]})
        category = (request.query_params.get("category") or "").strip().lower()
        if category and category not in presets.CATEGORIES:
            raise ValidationError(
                {"category": [f"{not_valid(category)} Known: {', '.join(presets.CATEGORIES)}."]}
            )
        base_url = public_base_url(request)
        chosen = [p for p in presets.load_catalog().values() if not category or category in p.categories]
        return Response([preset_body(p, base_url) for p in chosen])


def preview_image(request: HttpRequest, preset_id: str) -> HttpResponseBase:
    """The rendered preview of a preset (made by `manage.py render_preset_previews`)."""
    path = settings.PRESET_PREVIEW_DIR / f"{preset_id}.webp"
    if presets.get_preset(preset_id) is None or not path.is_file():
        return business_response(404, f"No preview image exists for preset '{preset_id}'.")
    response = FileResponse(path.open("rb"), content_type="image/webp")
    response["Cache-Control"] = "public, max-age=86400"
    return response
