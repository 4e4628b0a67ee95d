"""GET /api/v1/Credits: the application's balance and its ledger, newest first, paged by cursor."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.api import areas
from adcreative.api.exceptions import NotFound
from adcreative.api.schema import ERROR_RESPONSES
from adcreative.api.serializers import valid_query, zulu
from adcreative.tenancy.models import CreditAccount, CreditEntry
from adcreative.tenancy.permissions import current_application
from adcreative.tenancy.serializers import CreditsQuerySerializer

NO_ACCOUNT = "API Key Credits for Application does not exist."

CreditsSchema = inline_serializer(
    name="Credits",
    fields={
        "applicationId": serializers.UUIDField(),
        "balance": serializers.IntegerField(),
        "ledger": inline_serializer(
            name="CreditEntry",
            many=True,
            fields={
                "at": serializers.DateTimeField(),
                "change": serializers.IntegerField(),
                "reason": serializers.CharField(),
                "taskId": serializers.UUIDField(allow_null=True),
            },
        ),
        "nextCursor": serializers.IntegerField(allow_null=True),
    },
)


class CreditsView(APIView):
    @extend_schema(parameters=[CreditsQuerySerializer], responses={200: CreditsSchema, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        query = valid_query(CreditsQuerySerializer, request)
        application = current_application(request)
        account = CreditAccount.objects.filter(application=application).first()
        if account is None:
            raise NotFound(NO_ACCOUNT, area=areas.CREDITS)
        entries = CreditEntry.objects.filter(application=application).order_by("-id")
        if "cursor" in query:
            entries = entries.filter(id__lt=query["cursor"])
        limit = query["limit"]
        page = list(entries[: limit + 1])
        return Response(
            {
                "applicationId": str(account.application_id),
                "balance": account.balance,
                "ledger": [entry_body(entry) for entry in page[:limit]],
                "nextCursor": page[limit - 1].id if len(page) > limit else None,
            }
        )


def entry_body(entry: CreditEntry) -> dict[str, Any]:
    return {
        "at": zulu(entry.at),
        "change": entry.change,
        "reason": entry.reason,
        "taskId": str(entry.task_id) if entry.task_id else None,
    }
