"""GET /api/v1/Image/ProductGeneration/Download: a finished creative as PNG, JPEG or PDF, for 1 credit once."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseRedirect
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from adcreative.api import tracing
from adcreative.api.schema import ERROR_RESPONSES
from adcreative.api.serializers import valid_query
from adcreative.downloads import services
from adcreative.downloads.serializers import DownloadQuerySerializer
from adcreative.tenancy.permissions import current_application


def file_response(download: services.Download, handle: IO[bytes] | None) -> HttpResponseBase:
    """The file as an attachment named after the task; without a handle (HEAD) only its headers."""
    served = download.served
    filename = download.filename
    if handle is not None:
        return FileResponse(
            handle, as_attachment=True, filename=filename, content_type=served.format.content_type
        )
    response = HttpResponse(content_type=served.format.content_type)
    response["Content-Length"] = str(served.size)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ is ignored, * matches anything."""
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


class DownloadView(APIView):
    throttle_scope = "poll"
    parser_classes: list[type] = []  # GET and HEAD read no body

    @extend_schema(
        parameters=[DownloadQuerySerializer],
        responses={
            (200, "image/png"): OpenApiResponse(bytes, description="format=0"),
            (200, "image/jpeg"): OpenApiResponse(bytes, description="format=1"),
            (200, "application/pdf"): OpenApiResponse(bytes, description="format=2, PDF 1.6"),
            302: OpenApiResponse(
                description="DOWNLOAD_REDIRECT=presigned: charged as a 200 is, then Location is a link to the "
                "one file in the object store, valid DOWNLOAD_LINK_SECONDS"
            ),
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
        query, application = valid_query(DownloadQuerySerializer, request), current_application(request)
        tracing.bind(task_id=query["taskId"], process_id=query["imageProductGeneratorProcessId"])
        download = services.find(
            application,
            services.Query(
                query["taskId"],
                query["imageProductGeneratorProcessId"],
                query["lowResolution"],
                query["format"],
                query["outputFormat"].strip(),
            ),
        )
        if download.paid and etag_matches(request.headers.get("If-None-Match", ""), download.served.etag):
            return self.with_headers(HttpResponse(status=304), download)
        if send and settings.DOWNLOAD_REDIRECT == "presigned":
            link = HttpResponseRedirect(services.charge_and_link(application, download))
            link["Cache-Control"] = "no-store"  # the link expires: nothing may keep it
            return link
        download, handle = services.open_and_charge(application, download, send)
        return self.with_headers(file_response(download, handle), download)

    @staticmethod
    def with_headers(response: HttpResponseBase, download: services.Download) -> HttpResponseBase:
        response["ETag"] = download.served.etag
        response["Cache-Control"] = "private"
        return response
