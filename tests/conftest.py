from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from adcreative.tenancy import credits
from adcreative.tenancy.models import Application
from adcreative.tenancy.secrets import Credentials

ROOT = Path(__file__).resolve().parent.parent
FAULT_LEASE_SECONDS = 6  # the lease of a test's own diffusion worker: a killed one is taken over soon
SHARED_PHOTOS = ROOT.parent / "shared" / "photos"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("RUN_GPU") == "1":
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU; set RUN_GPU=1 on a GPU machine")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """No rate-limit counter, trusted key or remembered download carries over from another test."""
    from adcreative import memo

    cache.clear()
    memo.clear_all()


@pytest.fixture(autouse=True)
def _no_log_context() -> Iterator[None]:
    """Ids a test bound outside any request (services called directly) stay out of the next test's lines."""
    from adcreative.api import tracing

    tokens = tracing.fresh_context()
    yield
    tracing.reset_context(tokens)


@pytest.fixture(autouse=True)
def _broker_not_refusing() -> Iterator[None]:
    """A test that has the broker refuse a message leaves no pause on later tests."""
    import adcreative.celery

    yield
    adcreative.celery.refusal_marker().unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _own_media_root(request: pytest.FixtureRequest, tmp_path: Path, settings: Any) -> None:
    """Each test writes files into its own folder, so "nothing was written" can be checked.

    Tests that cross the queue keep the shared folder: the worker process reads the same files.
    """
    if "celery_worker" not in request.keywords:
        settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class Tenant:
    application: Application
    credentials: Credentials

    @property
    def id(self) -> str:
        return str(self.application.id)

    def key_headers(self) -> dict[str, str]:
        return {"x-api-key": self.credentials.api_key, "x-api-secret": self.credentials.api_secret}


def make_tenant(name: str = "Acme", balance: int | None = 10) -> Tenant:
    application = Application(name=name)
    credentials = application.set_credentials()
    application.save()
    if balance is not None:
        credits.open_account(application, balance, "Opening balance")
    return Tenant(application, credentials)


@pytest.fixture
def tenant(db: None) -> Tenant:
    return make_tenant()


@pytest.fixture
def other_tenant(db: None) -> Tenant:
    return make_tenant("Other Co")


@pytest.fixture
def client() -> Client:
    # Real responses for errors, as a client sees them, instead of exceptions raised into the test.
    return Client(raise_request_exception=False)


def post_json(client: Client, path: str, body: object, **headers: str):
    return client.post(path, body, content_type="application/json", headers=headers)


def token_pair(client: Client, tenant: Tenant) -> dict[str, str]:
    response = post_json(
        client,
        "/api/v1/Authorization/GenerateJwtToken",
        {"applicationId": tenant.id, "jwtPrivateKey": tenant.credentials.jwt_private_key},
    )
    assert response.status_code == 200, response.content
    body: dict[str, str] = response.json()
    return body


def database_url_of_test_database() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """A Redis of a test's own on a free loopback port (never the machine's), that the test stops and starts
    again. `persistent`: with an append-only file, as the compose file runs it (a restart keeps the queue);
    without, it comes back empty, as a restarted container without a volume or a promoted replica can."""

    def __init__(self, folder: Path, persistent: bool) -> None:
        import shutil

        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed: this test starts a Redis of its own to stop")
        self.port = free_port()
        self.command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "yes" if persistent else "no",
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis writes its append-only file (if any) and exits
            self.process.wait(timeout=20)


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    """Wait until `url` answers 2xx, while `process` (what serves it) is still running."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the process serving {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer within {seconds:g} s") from None
            time.sleep(0.25)


WORKER_METRICS: dict[str, str] = {}  # queue -> host:port of the session worker's metrics


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: object, u2net_home: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Real `celery worker` processes on Redis against the test database, as deployed: one on the `gpu`
    queue (one process, so the warmed-up models serve every task of the run) and one on `default`
    (notifications, beat jobs), so a slow webhook receiver cannot hold up a render.
    """
    broker = os.environ["CELERY_BROKER_URL"]
    redis.Redis.from_url(broker).flushdb()  # no leftovers from an earlier run
    env = {**os.environ, "DATABASE_URL": database_url_of_test_database(), "PYTHONUNBUFFERED": "1",
           "LOG_FORMAT": "json"}  # fmt: skip  # test_logs reads the workers' lines
    log = open(Path(settings.VAR_DIR) / "celery-worker.log", "wb")  # noqa: SIM115
    workers = []
    for queue, concurrency in (("gpu", "1"), ("default", "2")):
        WORKER_METRICS[queue] = f"127.0.0.1:{free_port()}"  # each serves its metrics, as deployed
        workers.append(
            start_worker(queue, concurrency, {**env, "WORKER_METRICS_BIND": WORKER_METRICS[queue]}, log)
        )
    try:
        for worker, queue in zip(workers, ("gpu", "default"), strict=True):
            _wait_for_worker(worker, queue)
        # Models load once per process; on a fresh virtualenv the first load (numba, torch) takes a while.
        from adcreative.recommendations.tasks import warm_up

        warm_up.apply_async().get(timeout=600)
        yield workers[0]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()


