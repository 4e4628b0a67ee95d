"""GET /api/v1/Image/ProductGeneration/Download: a finished creative as PNG, JPEG or PDF, for 1 credit once."""

from __future__ import annotations

import logging
from typing import IO

from django.db.models import Exists, OuterRef
from django.http import FileResponse, HttpResponse, HttpResponseBase
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from adcreative.api.exceptions import BusinessError, NotFoundError, PaymentRequiredError
from adcreative.api.schema import ERROR_RESPONSES
from adcreative.generation import downloads
from adcreative.generation.models import Task
from adcreative.generation.process_serializers import DownloadQuerySerializer
from adcreative.tenancy import credits
from adcreative.tenancy.models import Application, CreditEntry
from adcreative.tenancy.permissions import current_application

log = logging.getLogger(__name__)

ENGINE_KEY = "engine: ProductGeneration/Download"
BUSINESS_KEY = "business: ProductGeneration/Download"
NOT_FOUND = {
    ENGINE_KEY: ["Image content not found."],
    BUSINESS_KEY: ["Not found error occurred while getting image content stream"],
}


def charge_refused(application: Application, refusal: credits.ChargeRefused) -> BusinessError:
    errors = {
        ENGINE_KEY: [
            f"Error decreasing Api Key Credits for Application {application.id}. ErrorMessage: {refusal.message}"
        ],
        BUSINESS_KEY: ["Bad request error occurred while getting image content stream"],
    }
    if isinstance(refusal, credits.InsufficientCredits):
        return PaymentRequiredError(errors=errors)
    return BusinessError(errors=errors)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ is ignored, * matches anything."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


class DownloadView(APIView):
    @extend_schema(
        parameters=[DownloadQuerySerializer],
        responses={
            (200, "image/png"): OpenApiResponse(bytes, description="format=0"),
            (200, "image/jpeg"): OpenApiResponse(bytes, description="format=1"),
            (200, "application/pdf"): OpenApiResponse(bytes, description="format=2, PDF 1.6"),
            304: OpenApiResponse(description="If-None-Match names the file's ETag"),
            **ERROR_RESPONSES,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        return self.answer(request, send=True)

    def head(self, request: Request) -> HttpResponseBase:
        """The headers a GET would get; nothing is charged."""
        return self.answer(request, send=False)

    def answer(self, request: Request, send: bool) -> HttpResponseBase:
        query = DownloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        application = current_application(request)
        task = (
            Task.objects.select_related("process")
            .annotate(paid=Exists(CreditEntry.objects.filter(task_id=OuterRef("id"), change__lt=0)))
            .filter(
                id=data["taskId"],
                process_id=data["imageProductGeneratorProcessId"],
                process__application=application,
                render_state=Task.State.COMPLETED,
            )
            .first()
        )
        if task is None:
            raise NotFoundError(errors=NOT_FOUND)
        try:
            served = downloads.served_file(task, data["lowResolution"], downloads.Format(data["format"]))
        except downloads.MissingFile:
            log.exception("a completed task has no file to download")
            raise NotFoundError(errors=NOT_FOUND) from None

        headers = {"ETag": served.etag, "Cache-Control": "private"}
        if_none_match = request.headers.get("If-None-Match", "")
        if if_none_match and etag_matches(if_none_match, served.etag) and task.paid:
            return self.with_headers(HttpResponse(status=304), headers)

        try:
            handle: IO[bytes] | None = served.open() if send else None
        except FileNotFoundError:  # removed from storage since it was found
            log.exception("a download's file vanished")
            raise NotFoundError(errors=NOT_FOUND) from None
        try:
            charged = not task.paid and credits.charge_download(application, task.id, check_only=not send)
        except credits.ChargeRefused as refusal:
            if handle is not None:
                handle.close()
            raise charge_refused(application, refusal) from None
        except BaseException:
            if handle is not None:
                handle.close()
            raise
        filename = f"{task.id}.{served.format.extension}"
        log.info("download of task %s as %s (%d bytes, charged: %s)", task.id, filename, served.size, charged)
        if handle is None:
            response: HttpResponseBase = HttpResponse(content_type=served.format.content_type)
            response["Content-Length"] = str(served.size)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        else:
            response = FileResponse(
                handle, as_attachment=True, filename=filename, content_type=served.format.content_type
            )
        return self.with_headers(response, headers)

    @staticmethod
    def with_headers(response: HttpResponseBase, headers: dict[str, str]) -> HttpResponseBase:
        for name, value in headers.items():
            response[name] = value
        return response
