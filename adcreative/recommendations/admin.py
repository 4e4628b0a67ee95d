"""Operators look up recommendations, the photo beside its cut-out, the outcome and the timings; records
change only through the services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from adcreative.readonly_admin import ReadOnlyAdmin, application_name, preview
from adcreative.recommendations.models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "cutout_thumbnail",
        "status",
        "product_name",
        application_name,
        "error_code",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "error_code", "application", "created_at"]
    search_fields = ["=id", "=application__id", "=user_id", "=image__id", "=cutout__id", "product_name"]
    readonly_fields = ["photos"]

    @admin.display(description="Cut-out")
    def cutout_thumbnail(self, recommendation: Recommendation) -> SafeString | str:
        return preview(recommendation.cutout.file if recommendation.cutout else None, 64, alt="cut-out")

    @admin.display(description="Photo and cut-out")
    def photos(self, recommendation: Recommendation) -> SafeString:
        cutout = recommendation.cutout.file if recommendation.cutout else None
        return format_html(
            '<div style="display:flex;gap:16px;align-items:flex-start">{} {}</div>',
            preview(recommendation.image.file, 400, alt="the photo"),
            preview(cutout, 400, alt="cut-out"),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Recommendation]:
        return super().get_queryset(request).select_related("application", "image", "cutout")