def worker_command(queue: str, concurrency: str, name: str) -> list[str]:
    """A Celery worker started as the Makefile, runstack and compose start one (runstack's WORKER_OPTIONS),
    under a node name of its own (`name` and a random suffix)."""
    from adcreative.ops.management.commands.runstack import WORKER_OPTIONS

    celery = [sys.executable, "-m", "celery", "-A", "adcreative", "worker", "--pool", "prefork"]
    return [
        *celery,
        "-Q",
        queue,
        "-c",
        concurrency,
        "-n",
        f"{name}-{uuid.uuid4().hex[:8]}@%h",
        *WORKER_OPTIONS,
    ]


def start_worker(
    queue: str, concurrency: str, env: dict[str, str], log: IO[bytes]
) -> subprocess.Popen[bytes]:
    command = worker_command(queue, concurrency, f"test-{queue}")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for_worker(worker: subprocess.Popen[bytes], queue: str) -> None:
    from adcreative.ops.tasks import gpu_ping, ping

    probe = gpu_ping if queue == "gpu" else ping

    deadline = time.monotonic() + 60
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            log = (Path(settings.VAR_DIR) / "celery-worker.log").read_text(errors="replace")
            raise RuntimeError(f"celery worker exited with {worker.returncode}:\n{log[-3000:]}")
        try:
            probe.apply_async(args=("ready?",)).get(timeout=5)
            return
        except Exception as exc:  # not consuming yet: ask again until the deadline
            last_error = exc
    raise RuntimeError(f"celery worker did not answer a ping within 60 s: {last_error!r}")


def photo_bytes(name: str) -> bytes:
    """A real product photo from ../shared/photos; the test is skipped where there is none (a user's clone)."""
    path = SHARED_PHOTOS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here: the sample photos live beside the project, in ../shared/photos")
    return path.read_bytes()


@pytest.fixture
def can_train(settings: Any, tmp_path: Path) -> Path:
    """The web side of a service that fine-tunes: the diffusion engine and an SD 1.5 inpainting base."""
    base = tmp_path / "sd-inpaint"
    base.mkdir()
    (base / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionInpaintPipeline"}))
    settings.GENERATION_ENGINE, settings.SD_INPAINT_MODEL, settings.FINETUNE_BASE_MODEL = (
        "diffusion",
        str(base),
        str(base),
    )
    return base


@pytest.fixture(scope="session")
def u2net_home() -> str:
    """The embedded background-removal weights, provisioned once (make test does it before pytest)."""
    from workers.provision import provision_u2netp

    provision_u2netp(Path(settings.U2NET_HOME))
    return str(settings.U2NET_HOME)


@pytest.fixture
def own_broker() -> Iterator[str]:
    """A Redis database of this test's own, so the session's workers never see its messages."""
    url = os.environ["TEST_REDIS_URL"].rsplit("/", 1)[0] + "/13"
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def diffusion_env(own_broker: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a gpu worker of a test's own on the tiny random inpainting pipeline: slow enough
    on a CPU (seconds a creative) to be killed in the middle of a render; a short lease."""
    from tests.tiny_models import tiny_inpainting_pipeline

    model = tiny_inpainting_pipeline(tmp_path_factory.mktemp("sd-inpaint"))
    return {
        **os.environ, "DATABASE_URL": database_url_of_test_database(), "CELERY_BROKER_URL": own_broker,
        "CELERY_RESULT_BACKEND": own_broker, "GENERATION_ENGINE": "diffusion", "SD_INPAINT_MODEL": str(model),
        "DIFFUSION_STEPS": "8", "TASK_LEASE_SECONDS": str(FAULT_LEASE_SECONDS), "PYTHONUNBUFFERED": "1",
    }  # fmt: skip
