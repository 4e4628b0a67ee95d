"""What the client raises: the service's two error bodies as exceptions, and a render that did not finish.

The service answers errors as `application/problem+json` in one of two shapes: field validation (400, a
`traceId` at the top) and business or engine errors (401, 402, 404, 409, 429, 5xx and other 400s, the
`traceId` under `extensions`). Both carry `errors`: a list of messages per field or per area.
"""

from __future__ import annotations

from typing import Any


class PhotoshootError(Exception):
    """Anything the client could not complete."""


class ApiError(PhotoshootError):
    """The service refused or failed a request."""

    def __init__(
        self,
        status: int,
        errors: dict[str, list[str]],
        trace_id: str | None,
        title: str,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.status, self.errors, self.trace_id, self.title, self.body = status, errors, trace_id, title, body
        self.retry_after = retry_after  # seconds, where the service said when to try again (429, 503)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Every message of the body, prefixed with its field or area, on one line."""
        parts = [
            f"{key.rstrip(':')}: {text}" if key else text
            for key, texts in self.errors.items()
            for text in texts
        ]
        return f"{self.status} {'; '.join(parts) or self.title}"

    def __str__(self) -> str:
        return self.message + (f" (traceId {self.trace_id})" if self.trace_id else "")


class ValidationError(ApiError):
    """400 with field errors: `errors` maps each refused field to its messages."""


class BusinessError(ApiError):
    """A business or engine error (authentication, credits, not found, conflicts, limits, the service)."""


class RateLimited(BusinessError):
    """429 still, after the client's own retries: `retry_after` is the service's advice in seconds."""


class RenderFailed(PhotoshootError):
    """A process ended with tasks that failed or were cancelled: `tasks` are those tasks as the service
    reported them (each with its `renderStateName` and `error`)."""

    def __init__(self, process_id: str, tasks: list[dict[str, Any]]) -> None:
        self.process_id, self.tasks = process_id, tasks
        reasons = "; ".join(
            f"task {t.get('order')}: {t.get('renderStateName')} ({t.get('error') or 'no reason given'})"
            for t in tasks
        )
        super().__init__(f"process {process_id}: {reasons}")


def retry_after(headers: Any) -> float | None:
    """The `Retry-After` header in seconds (only the delay form; the service never sends a date)."""
    raw = headers.get("Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def error_from(status: int, body: Any, text: str, headers: Any) -> ApiError:
    """The exception for an error response, by the shape of its body."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), dict):
        # Not the service's body (a proxy's page, a server that is not this one): say what came back.
        detail = " ".join(text.split())[:300] or "no body"
        return BusinessError(status, {"": [detail]}, None, "The server answered with an error.", body)
    errors = {
        str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in body["errors"].items()
    }
    title = str(body.get("title") or "")
    if "extensions" in body:
        extensions = body.get("extensions")
        trace = extensions.get("traceId") if isinstance(extensions, dict) else None
        kind = RateLimited if status == 429 else BusinessError
        return kind(status, errors, trace, title, body, retry_after=retry_after(headers))
    return ValidationError(status, errors, body.get("traceId"), title, body)
