"""create_application, health, readiness and metrics, as an operator uses them."""

from __future__ import annotations

import json
import os
import re
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from adcreative.tenancy.models import Application
from tests.conftest import Tenant, post_json


def test_it_creates_an_application_from_the_command_line(client: Client, db: None) -> None:
    out = StringIO()
    call_command("create_application", "--name", "CLI shop", "--credits", "7", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    application = Application.objects.get(pk=printed["applicationId"])
    assert application.name == "CLI shop" and application.credit_account.balance == 7
    assert re.fullmatch(r"[0-9a-f]{32}", printed["apiKey"]) and re.fullmatch(
        r"[0-9a-f]{64}", printed["apiSecret"]
    )
    body = {"applicationId": printed["applicationId"], "jwtPrivateKey": printed["jwtPrivateKey"]}
    assert post_json(client, "/api/v1/Authorization/GenerateJwtToken", body).status_code == 200


def test_it_refuses_negative_opening_credits(db: None) -> None:
    with pytest.raises(CommandError, match="--credits must be 0 or more"):
        call_command("create_application", "--name", "x", "--credits", "-1")
    assert not Application.objects.exists()


def test_it_reports_liveness_and_readiness(client: Client, db: None) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


def test_it_exports_request_metrics(client: Client, db: None) -> None:
    client.get("/api/v1/Image/ProductGeneration/PresetKeys")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics["Content-Type"].startswith("text/plain")
    assert b'http_requests_total{method="GET",route="preset-keys",status="200"}' in metrics.content


def test_it_exports_the_tasks_in_each_render_state_and_the_queue_depths(
    client: Client, tenant: Tenant
) -> None:
    import redis
    from prometheus_client.parser import text_string_to_metric_families

    from tests.helpers import queued_process

    queued_process(tenant, prompts=3)
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    broker.rpush("gpu", b"{}", b"{}")  # two messages waiting; no worker of this test consumes them
    try:
        text = client.get("/metrics").content.decode()
    finally:
        broker.delete("gpu")
    samples = {
        (s.name, tuple(s.labels.values())): s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
    }
    assert samples[("photoshoot_tasks", ("Queued",))] == 3 and samples[("photoshoot_tasks", ("Failed",))] == 0
    assert samples[("photoshoot_queue_depth", ("gpu",))] == 2


def test_gpu_memory_is_recorded_where_torch_has_a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from prometheus_client import REGISTRY

    from adcreative import telemetry

    cuda = SimpleNamespace(
        is_available=lambda: True,
        is_initialized=lambda: True,
        device_count=lambda: 1,
        memory_allocated=lambda device: 3 * 2**30,
        memory_reserved=lambda device: 4 * 2**30,
    )
    monkeypatch.setitem(sys.modules, "torch", SimpleNamespace(cuda=cuda))
    telemetry.record_gpu_memory()
    read = REGISTRY.get_sample_value
    assert read("photoshoot_gpu_memory_bytes", {"device": "0", "kind": "allocated"}) == 3 * 2**30
    assert read("photoshoot_gpu_memory_bytes", {"device": "0", "kind": "reserved"}) == 4 * 2**30


def test_gpu_memory_never_imports_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    from adcreative import telemetry

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    telemetry.record_gpu_memory()
    assert "torch" not in sys.modules


@override_settings(METRICS_TOKEN="m3trics")
def test_it_guards_metrics_with_a_token_when_one_is_set(client: Client, db: None) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer m3trics"}).status_code == 200


def test_it_flushes_expired_refresh_token_records(client: Client, db: None) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from adcreative.ops.tasks import flush_expired_tokens

    OutstandingToken.objects.create(jti="old", token="t", expires_at=timezone.now() - timedelta(days=1))
    OutstandingToken.objects.create(jti="new", token="t", expires_at=timezone.now() + timedelta(days=1))
    assert flush_expired_tokens() == 1
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["new"]


def test_runstack_starts_a_process_again_when_it_dies_and_stops_all_on_ctrl_c(tmp_path) -> None:
    # A worker that a broker outage or the OOM killer ended used to take the whole stack down with it.
    import os
    import signal
    import sys
    import threading
    import time

    from adcreative.ops.management.commands.runstack import supervise

    pids = tmp_path / "pids"
    sleeper = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); time.sleep(120)"
    stop, said = threading.Event(), list[str]()
    thread = threading.Thread(
        target=supervise, args=({"worker": [sys.executable, "-c", sleeper, str(pids)]}, stop, said.append)
    )
    thread.start()

    def started() -> list[int]:
        return [int(line) for line in pids.read_text().split()] if pids.exists() else []

    try:
        deadline = time.monotonic() + 20
        while len(started()) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(started()[0], signal.SIGKILL)
        while len(started()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(started()) == 2, said
        assert said and said[0].startswith("worker exited with -9; starting it again")
    finally:
        stop.set()
        thread.join(timeout=30)
    time.sleep(0.2)
    proc = Path(f"/proc/{started()[-1]}/stat")  # the restarted one was terminated with the rest on Ctrl-C
    assert not proc.exists() or proc.read_text().rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.parametrize("exit_code", [0, 1, -9])
def test_runstack_starts_a_process_again_however_it_exits(tmp_path, exit_code: int) -> None:
    """A clean exit (a warm shutdown), an error (Celery's "Unrecoverable error" exits 1) and a kill: each
    is started again, and one that had run for STABLE_SECONDS comes back after 1 s, not its old backoff."""
    import sys
    import threading
    import time
    from unittest import mock

    from adcreative.ops.management.commands import runstack

    pids = tmp_path / "pids"
    ending = "os.kill(os.getpid(), 9)" if exit_code == -9 else f"sys.exit({exit_code})"
    quitter = f"import os, sys, time; open(sys.argv[1], 'a').write('x'); time.sleep(0.3); {ending}"
    stop, said = threading.Event(), list[str]()
    with mock.patch.object(runstack, "STABLE_SECONDS", 0.2):  # each run counts as a stable one
        thread = threading.Thread(
            target=runstack.supervise,
            args=({"worker": [sys.executable, "-c", quitter, str(pids)]}, stop, said.append),
        )
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while (not pids.exists() or len(pids.read_text()) < 4) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            thread.join(timeout=30)
    assert len(pids.read_text()) >= 4, said  # started, then started again three times
    assert said[:3] == [f"worker exited with {exit_code}; starting it again in 1 s."] * 3


def test_runstack_says_serving_only_once_the_web_answers_and_the_gpu_worker_is_warm(tmp_path) -> None:
    import http.server
    import threading
    import time

    from adcreative.ops.management.commands.runstack import announce_when_ready

    class Healthz(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Healthz)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bind = f"127.0.0.1:{server.server_address[1]}"
    marker, said, stop = tmp_path / "worker-gpu.warm", list[str](), threading.Event()
    try:
        waiting = threading.Thread(target=announce_when_ready, args=(bind, marker, stop, said.append, 30.0))
        waiting.start()
        time.sleep(1.0)
        assert said == []  # the web answers, but the worker's models are not loaded yet
        marker.write_text("{}")
        waiting.join(timeout=10)
        assert said == [f"Serving http://{bind}/  (API docs at /api/docs/, admin at /admin/)"]
        # A worker that never gets warm: "Serving" after the timeout, saying what is missing.
        marker.unlink()
        assert announce_when_ready(bind, marker, stop, said.append, 0.5) is False
        assert said[-1].endswith("still waiting for the gpu worker's models: see the logs above")
    finally:
        stop.set()
        server.shutdown()


def test_runstack_gives_each_worker_its_own_metrics_address(monkeypatch: pytest.MonkeyPatch) -> None:
    from adcreative.ops.management.commands.runstack import environments

    monkeypatch.setenv("WORKER_METRICS_BIND", "127.0.0.1:9101")
    envs = environments("127.0.0.1:9101")
    assert envs["worker-gpu"]["WORKER_METRICS_BIND"] == "127.0.0.1:9101"
    assert envs["worker-cpu"]["WORKER_METRICS_BIND"] == "127.0.0.1:9102"
    assert "WORKER_METRICS_BIND" not in envs["web"] and "WORKER_METRICS_BIND" not in envs["beat"]
    assert envs["web"]["PATH"] == os.environ["PATH"]
    assert environments("") == {}  # every process inherits this one's environment


def test_metrics_still_answer_when_the_database_is_down(client: Client, db: None) -> None:
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("adcreative.ops.metrics.Task.objects.order_by", side_effect=OperationalError("down")):
        metrics = client.get("/metrics")
    assert metrics.status_code == 200 and b"http_requests_total" in metrics.content
    assert b"photoshoot_tasks{" not in metrics.content and b"photoshoot_queue_depth" in metrics.content
