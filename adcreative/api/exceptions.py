"""Errors as exception classes, rendered by `adcreative.api.handlers` in the contract's business shape.

Two families. `ServiceError` and its kinds are what services raise when a request breaks a rule: they
carry the area and the words, never an HTTP status (the handler's table gives each kind its status).
`BusinessError` and its subclasses are raised where HTTP is already the subject (authentication,
uploads, rate limits) and know their status themselves.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException

from adcreative.api import areas


class BusinessError(APIException):
    status_code: int = status.HTTP_400_BAD_REQUEST
    default_detail = "The request could not be processed."
    default_code = "business"
    key = areas.GENERAL

    def __init__(
        self,
        message: str | None = None,
        key: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        """One message under `key`, or (`errors`) several keys, as the public API sends for some failures."""
        super().__init__(message or self.default_detail)
        if key is not None:
            self.key = key
        self.errors = errors or {self.key: [str(self.detail)]}


class NotAuthenticatedError(BusinessError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Token is missing, invalid or ApplicationId is not found in the token."
    default_code = "not_authenticated"


class PayloadTooLargeError(BusinessError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ServiceUnavailableError(BusinessError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Please try again later."
    default_code = "unavailable"


class ServiceError(Exception):
    """A request a service refuses: one message under `business: <area>`, or (`errors`) several keys."""

    def __init__(self, message: str = "", area: str = "", errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {areas.business(area) if area else areas.GENERAL: [message]}


class NotFound(ServiceError):
    """What the request names does not exist, or belongs to another application."""


class Conflict(ServiceError):
    """The request contradicts one made earlier (an Idempotency-Key used with another body)."""


class PaymentRequired(ServiceError):
    """The application has no credits left for what it asked."""


class Unavailable(ServiceError):
    """Something the request needs (the task queue, the database) is unreachable for a moment: retry."""


class Refused(ServiceError):
    """The service cannot do what is asked as it is set up (a feature its engine lacks): 400."""


class InvalidField(ServiceError):
    """One field's value is not acceptable to the service (answered in the validation shape)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, errors={field: [message]})
