"""Errors as exception classes: each knows its status, its key in `errors` and its message.

Views raise them; `adcreative.api.handlers` renders every one in the contract's business shape.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException

from adcreative.api.errors import GENERAL_KEY


class BusinessError(APIException):
    status_code: int = status.HTTP_400_BAD_REQUEST
    default_detail = "The request could not be processed."
    default_code = "business"
    key = GENERAL_KEY

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


class NotFoundError(BusinessError):
    status_code = status.HTTP_404_NOT_FOUND
    default_detail = "The requested resource was not found."
    default_code = "not_found"


class PaymentRequiredError(BusinessError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = "Insufficient API Key Credits."
    default_code = "payment_required"


class ConflictError(BusinessError):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PayloadTooLargeError(BusinessError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ServiceUnavailableError(BusinessError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Please try again later."
    default_code = "unavailable"
