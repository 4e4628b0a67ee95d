"""Faults through real worker processes: a render whose worker (its pool process, or all of it) is killed
mid-render completes once; cut database connections and a stopped broker are survived."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from kombu import Connection

from adcreative.creatives.models import Task
from adcreative.creatives.tasks import render, render_process
from tests.conftest import ROOT, RedisServer, Tenant, database_url_of_test_database, worker_command
from tests.helpers import queued_process


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def start_worker(env: dict[str, str], *options: str, queues: str = "gpu") -> subprocess.Popen[bytes]:
    log = open(Path(settings.VAR_DIR) / "fault-worker.log", "ab")  # noqa: SIM115
    command = [*worker_command(queues, "1", "fault"), *options]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.fixture
def diffusion_worker(diffusion_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    worker = start_worker(diffusion_env)
    yield worker
    stop(worker)


def wait_for(condition: object, seconds: float, what: str) -> Task:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        task = condition()  # type: ignore[operator]
        if task:
            return task  # type: ignore[no-any-return]
        time.sleep(0.2)
    log = (Path(settings.VAR_DIR) / "fault-worker.log").read_text(errors="replace")[-3000:]
    raise AssertionError(f"{what} did not happen within {seconds} s; worker log:\n{log}")


def render_until_mid_way(tenant: Tenant, broker: str, settings: object) -> Task:
    """Send one creative's render to the tiny-pipeline worker and wait until it is rendering."""
    setattr(settings, "GENERATION_ENGINE", "diffusion")  # noqa: B010 - the web side sends one batched message
    process, (task,) = queued_process(tenant, prompts=1)
    with Connection(broker) as connection:
        render_process.apply_async((str(process.id),), connection=connection)

    def rendering() -> Task | None:
        current = Task.objects.get(id=task.id)
        return current if current.render_state == Task.State.RENDERING and current.progress > 10 else None

    return wait_for(rendering, 180, "the first render")  # the first load imports torch and diffusers


def assert_completed_once(done: Task) -> None:
    """Completed by the engine on its second attempt, with exactly one result file."""
    assert (done.render_state, done.engine, done.attempts) == (Task.State.COMPLETED, "diffusion", 2)
    assert done.result.name and done.result.storage.exists(done.result.name)
    results = list(Path(done.result.storage.path(done.result.name)).parent.glob("result*.png"))
    assert len(results) == 1, "completed exactly once"


def finished(task: Task, seconds: float, what: str) -> Task:
    def done() -> Task | None:
        current = Task.objects.get(id=task.id)
        return current if current.render_state in Task.FINISHED else None

    started = time.monotonic()
    found = wait_for(done, seconds, what)
    print(f"{what}: {time.monotonic() - started:.1f} s")  # the recovery time the README reports (pytest -s)
    return found


@pytest.mark.celery_worker  # keeps the shared media folder: the worker reads the cut-out the test stores
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_pool_process_is_killed_completes_once_within_a_minute(
    tenant: Tenant, own_broker: str, diffusion_worker: subprocess.Popen[bytes], settings: object
) -> None:
    task = render_until_mid_way(tenant, own_broker, settings)
    (child,) = children_of(diffusion_worker.pid)
    os.kill(child, signal.SIGKILL)  # the pool process dies mid-render; the worker starts another
    killed_at = time.monotonic()
    done = finished(task, 60, "completion after the kill")
    assert time.monotonic() - killed_at < 60
    assert_completed_once(done)


