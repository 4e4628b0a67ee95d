"""W3C trace-context: every request gets a trace id, reused from an incoming `traceparent` header."""

from __future__ import annotations

import contextvars
import logging
import re
import secrets

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("traceparent", default="")


def new_traceparent(incoming: str | None) -> str:
    """Keep the caller's trace id (so its logs and ours join up) and start a new span of our own."""
    trace_id = ""
    match = _TRACEPARENT.match((incoming or "").strip().lower())
    if match and match.group(2) != "0" * 32 and match.group(1) != "ff":
        trace_id = match.group(2)
    if not trace_id:
        trace_id = secrets.token_hex(16)
    return f"00-{trace_id}-{secrets.token_hex(8)}-00"


def set_current(traceparent: str) -> contextvars.Token[str]:
    return _current.set(traceparent)


def reset_current(token: contextvars.Token[str]) -> None:
    _current.reset(token)


def current() -> str:
    """The traceparent of the request being served, or a fresh one outside any request."""
    return _current.get() or new_traceparent(None)


class TraceIdFilter(logging.Filter):
    """Puts the current trace id on every log record, so one request's lines can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = _current.get() or "-"
        return True
