"""W3C trace-context: every request gets a trace id, reused from an incoming `traceparent` header.

Log lines carry it, and the ids of what is being worked on where they are known (`bound`): the application
a request acts for, a process, a task, a recommendation, a fine-tune. A Celery message carries the
traceparent of the request that sent it (adcreative.celery), so a request's lines and its worker's join up.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("traceparent", default="")
# The ids a log line names, by their field: application_id, process_id, task_id, recommendation_id, …
_ids: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("log_ids", default={})  # noqa: B039
LOGGED_IDS = ("application_id", "process_id", "task_id", "recommendation_id", "fine_tune_id", "channel_id")


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


def current_or_empty() -> str:
    """The traceparent of the request being served; "" outside one."""
    return _current.get()


def current() -> str:
    """The traceparent of the request being served, or a fresh one outside any request."""
    return _current.get() or new_traceparent(None)


def bind(**ids: object) -> contextvars.Token[dict[str, str]]:
    """Name these ids (application_id=…, task_id=…) on every log line from here to `unbind`."""
    return _ids.set({**_ids.get(), **{k: str(v) for k, v in ids.items() if v is not None}})


def unbind(token: contextvars.Token[dict[str, str]]) -> None:
    _ids.reset(token)


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    token = bind(**ids)
    try:
        yield
    finally:
        unbind(token)


def fresh_context() -> tuple[contextvars.Token[str], contextvars.Token[dict[str, str]]]:
    """No trace and no ids: the start of a request or a task, whatever the thread did before."""
    return _current.set(""), _ids.set({})


def reset_context(tokens: tuple[contextvars.Token[str], contextvars.Token[dict[str, str]]]) -> None:
    _current.reset(tokens[0])
    _ids.reset(tokens[1])


class LogContextFilter(logging.Filter):
    """Puts the trace id and the bound ids on every log record ("-" where unknown), so one request's or
    one task's lines can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = _current.get() or "-"
        ids = _ids.get()
        for name in LOGGED_IDS:
            setattr(record, name, ids.get(name, "-"))
        return True


def _known_ids(record: logging.LogRecord) -> list[tuple[str, str]]:
    """The ids LogContextFilter put on a record that are known ("-" is unknown), in LOGGED_IDS' order."""
    return [(name, value) for name in LOGGED_IDS if (value := getattr(record, name, "-")) != "-"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json): time (UTC), level, logger, message, pid, traceId, the
    known ids (applicationId, processId, taskId, …) and the exception's traceback where there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": os.getpid(),
        }
        trace = getattr(record, "trace_id", "-")
        if trace != "-":
            line["traceId"] = trace
        line.update((_camel(name), value) for name, value in _known_ids(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """A readable line: time, level, logger, [trace=… and the known ids], message."""

    def format(self, record: logging.LogRecord) -> str:
        known = [f"{name.removesuffix('_id')}={value}" for name, value in _known_ids(record)]
        record.context = " ".join([f"trace={getattr(record, 'trace_id', '-')}", *known])
        return super().format(record)
