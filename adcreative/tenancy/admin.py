"""Operators manage applications here: credentials are shown once, credits change only through grants."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from adcreative.tenancy import credits
from adcreative.tenancy.models import Application, CreditEntry
from adcreative.tenancy.secrets import Credentials
from adcreative.tenancy.usage import usage


def show_once(request: HttpRequest, application: Application, credentials: Credentials) -> None:
    messages.warning(
        request,
        f"Credentials of {application.name} — copy them now, they are never shown again: "
        f"applicationId={application.id} apiKey={credentials.api_key} "
        f"apiSecret={credentials.api_secret} jwtPrivateKey={credentials.jwt_private_key}",
    )


class ApplicationForm(forms.ModelForm):  # type: ignore[type-arg]
    grant_credits = forms.IntegerField(
        required=False,
        help_text="Credits to add (negative to remove); written to the ledger.",
    )
    grant_reason = forms.CharField(required=False, max_length=200, initial="Granted by an operator")

    class Meta:
        model = Application
        fields = ["name", "is_active"]


class CreditEntryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CreditEntry
    fields = ["at", "change", "balance_after", "reason", "task_id"]
    readonly_fields = ["at", "change", "balance_after", "reason", "task_id"]
    extra = 0
    can_delete = False
    max_num = 0
    ordering = ["-at", "-id"]


USAGE_DAYS = 30


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ApplicationForm
    list_display = ["name", "id", "api_key", "is_active", "balance", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "=id", "=api_key"]
    readonly_fields = ["id", "api_key", "created_at", "balance", "usage"]
    inlines = [CreditEntryInline]
    actions = ["rotate_credentials"]

    @admin.display(description="Credits")
    def balance(self, application: Application) -> int | str:
        account = getattr(application, "credit_account", None)
        return account.balance if account else "no credit record"

    @admin.display(description=f"Usage, last {USAGE_DAYS} days")
    def usage(self, application: Application) -> SafeString:
        return format_html_join(
            "",
            "<div><b>{}</b> {}</div>",
            ((count, what) for what, count in usage(application, USAGE_DAYS).items()),
        )

    def save_model(self, request: HttpRequest, obj: Application, form: Any, change: bool) -> None:
        if not change:
            show_once(request, obj, obj.set_credentials())
        super().save_model(request, obj, form, change)
        amount = form.cleaned_data.get("grant_credits")
        if amount:
            try:
                credits.grant(
                    obj,
                    amount,
                    form.cleaned_data.get("grant_reason") or "Granted by an operator",
                )
            except ValueError as exc:
                messages.error(request, str(exc))

    @admin.action(description="Rotate credentials (new apiKey, apiSecret and jwtPrivateKey)")
    def rotate_credentials(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        for application in queryset:
            credentials = application.set_credentials()
            application.save(update_fields=["api_key", "api_secret_hash", "jwt_private_key_hash"])
            show_once(request, application, credentials)
