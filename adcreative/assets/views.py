"""GET /api/v1/Image/Assets/<assetId>: an uploaded photo or a cut-out of the caller's application."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from adcreative.api import areas
from adcreative.api.exceptions import NotFound
from adcreative.api.schema import ERROR_RESPONSES, uuid_path
from adcreative.api.serializers import guid
from adcreative.assets.models import Asset
from adcreative.tenancy.permissions import current_application


class AssetView(APIView):
    throttle_scope = "poll"

    @extend_schema(
        parameters=[uuid_path("asset_id")], responses={(200, "image/png"): bytes, **ERROR_RESPONSES}
    )
    def get(self, request: Request, asset_id: str) -> FileResponse:
        asset = Asset.objects.filter(
            id=guid("assetId", asset_id), application=current_application(request)
        ).first()
        if asset is None or not asset.file.storage.exists(asset.file.name or ""):
            raise NotFound("Asset not found.", area=areas.ASSETS)
        response = FileResponse(asset.file.open("rb"), content_type=asset.content_type)
        response["Content-Disposition"] = f'inline; filename="{asset.id}.{asset.extension}"'
        response["Cache-Control"] = "private, max-age=3600"
        return response
