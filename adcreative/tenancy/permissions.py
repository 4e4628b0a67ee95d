"""Every private endpoint needs an authenticated application, and acts only for that application."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from adcreative.api import tracing
from adcreative.api.exceptions import NotAuthenticatedError
from adcreative.memo import Memo
from adcreative.tenancy.models import Application

if TYPE_CHECKING:
    from rest_framework.views import APIView


_NONE = uuid.UUID(int=0)  # remembered for a query string that names no applicationId
_claimed_in_query: Memo[uuid.UUID] = Memo(max_entries=1024)


def claimed_application_id(request: Request) -> uuid.UUID | None:
    """The `applicationId` a request names in its query or body; malformed ones are left to the serializer."""
    query_string = request.META.get("QUERY_STRING", "")
    claimed = _claimed_in_query.get(query_string)  # a client polling sends the same query again and again
    if claimed is None:
        claimed = _parsed_id(request.query_params.get("applicationId")) or _NONE
        _claimed_in_query.put(query_string, claimed, 3600)
    if claimed is _NONE and request.method not in ("GET", "HEAD") and hasattr(request.data, "get"):
        return _parsed_id(request.data.get("applicationId"))
    return None if claimed is _NONE else claimed


def _parsed_id(raw: object) -> uuid.UUID | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


class IsApplication(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        application = request.user
        if not isinstance(application, Application):
            return False
        claimed = claimed_application_id(request)
        if claimed is not None and claimed != application.id:
            raise NotAuthenticatedError()
        tracing.bind(application_id=application.id)  # the request's log lines name it from here on
        return True


def current_application(request: Request) -> Application:
    """The application a request acts for; views behind IsApplication always have one."""
    application = request.user
    if not isinstance(application, Application):
        raise NotAuthenticatedError()
    return application