@pytest.mark.celery_worker  # keeps the shared media folder: the worker reads the cut-out the test stores
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_whole_worker_is_killed_completes_once_within_a_minute_of_a_new_one(
    tenant: Tenant,
    diffusion_env: dict[str, str],
    diffusion_worker: subprocess.Popen[bytes],
    settings: object,
    tmp_path: Path,
) -> None:
    # The machine lost the worker and its pool (OOM killer, a node gone): its message stays unacked in
    # Redis for the visibility timeout, and its task "Rendering" with a lease nobody renews. A new worker
    # comes up (what restarts it: `runstack`, compose); the reaper on its beat hands the task back.
    task = render_until_mid_way(tenant, diffusion_env["CELERY_BROKER_URL"], settings)
    for pid in [*children_of(diffusion_worker.pid), diffusion_worker.pid]:
        os.kill(pid, signal.SIGKILL)
    diffusion_worker.wait(timeout=10)
    replacement = start_worker(
        {**diffusion_env, "REAPER_INTERVAL_SECONDS": "2"},
        "--beat",
        "--schedule",
        str(tmp_path / "beat-schedule"),
        queues="gpu,default",  # the reaper's queue too, as one small machine runs it
    )
    try:
        wait_for(lambda: children_of(replacement.pid), 60, "the new worker's start")
        up_at = time.monotonic()
        done = finished(task, 60, "completion by the new worker")
        assert time.monotonic() - up_at < 60
    finally:
        stop(replacement)
    assert_completed_once(done)


@pytest.mark.celery_worker  # keeps the shared media folder: the worker reads the cut-out the test stores
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_database_connection_is_terminated_mid_render_completes(
    tenant: Tenant, own_broker: str, diffusion_worker: subprocess.Popen[bytes], settings: object
) -> None:
    # PostgreSQL restarted, or a pooler cut the worker's connection while it rendered.
    from django.db import connection

    task = render_until_mid_way(tenant, own_broker, settings)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchall(), "the worker had its connections open"
    done = finished(task, 90, "completion after the connections were cut")
    assert (done.render_state, done.engine) == (Task.State.COMPLETED, "diffusion")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A Redis of this test's own, persistent like the compose file's, that the test stops and starts."""
    server = RedisServer(tmp_path, persistent=True)
    server.start()
    yield server.url(), server.stop, server.start
    server.stop()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_renders_resume_after_the_broker_stops_and_comes_back(
    tenant: Tenant, own_redis: tuple[str, Callable[[], None], Callable[[], None]]
) -> None:
    """A worker supervised as `make run` supervises it, its Redis stopped for 5 s while messages wait."""
    import threading

    from adcreative.ops.management.commands.runstack import supervise

    broker, stop_redis, start_redis = own_redis
    env = {**os.environ, "DATABASE_URL": database_url_of_test_database(), "CELERY_BROKER_URL": broker,
           "CELERY_RESULT_BACKEND": broker, "PYTHONUNBUFFERED": "1"}  # fmt: skip
    worker = worker_command("gpu", "1", "outage")
    stopping, said = threading.Event(), list[str]()
    supervisor = threading.Thread(
        target=supervise, args=({"worker-gpu": worker}, stopping, said.append, {"worker-gpu": env})
    )
    supervisor.start()
    try:
        process, tasks = queued_process(tenant, prompts=6)
        with Connection(broker) as connection:
            for task in tasks:
                render.apply_async((str(task.id),), connection=connection)
        started = Task.objects.filter(process=process).exclude(render_state=Task.State.QUEUED)
        deadline = time.monotonic() + 120
        while not started.exists() and time.monotonic() < deadline:  # the worker has booted and taken one
            time.sleep(0.05)
        assert started.exists(), said
        stop_redis()  # while it renders, with the next message prefetched and others waiting
        time.sleep(5)
        start_redis()
        back = time.monotonic()

        def all_done() -> bool:
            return (
                not Task.objects.filter(process=process).exclude(render_state=Task.State.COMPLETED).exists()
            )

        deadline = time.monotonic() + 90
        while not all_done() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert all_done(), (
            list(Task.objects.filter(process=process).values_list("render_state", flat=True)),
            said,
        )
        assert time.monotonic() - back < 90
        finished = list(Task.objects.filter(process=process).values_list("attempts", flat=True))
        assert max(finished) <= 2, finished
    finally:
        stopping.set()
        supervisor.join(timeout=60)
