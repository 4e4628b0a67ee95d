"""/api/v1/FineTune: start one (photos as asset ids or a zip), list them, read one, cancel one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiRequest, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.api import areas
from adcreative.api.paging import newest_first_page
from adcreative.api.schema import ERROR_RESPONSES, BadRequestProblem, problem, uuid_path
from adcreative.api.serializers import guid, valid_query
from adcreative.finetunes import services, state
from adcreative.finetunes.models import FineTune
from adcreative.finetunes.serializers import (
    FineTuneListQuerySerializer,
    FineTuneListSchema,
    FineTuneRequestSerializer,
    FineTuneSchema,
    fine_tune_body,
)
from adcreative.tenancy.permissions import current_application

FINE_TUNE_ID = uuid_path("fine_tune_id")
ZIP_TYPES = "application/zip, application/x-zip-compressed"  # the second is what Windows browsers send
NEEDS_DIFFUSION = (
    "Fine-tunes need the diffusion engine (GENERATION_ENGINE=diffusion) with an SD 1.x/2.x inpainting base "
    "(FINETUNE_BASE_MODEL): a service set up otherwise, as one that renders with the studio engine, answers "
    "every request 400 in the business shape, saying why."
)
START_REFUSED = problem(
    400,
    BadRequestProblem,
    "Field validation failed (the validation shape): a field's value, or not exactly one of assetIds and "
    "photos. Or this service cannot fine-tune as it is set up (the business shape, under "
    f'"business: FineTune/Create"). {NEEDS_DIFFUSION}',
)


def own_fine_tune(request: Request, fine_tune_id: str, action: str) -> FineTune:
    return services.own(
        current_application(request), guid("fineTuneId", fine_tune_id), areas.fine_tune(action)
    )


class FineTuneListView(APIView):
    parser_classes = [MultiPartParser]  # a zip of photos is a file: multipart, as Recommendations' photo

    @extend_schema(
        operation_id="fine_tunes_list",
        parameters=[FineTuneListQuerySerializer],
        responses={200: FineTuneListSchema, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = valid_query(FineTuneListQuerySerializer, request)
        application = current_application(request)
        page, next_cursor = newest_first_page(
            FineTune.objects.filter(application=application), query.get("cursor"),
            query["limit"], "No fine-tune of this application has the id given as cursor.",
            areas.fine_tune("List"),
        )  # fmt: skip
        return Response(
            {
                "applicationId": str(application.id),
                "fineTunes": [fine_tune_body(f) for f in page],
                "nextCursor": next_cursor,
            }
        )

    @extend_schema(
        request={
            "multipart/form-data": OpenApiRequest(
                FineTuneRequestSerializer, encoding={"photos": {"contentType": ZIP_TYPES}}
            )
        },
        responses={201: FineTuneSchema, **ERROR_RESPONSES, **START_REFUSED},
        description="Start a fine-tune of the application's photos: `assetIds` or a zip archive in "
        f"`photos`, exactly one of the two. {NEEDS_DIFFUSION}",
    )
    def post(self, request: Request) -> Response:
        form = FineTuneRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data: dict[str, Any] = form.validated_data
        fine_tune = services.start(
            current_application(request),
            services.FineTuneRequest(
                user_id=data.get("userId"), name=data["name"], asset_ids=data.get("assetIds") or [],
                photos=data.get("photos"), **services.options_of(data),
            ),
        )  # fmt: skip
        location = f"/api/v1/FineTune/{fine_tune.id}"
        return Response(fine_tune_body(fine_tune), status=201, headers={"Location": location})


class FineTuneDetailView(APIView):
    throttle_scope = "poll"

    @extend_schema(parameters=[FINE_TUNE_ID], responses={200: FineTuneSchema, **ERROR_RESPONSES})
    def get(self, request: Request, fine_tune_id: str) -> Response:
        return Response(fine_tune_body(own_fine_tune(request, fine_tune_id, "Get")))


class FineTuneCancelView(APIView):
    @extend_schema(
        parameters=[FINE_TUNE_ID], request=None, responses={200: FineTuneSchema, **ERROR_RESPONSES}
    )
    def post(self, request: Request, fine_tune_id: str) -> Response:
        """Cancel a fine-tune not yet finished (its worker stops at its next step); a finished one is
        answered as it is."""
        fine_tune = own_fine_tune(request, fine_tune_id, "Cancel")
        state.cancel(fine_tune)
        fine_tune.refresh_from_db()
        return Response(fine_tune_body(fine_tune))
