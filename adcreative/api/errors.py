"""The two error bodies of the contract (API.md, "Errors"), built in one place.

Keys and texts are byte-for-byte those of the public API: clients written against it parse them.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from adcreative.api import areas, tracing

BUSINESS_TYPE = "https://tools.ietf.org/html/rfc7231#section-6.5.1"
BUSINESS_TITLE = "One or more errors occurred."
VALIDATION_TYPE = "https://tools.ietf.org/html/rfc9110#section-15.5.1"
VALIDATION_TITLE = "One or more validation errors occurred."
PROBLEM_JSON = "application/problem+json"


def business_body(status: int, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "errors": errors,
        "type": BUSINESS_TYPE,
        "title": BUSINESS_TITLE,
        "status": status,
        "detail": None,
        "instance": None,
        "extensions": {"traceId": tracing.current()},
    }


def validation_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "errors": errors,
        "type": VALIDATION_TYPE,
        "title": VALIDATION_TITLE,
        "status": 400,
        "traceId": tracing.current(),
    }


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(body, status=body["status"], content_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def business_response(
    status: int,
    message: str,
    key: str = areas.GENERAL,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    return problem_response(business_body(status, {key: [message]}), headers)
