"""Operators look up uploaded photos and cut-outs by id; assets change only through the services."""

from __future__ import annotations

from django.contrib import admin
from django.utils.safestring import SafeString

from adcreative.assets.models import Asset
from adcreative.readonly_admin import ReadOnlyAdmin, application_name, preview


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ["id", "thumbnail", application_name, "kind", "width", "height", "size", "created_at"]
    list_select_related = ["application"]
    list_filter = ["kind", "application", "created_at"]
    search_fields = ["=id", "=application__id", "=user_id"]
    readonly_fields = ["image"]

    @admin.display(description="Thumbnail")
    def thumbnail(self, asset: Asset) -> SafeString | str:
        return preview(asset.file, 64)

    @admin.display(description="Image")
    def image(self, asset: Asset) -> SafeString | str:
        return preview(asset.file, 640)
