"""Routes. API paths under /api/v1/ match case-insensitively, as the public (ASP.NET) API's do."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import URLPattern, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from adcreative.assets.views import AssetView
from adcreative.catalog.views import PresetKeysView, preview_image
from adcreative.creatives.views import (
    AdCreativeView,
    CancelView,
    CheckApplicationAllProgressesView,
    CheckUserProgressView,
)
from adcreative.downloads.views import DownloadView
from adcreative.finetunes.views import FineTuneCancelView, FineTuneDetailView, FineTuneListView
from adcreative.notifications.views import ChannelDetailView, ChannelListView, ChannelTestView
from adcreative.ops.previews import admin_preview
from adcreative.ops.views import healthz, metrics_view, readyz
from adcreative.recommendations.views import RecommendationDetailView, RecommendationsView
from adcreative.tenancy.credit_views import CreditsView
from adcreative.tenancy.views import GenerateJwtTokenView, RefreshJwtTokenView


def api(route: str, view: Any, name: str) -> URLPattern:
    # Matched case-insensitively by adcreative.api.middleware.CaseInsensitiveApiMiddleware.
    pattern: URLPattern = path(f"api/v1/{route}", view, name=name)
    return pattern


urlpatterns = [
    api(
        "Authorization/GenerateJwtToken",
        GenerateJwtTokenView.as_view(),
        "generate-jwt-token",
    ),
    api(
        "Authorization/RefreshJwtToken",
        RefreshJwtTokenView.as_view(),
        "refresh-jwt-token",
    ),
    api("Credits", CreditsView.as_view(), "credits"),
    api("Image/ProductGeneration/PresetKeys", PresetKeysView.as_view(), "preset-keys"),
    api("Image/ProductGeneration/Recommendations", RecommendationsView.as_view(), "recommendations"),
    api("ProductGeneration/Recommendations", RecommendationsView.as_view(), "recommendations-alias"),
    api(
        "Image/ProductGeneration/Recommendations/<str:recommendation_id>",
        RecommendationDetailView.as_view(),
        "recommendation-detail",
    ),
    api("Image/Assets/<str:asset_id>", AssetView.as_view(), "asset"),
    api("Image/ProductGeneration/AdCreative", AdCreativeView.as_view(), "ad-creative"),
    api("Image/ProductGeneration/CheckUserProgress", CheckUserProgressView.as_view(), "check-user-progress"),
    api(
        "Image/ProductGeneration/CheckApplicationAllProgresses",
        CheckApplicationAllProgressesView.as_view(),
        "check-application-all-progresses",
    ),
    api("Image/ProductGeneration/Cancel", CancelView.as_view(), "cancel"),
    api("Image/ProductGeneration/Download", DownloadView.as_view(), "download"),
    api("NotificationChannel", ChannelListView.as_view(), "notification-channels"),
    api("NotificationChannel/<str:channel_id>", ChannelDetailView.as_view(), "notification-channel"),
    api("NotificationChannel/<str:channel_id>/Test", ChannelTestView.as_view(), "notification-channel-test"),
    api("FineTune", FineTuneListView.as_view(), "fine-tunes"),
    api("FineTune/<str:fine_tune_id>", FineTuneDetailView.as_view(), "fine-tune"),
    api("FineTune/<str:fine_tune_id>/Cancel", FineTuneCancelView.as_view(), "fine-tune-cancel"),
    re_path(
        r"^assets/ai-product-preset/(?P<preset_id>[a-z0-9_]+)\.webp$",
        preview_image,
        name="preset-preview",
    ),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema"),
        name="swagger-ui",
    ),
    path("admin/preview/<str:token>", admin_preview, name="admin-preview"),
    path("admin/", admin.site.urls),
]

handler400 = "adcreative.api.handlers.bad_request"
handler403 = "adcreative.api.handlers.permission_denied"
handler404 = "adcreative.api.handlers.not_found"
handler500 = "adcreative.api.handlers.server_error"
