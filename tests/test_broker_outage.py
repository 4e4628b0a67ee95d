"""Broker outages through real processes, started as `manage.py runstack` (and so `make run`) starts them.

Each test runs a Redis of its own that it stops and starts again *empty* (no persistence: a restarted
container without a volume, a replica promoted after a failover), so every message it held is lost:
- with Redis down, every endpoint answers within 5 s and never 500; those that need no broker keep working;
- with Redis stopped for a few seconds while a six-prompt process renders and a webhook's retry is pending,
  every creative completes within 60 s of Redis's return, each TaskCompleted reaches the receiver once,
  and both workers and beat are still the processes they were.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from adcreative.celery import NEVER_SENT
from adcreative.creatives.models import Process, Task
from adcreative.notifications.models import NotificationChannel
from adcreative.ops.management.commands.runstack import stack, supervise
from adcreative.recommendations.models import Recommendation
from tests.conftest import RedisServer, Tenant, database_url_of_test_database, free_port, wait_until_up
from tests.drawing import bottle_photo, encode
from tests.helpers import BASE, PROMPTS, cutout_asset
from tests.support.receiver import Receiver, running
from tests.test_download import finished_process

ROOT = Path(__file__).resolve().parent.parent
ANSWER_SECONDS = 5.0
RECOVERY_SECONDS = 60.0


def stack_env(redis: RedisServer, **extra: str) -> dict[str, str]:
    """The environment of a deployment on `redis`: the broker, the results and the cache all on it, as
    the compose file has them, over the test database and its files."""
    return {
        **os.environ, "DATABASE_URL": database_url_of_test_database(), "CELERY_BROKER_URL": redis.url(0),
        "CELERY_RESULT_BACKEND": redis.url(1), "CACHE_URL": redis.url(2), "STORAGE_ROOT": settings.MEDIA_ROOT,
        "PYTHONUNBUFFERED": "1", **extra,
    }  # fmt: skip


@pytest.fixture
def empty_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path, persistent=False)
    server.start()
    yield server
    server.stop()


def timed(method: str, url: str, **kwargs: Any) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.request(method, url, timeout=30, **kwargs)
    return response, time.monotonic() - started


def assert_answered_in_the_contract(name: str, response: requests.Response, seconds: float) -> None:
    assert seconds < ANSWER_SECONDS, f"{name} took {seconds:.1f} s"
    assert response.status_code != 500, f"{name}: {response.text}"
    if response.status_code == 503:  # a business error with a time to come back, never a bare failure
        body = response.json()
        assert response.headers["Retry-After"].isdigit(), name
        assert body["title"] == "One or more errors occurred." and body["errors"], f"{name}: {body}"


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_every_endpoint_answers_within_5_s_and_never_500(
    tenant: Tenant, empty_redis: RedisServer, tmp_path: Path
) -> None:
    process, (task,) = finished_process(tenant)
    asset = cutout_asset(tenant)
    port = free_port()
    log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen(
        stack(f"127.0.0.1:{port}", 2)["web"], cwd=ROOT, env=stack_env(empty_redis), stdout=log, stderr=log
    )
    base, keys = f"http://127.0.0.1:{port}", tenant.key_headers()
    try:
        wait_until_up(f"{base}/healthz", web)
        empty_redis.stop()
        answers = {
            "GenerateJwtToken": timed("POST", f"{base}/api/v1/Authorization/GenerateJwtToken", json={
                "applicationId": tenant.id, "jwtPrivateKey": tenant.credentials.jwt_private_key}),
            "CheckUserProgress": timed("GET", f"{base}{BASE}/CheckUserProgress", headers=keys, params={
                "applicationId": tenant.id, "imageProductGeneratorProcessId": str(process.id)}),
            "Download": timed("GET", f"{base}{BASE}/Download", headers=keys, params={
                "applicationId": tenant.id, "taskId": str(task.id),
                "imageProductGeneratorProcessId": str(process.id)}),
            "NotificationChannel": timed("POST", f"{base}/api/v1/NotificationChannel", headers=keys, json={
                "type": "Webhook", "url": "http://127.0.0.1:9/hooks"}),
            "Recommendations": timed("POST", f"{base}{BASE}/Recommendations", headers=keys,
                data={"applicationId": tenant.id},
                files={"productImage": ("p.png", encode(bottle_photo(), "PNG"), "image/png")}),
            "AdCreative": timed("POST", f"{base}{BASE}/AdCreative", headers=keys, data={
                "applicationId": tenant.id, "productImageAssetId": str(asset.id), "productName": "red bottle",
                "PromptObjectsString": json.dumps(PROMPTS[:2])}),
            "AdCreative again": timed("POST", f"{base}{BASE}/AdCreative", headers=keys, data={
                "applicationId": tenant.id, "productImageAssetId": str(asset.id), "productName": "red bottle",
                "PromptObjectsString": json.dumps(PROMPTS[:1])}),
        }  # fmt: skip
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()
    print({name: (response.status_code, round(seconds, 2)) for name, (response, seconds) in answers.items()})
    for name, (response, seconds) in answers.items():
        assert_answered_in_the_contract(name, response, seconds)
    statuses = {name: response.status_code for name, (response, _) in answers.items()}
    web_log = (tmp_path / "web.log").read_text(errors="replace")[-3000:]
    # What needs no broker keeps working: tokens, progress, downloads, channels.
    assert statuses["GenerateJwtToken"] == 200 and statuses["CheckUserProgress"] == 200, (statuses, web_log)
    assert statuses["Download"] == 200 and answers["Download"][0].content.startswith(b"\x89PNG"), statuses
    assert statuses["NotificationChannel"] in (200, 201), (statuses, answers["NotificationChannel"][0].text)
    # Work the broker could not take is either refused (503) or recorded, to be sent when it is back.
    assert statuses["Recommendations"] in (200, 202, 503) and statuses["AdCreative"] in (200, 202, 503)
    assert statuses["AdCreative again"] == 503  # the pause after a refused send: nothing stored for it
    unsent = list(Task.objects.exclude(process=process).values_list("queued_at", flat=True))
    assert unsent == ([NEVER_SENT] * 2 if statuses["AdCreative"] != 503 else []), unsent
    assert Process.objects.count() == (2 if statuses["AdCreative"] != 503 else 1)
    if statuses["Recommendations"] != 503:
        assert list(Recommendation.objects.values_list("queued_at", flat=True)) == [NEVER_SENT]


@pytest.mark.celery_worker  # the workers of this stack read the files this test stores
@pytest.mark.django_db(transaction=True)
def test_a_redis_blip_that_loses_the_queue_loses_no_creative_and_no_notification(
    tenant: Tenant, empty_redis: RedisServer, tmp_path: Path
) -> None:
    port, stopping, said = free_port(), threading.Event(), list[str]()
    # A retry 3 s after the receiver's 500: pending (a message with a countdown) while Redis is down.
    env = stack_env(empty_redis, NOTIFICATION_RETRY_BASE_SECONDS="3", NOTIFICATION_RETRY_MAX_SECONDS="3")
    commands = stack(f"127.0.0.1:{port}", 2)
    logs = tmp_path / "stack.log"
    with running(Receiver(answers=[500])) as receiver, logs.open("wb") as log:
        NotificationChannel.objects.create(
            application=tenant.application, type=NotificationChannel.Type.WEBHOOK, url=receiver.url
        )
        asset = cutout_asset(tenant)
        supervisor = threading.Thread(
            target=supervise, args=(commands, stopping, said.append, dict.fromkeys(commands, env), log)
        )
        supervisor.start()
        try:
            recovered = _blip_while_rendering(
                tenant, asset, f"http://127.0.0.1:{port}", empty_redis, receiver
            )
        finally:
            stopping.set()
            supervisor.join(timeout=90)
    text = logs.read_text(errors="replace")
    assert not said and "Unrecoverable error" not in text, (said, text[-4000:])  # no process exited
    print(f"every creative completed {recovered:.1f} s after Redis came back")


def _up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer within {seconds} s"
        time.sleep(0.25)


def _blip_while_rendering(
    tenant: Tenant, asset: Any, base: str, redis: RedisServer, receiver: Receiver
) -> float:
    _up(f"{base}/healthz", 120)
    response = requests.post(f"{base}{BASE}/AdCreative", headers=tenant.key_headers(), timeout=30, data={
        "applicationId": tenant.id, "productImageAssetId": str(asset.id), "productName": "red bottle",
        "PromptObjectsString": json.dumps(PROMPTS[:6])})  # fmt: skip
    assert response.status_code == 200, response.text
    process = Process.objects.get(id=response.json()["imageProductGeneratorProcessId"])
    tasks = Task.objects.filter(process=process)
    deadline = time.monotonic() + 300  # a fresh worker loads its models first
    while not tasks.exclude(render_state=Task.State.QUEUED).exists():  # the gpu worker took the first
        assert time.monotonic() < deadline, "no render started"
        time.sleep(0.05)
    receiver.wait_for(lambda messages: len(messages) >= 1, seconds=30)  # answered 500: a retry is pending
    redis.stop()
    time.sleep(4)
    redis.start()  # empty: every message it held is gone
    back = time.monotonic()
    while tasks.exclude(render_state=Task.State.COMPLETED).exists():
        assert time.monotonic() - back < RECOVERY_SECONDS, list(tasks.values_list("render_state", flat=True))
        time.sleep(0.25)
    recovered = time.monotonic() - back
    completed = receiver.wait_for(
        lambda messages: sum(m["MessageType"] == "ImageGenerationProcessCompleted" for m in messages) == 1,
        seconds=RECOVERY_SECONDS - recovered,
    )
    done = sorted(m["TaskId"] for m in completed if m["MessageType"] == "ImageGenerationTaskCompleted")
    assert done == sorted(str(task_id) for task_id in tasks.values_list("id", flat=True))  # each once
    assert max(tasks.values_list("attempts", flat=True)) <= 2  # none rendered twice over
    return recovered
