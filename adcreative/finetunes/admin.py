"""Operators start fine-tunes here (a zip of photos or asset ids), follow them, cancel them, and choose
each application's default; records change only through the services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from adcreative.api.exceptions import ServiceError
from adcreative.finetunes import services, state
from adcreative.finetunes.models import FineTune
from adcreative.readonly_admin import ReadOnlyAdmin, preview


class NewFineTuneForm(forms.ModelForm):  # type: ignore[type-arg]
    """The add page: the service starts the fine-tune when the form is clean, with the API's own rules."""

    photos = forms.FileField(
        required=False, help_text="A zip of photos, each with an optional <photo>.txt note."
    )
    asset_ids = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Or the application's photo or cut-out asset ids, one per line.",
    )
    steps = forms.IntegerField(
        min_value=1, max_value=settings.FINETUNE_MAX_STEPS, initial=settings.FINETUNE_STEPS
    )
    rank = forms.IntegerField(min_value=1, max_value=128, initial=8)
    learning_rate = forms.FloatField(min_value=1e-6, max_value=1e-2, initial=1e-4)
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, initial=0)

    class Meta:
        model = FineTune
        fields = ["application", "name"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        try:
            ids = [uuid.UUID(line.strip()) for line in data.get("asset_ids", "").splitlines() if line.strip()]
        except ValueError:
            raise forms.ValidationError({"asset_ids": "One asset id (a GUID) per line."}) from None
        request = services.FineTuneRequest(
            name=data.get("name", ""),
            asset_ids=ids,
            photos=data.get("photos"),
            steps=data["steps"],
            rank=data["rank"],
            learning_rate=data["learning_rate"],
            seed=data["seed"],
        )
        try:
            self.instance = services.start(data["application"], request)
        except ServiceError as exc:
            raise forms.ValidationError([m for found in exc.errors.values() for m in found]) from None
        return data


@admin.register(FineTune)
class FineTuneAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "name",
        "application",
        "status",
        "progress",
        "step",
        "steps",
        "loss",
        "is_default",
        "created_at",
    ]
    list_filter = ["status", "is_default", "application", "created_at"]
    search_fields = ["=id", "=application__id", "=user_id", "name"]
    readonly_fields = ["validation_renders"]
    actions = ["cancel", "make_default"]
    add_form = NewFineTuneForm

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("finetunes.add_finetune"))

    @admin.display(description="Validation renders")
    def validation_renders(self, fine_tune: FineTune) -> SafeString | str:
        # Through the reverse relation of the assets the application owns: no import of the assets app.
        assets = fine_tune.application.assets.filter(id__in=fine_tune.validation_asset_ids or [])
        return format_html_join(" ", "{}", ((preview(asset.file, 320),) for asset in assets)) or "-"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["application", "name", "photos", "asset_ids", "steps", "rank", "learning_rate", "seed"]
        return super().get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: FineTune, form: Any, change: bool) -> None:
        pass  # saved, and sent to a worker, by the service when the form was cleaned

    @admin.action(description="Cancel the fine-tunes not yet finished")
    def cancel(self, request: HttpRequest, queryset: QuerySet[FineTune]) -> None:
        cancelled = sum(state.cancel(fine_tune) for fine_tune in queryset)
        messages.info(request, f"Cancelled {cancelled} fine-tune(s).")

    @admin.action(description="Make the default of its application (AdCreative without a fineTuneId)")
    def make_default(self, request: HttpRequest, queryset: QuerySet[FineTune]) -> None:
        if queryset.count() != 1:
            messages.error(request, "Choose one fine-tune.")
        elif services.make_default(queryset.get()):
            messages.info(request, "Made it its application's default fine-tune.")
        else:
            messages.error(request, "Only a Completed fine-tune can be the default.")
