"""The service's routes plus views that fail on purpose, for the error-handling tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from adcreative.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def django_boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail")


class DrfBoom(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internal detail")


urlpatterns = [*urlpatterns, path("boom/django", django_boom), path("boom/drf", DrfBoom.as_view())]
