"""Operators look up recommendations, their outcome and timings; records change only through the services."""

from __future__ import annotations

from django.contrib import admin

from adcreative.readonly_admin import ReadOnlyAdmin
from adcreative.recommendations.models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "status", "product_name", "error_code", "attempts", "created_at"]
    list_filter = ["status", "error_code"]
    search_fields = ["=id", "=application__id", "product_name"]
