"""Log lines: JSON in production (LOG_FORMAT=json), readable in development, each with the trace id and
the ids known where it was written, in the web and in the workers alike."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from adcreative.api import tracing
from tests.conftest import Tenant, make_tenant
from tests.helpers import ad_creative, cutout_asset, poll_until_done
from tests.test_download import URL, finished_process, query

TRACE = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE}-b7ad6b7169203331-01"


@contextmanager
def lines_written(formatter: logging.Formatter) -> Iterator[list[str]]:
    """What the root logger writes meanwhile, as the console handler of LOGGING writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(tracing.LogContextFilter())
    handler.setFormatter(formatter)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    written: list[str] = []
    try:
        yield written
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        written += stream.getvalue().splitlines()


def test_a_requests_json_lines_carry_its_trace_and_what_it_acts_on(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    tracing.fresh_context()  # finished_process called the services outside any request and bound ids
    with lines_written(tracing.JsonFormatter()) as written:
        response = client.get(URL, query(task), headers={**tenant.key_headers(), "traceparent": TRACEPARENT})
        logging.getLogger("adcreative.test").info("after the request")
    assert response.status_code == 200
    records = [json.loads(line) for line in written]  # every line is one JSON object
    assert all({"time", "level", "logger", "message", "pid"} <= set(r) for r in records)
    (download,) = [r for r in records if r["message"].startswith("download of task")]
    assert download["traceId"] == response["traceparent"] and download["traceId"].split("-")[1] == TRACE
    assert download["applicationId"] == tenant.id
    assert (download["taskId"], download["processId"]) == (str(task.id), str(task.process_id))
    (after,) = [r for r in records if r["message"] == "after the request"]
    assert not {"traceId", "applicationId", "taskId", "processId"} & set(
        after
    )  # the request's, not the thread's


def test_a_plain_line_names_the_trace_and_the_known_ids() -> None:
    formatter = tracing.PlainFormatter("%(levelname)s %(name)s [%(context)s] %(message)s")
    with lines_written(formatter) as written:
        logging.getLogger("adcreative.test").info("outside any request")
        with tracing.bound(application_id="a1", task_id="t1"):
            logging.getLogger("adcreative.test").info("inside")
    assert written == [
        "INFO adcreative.test [trace=-] outside any request",
        "INFO adcreative.test [trace=- application=a1 task=t1] inside",
    ]


def test_an_exception_is_one_json_line_with_its_traceback() -> None:
    with lines_written(tracing.JsonFormatter()) as written:
        try:
            raise ValueError("no such thing")
        except ValueError:
            logging.getLogger("adcreative.test").exception("it failed")
    (line,) = written
    record = json.loads(line)
    assert record["level"] == "ERROR" and "ValueError: no such thing" in record["exception"]


@pytest.mark.parametrize("production", [True, False])
def test_production_logs_json_by_default(production: bool) -> None:
    environment = {"PRODUCTION": "true" if production else "false", "SECRET_KEY": "k" * 64,
                   "JWT_SIGNING_KEY": "j" * 64, "LOG_FORMAT": ""}  # fmt: skip
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LOG_FORMAT)"],
        env={**os.environ, **environment, "DJANGO_SETTINGS_MODULE": "adcreative.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(settings.BASE_DIR),
    ).stdout.strip()
    assert shown == ("json" if production else "plain")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_workers_lines_carry_the_senders_trace_and_the_task(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    prompts = [{"tag": "preset", "preset": "white_background"}]
    sent = ad_creative(client, tenant, str(cutout_asset(tenant).id), prompts, traceparent=TRACEPARENT)
    assert sent.status_code == 200, sent.content
    body, _ = poll_until_done(client, tenant, sent.json()["imageProductGeneratorProcessId"])
    (task,) = body["tasks"]
    log = (Path(settings.VAR_DIR) / "celery-worker.log").read_text(errors="replace")
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]  # not Celery's banner
    rendered = [
        r for r in records if r.get("taskId") == task["taskId"] and r["message"].startswith("rendered")
    ]
    assert rendered, log[-2000:]
    (line,) = rendered
    assert line["traceId"].split("-")[1] == TRACE  # the request's trace, the worker's own span
    assert (
        line["processId"] == body["imageProductGeneratorProcessId"]
        and line["logger"] == "adcreative.creatives.tasks"
    )
