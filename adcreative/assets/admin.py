"""Operators look up uploaded photos and cut-outs by id; assets change only through the services."""

from __future__ import annotations

from django.contrib import admin

from adcreative.assets.models import Asset
from adcreative.readonly_admin import ReadOnlyAdmin


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "kind", "width", "height", "size", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=id", "=application__id", "=user_id"]
