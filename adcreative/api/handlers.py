"""One place turns every failure into the contract's error bodies: DRF's handler and Django's handlers.

A stack trace never reaches a client: unexpected errors are logged with the trace id and answered
with a 500 in the business shape.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import DisallowedHost, PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from kombu.exceptions import OperationalError as KombuOperationalError
from rest_framework import exceptions as drf

from adcreative.api import areas
from adcreative.api.errors import (
    business_body,
    business_response,
    problem_response,
    validation_body,
)
from adcreative.api.exceptions import (
    BusinessError,
    Conflict,
    InvalidField,
    NotAuthenticatedError,
    NotFound,
    PayloadTooLargeError,
    PaymentRequired,
    ServiceError,
    ServiceUnavailableError,
    Unavailable,
)
from adcreative.failures import store_failed

log = logging.getLogger(__name__)

NON_FIELD_KEY = "$"  # where ASP.NET-style APIs put errors that belong to the whole body
WWW_AUTHENTICATE = 'Bearer realm="api"'
RETRY_AFTER_OUTAGE = "5"  # seconds: database restarts and broker reconnects take about this long


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"field": [...], "parent.child": [...], "items[2]": [...]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD_KEY if key in ("non_field_errors", "__all__") else str(key)
            for sub_key, messages in flatten(value, f"{prefix}.{name}" if prefix else name).items():
                out.setdefault(sub_key, []).extend(messages)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or NON_FIELD_KEY: [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            if item:
                out.update(flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix or NON_FIELD_KEY: [str(detail)]}


# The status of each kind of service refusal (a kind not listed answers 400).
SERVICE_STATUS: dict[type[ServiceError], int] = {
    NotFound: 404, Conflict: 409, PaymentRequired: 402, Unavailable: 503,
}  # fmt: skip


def service_response(exc: ServiceError) -> HttpResponse:
    if isinstance(exc, InvalidField):
        return problem_response(validation_body(exc.errors))
    status = next((code for kind, code in SERVICE_STATUS.items() if isinstance(exc, kind)), 400)
    headers = {"Retry-After": RETRY_AFTER_OUTAGE} if status == 503 else None
    return problem_response(business_body(status, exc.errors), headers)


def as_api_exception(exc: Exception) -> Exception:
    """Django's and DRF's own exceptions, as the API exception that answers them."""
    if isinstance(exc, (OperationalError, InterfaceError, KombuOperationalError)) or store_failed(exc):
        # The database, the broker or the file store is restarting or unreachable: an outage, not a bug.
        log.warning("answering 503: %s: %s", type(exc).__name__, exc)
        return ServiceUnavailableError()
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return NotAuthenticatedError()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLargeError()
    if isinstance(exc, Http404):
        return drf.NotFound("The requested resource was not found.")
    if isinstance(exc, PermissionDenied):
        return drf.PermissionDenied()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: map each exception class to one of the two shapes."""
    if isinstance(exc, drf.ValidationError):
        return problem_response(validation_body(flatten(exc.detail)))
    if isinstance(exc, drf.ParseError):
        return problem_response(validation_body({NON_FIELD_KEY: [str(exc.detail)]}))
    if isinstance(exc, ServiceError):
        return service_response(exc)
    exc = as_api_exception(exc)
    if not isinstance(exc, drf.APIException):
        return None  # Django's handler500 answers, after logging the traceback with the trace id
    headers = {}
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    if exc.status_code == 503:
        headers["Retry-After"] = RETRY_AFTER_OUTAGE
    message = str(exc.detail)
    if isinstance(exc, drf.Throttled):
        wait = max(1, int(getattr(exc, "wait", None) or 1))
        headers["Retry-After"] = str(wait)
        message = f"Too many requests. Please retry after {wait} seconds."
    errors = exc.errors if isinstance(exc, BusinessError) else {areas.GENERAL: [message]}
    return problem_response(business_body(exc.status_code, errors), headers)


# Django's own handlers (urls.py points handler400/403/404/500 here) for what never reaches DRF.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return business_response(413, PayloadTooLargeError.default_detail)
    if isinstance(exception, DisallowedHost):
        return business_response(400, "This server does not answer for that Host header.")
    return business_response(400, "The request is malformed.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return business_response(403, "You do not have permission to perform this action.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return business_response(404, "The requested resource was not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return business_response(
        500, "An unexpected error occurred. Please try again later.", key=areas.GENERAL_ENGINE
    )
