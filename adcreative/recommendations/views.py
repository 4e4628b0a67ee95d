"""Recommendations: POST a photo (answered when the analysis is done, or 202 to poll) and GET by id."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiRequest, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.api import areas
from adcreative.api.exceptions import BusinessError, NotFound
from adcreative.api.schema import ERROR_RESPONSES, BusinessProblem, problem, uuid_path
from adcreative.api.serializers import guid
from adcreative.recommendations import services
from adcreative.recommendations.models import Recommendation
from adcreative.recommendations.serializers import RecommendationRequestSerializer
from adcreative.tenancy.permissions import current_application
from workers.imaging import FORMATS, UNUSABLE_FILE

AREA = areas.RECOMMENDATIONS

RecommendationSchema = inline_serializer(
    name="RecommendationResult",
    fields={
        "productInfo": inline_serializer(
            name="ProductInfo",
            fields={
                "productName": serializers.CharField(),
                "productDescription": serializers.CharField(),
                "productNameConfidence": serializers.FloatField(
                    required=False,
                    min_value=0.0,
                    max_value=1.0,
                    help_text="How likely the name is right (an extension of the contract): below "
                    '0.65 the name is the product\'s department ("footwear", "drink") or "product".',
                ),
            },
        ),
        "backgroundRemovedImageAssetId": serializers.UUIDField(),
        "recommendedPrompts": serializers.ListField(
            child=serializers.CharField(), min_length=4, max_length=4
        ),
        "recommendedPresetIds": serializers.ListField(
            child=serializers.CharField(), min_length=6, max_length=6
        ),
    },
)
PendingSchema = inline_serializer(
    name="RecommendationPending",
    fields={
        "recommendationId": serializers.UUIDField(),
        "status": serializers.CharField(default="Processing"),
    },
)
RESPONSES = {
    200: RecommendationSchema,
    202: OpenApiResponse(PendingSchema, description="Still processing; poll the Location."),
    **ERROR_RESPONSES,
    **problem(422, BusinessProblem, "The photo has no product that could be found."),
    **problem(
        503, BusinessProblem, "The photo could not be processed right now, or the queue is unreachable."
    ),
    **problem(504, BusinessProblem, "Analysing the photo took too long."),
}


class RecommendationFailed(BusinessError):
    default_code = "recommendation_failed"

    # What went wrong decides the status: the photo (400 a file that is no usable image, 422 an image
    # without a product) or the service (503 unavailable, 504 too slow, 500 anything else).
    STATUS_OF_CODE = {"no_object": 422, "unavailable": 503, "timeout": 504} | dict.fromkeys(
        UNUSABLE_FILE, 400
    )
    WHAT = {
        400: "Bad request", 422: "Unprocessable entity", 500: "Internal", 503: "Service unavailable",
        504: "Timeout",
    }  # fmt: skip

    def __init__(self, recommendation: Recommendation) -> None:
        self.status_code = self.STATUS_OF_CODE.get(recommendation.error_code, 500)
        what = self.WHAT[self.status_code]
        super().__init__(
            errors={
                areas.engine(AREA): [recommendation.error_message or "The photo could not be processed."],
                areas.business(AREA): [f"{what} error occurred while analysing the product image"],
            }
        )


def answer(request: Request, recommendation: Recommendation) -> Response:
    if recommendation.status == Recommendation.Status.COMPLETED:
        return Response(recommendation.body())
    if recommendation.status == Recommendation.Status.FAILED:
        raise RecommendationFailed(recommendation)
    location = f"/api/v1/Image/ProductGeneration/Recommendations/{recommendation.id}"
    return Response(
        {"recommendationId": str(recommendation.id), "status": "Processing"},
        status=202,
        headers={"Location": request.build_absolute_uri(location), "Retry-After": "2"},
    )


class RecommendationsView(APIView):
    throttle_scope = "upload"
    parser_classes = [MultiPartParser]  # a photo needs a multipart body

    @extend_schema(
        request={
            "multipart/form-data": OpenApiRequest(
                RecommendationRequestSerializer,
                encoding={"productImage": {"contentType": ", ".join(sorted(set(FORMATS.values())))}},
            )
        },
        responses=RESPONSES,
    )
    def post(self, request: Request) -> Response:
        form = RecommendationRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data, info = form.validated_data["productImage"]
        recommendation = services.create(
            current_application(request), form.validated_data.get("userId"), data, info
        )
        services.wait_for(recommendation, settings.RECOMMENDATION_WAIT_SECONDS)
        return answer(request, recommendation)


class RecommendationDetailView(APIView):
    throttle_scope = "poll"

    @extend_schema(parameters=[uuid_path("recommendation_id")], responses=RESPONSES)
    def get(self, request: Request, recommendation_id: str) -> Response:
        recommendation = Recommendation.objects.filter(
            id=guid("recommendationId", recommendation_id), application=current_application(request)
        ).first()
        if recommendation is None:
            raise NotFound("Recommendation not found.", area=AREA)
        return answer(request, recommendation)
