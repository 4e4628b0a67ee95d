"""Faults that must not lose work or confuse a client: a broker that refuses a message, a task handed
back for a retry (renderState never steps back)."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from kombu.exceptions import OperationalError as BrokerDown

from adcreative.creatives import state
from adcreative.creatives.models import Process, Task
from adcreative.creatives.tasks import render
from adcreative.notifications.models import Delivery, NotificationChannel
from adcreative.notifications.tasks import flush_channel
from tests.conftest import ROOT, Tenant
from tests.helpers import PROMPTS, ad_creative, cutout_asset, queued_process


def refuse(*args: Any, **kwargs: Any) -> None:
    raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_broker_that_refuses_the_render_still_answers_the_process_it_created(
    client: Client, tenant: Tenant, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from adcreative.celery import NEVER_SENT
    from adcreative.ops.tasks import reap_stuck_work

    asset = cutout_asset(tenant)
    with (
        mock.patch.object(render, "delay", side_effect=refuse) as send,
        django_capture_on_commit_callbacks(execute=True),
        caplog.at_level(logging.ERROR),
    ):
        response = ad_creative(client, tenant, str(asset.id), PROMPTS[:2])
    assert response.status_code == 200, response.content  # accepted: the rows are committed
    assert send.call_count == 2 and "the beat jobs will send it again" in caplog.text
    process = Process.objects.get(id=response.json()["imageProductGeneratorProcessId"])
    tasks = list(process.tasks.all())
    assert [(t.render_state, t.queued_at) for t in tasks] == [(Task.State.QUEUED, NEVER_SENT)] * 2
    # While the broker refuses, new work is answered 503 at once, and nothing is stored for it.
    again = ad_creative(client, tenant, str(asset.id), PROMPTS[:1])
    assert again.status_code == 503 and again["Retry-After"] == "5"
    assert again.json()["errors"] == {
        "business: ProductGeneration/AdCreative": [
            "The task queue is unreachable right now. Please retry in a few seconds."
        ]
    }
    assert Process.objects.count() == 1
    # The reaper's next tick (every REAPER_INTERVAL_SECONDS) sends the refused ones: no 10-minute wait.
    with mock.patch.object(render, "delay") as resend:
        assert reap_stuck_work()["renders_resent"] == 2
    assert sorted(call.args[0] for call in resend.call_args_list) == sorted(str(t.id) for t in tasks)


REFUSED_ELSEWHERE = """
import django; django.setup()
from unittest import mock
from kombu.exceptions import OperationalError
from adcreative.celery import send_on_commit
from adcreative.creatives.tasks import render
with mock.patch.object(render, "delay", side_effect=OperationalError("Connection refused.")):
    send_on_commit(render, "an-id")
"""


def test_a_send_refused_in_one_web_process_pauses_new_work_in_the_others_of_the_host() -> None:
    """gunicorn runs several web processes: the one that found the broker down tells the others, which
    would otherwise each accept (and store) one more piece of work before finding out for themselves."""
    from adcreative.celery import broker_refusing

    assert not broker_refusing()
    subprocess.run([sys.executable, "-c", REFUSED_ELSEWHERE], cwd=ROOT, check=True, capture_output=True)
    assert broker_refusing()


@pytest.mark.django_db(transaction=True)  # hooks run at the commit, as in production, not at a test's end
def test_a_photo_whose_message_the_broker_refuses_is_answered_at_once_with_its_id(
    client: Client, tenant: Tenant, settings: Any
) -> None:
    import time

    from adcreative.recommendations.models import Recommendation
    from adcreative.recommendations.tasks import recommend
    from tests.drawing import bottle_photo, encode

    settings.RECOMMENDATION_WAIT_SECONDS = 30
    photo = encode(bottle_photo((320, 400)), "PNG")
    started = time.monotonic()
    with mock.patch.object(recommend, "delay", side_effect=refuse):
        response = client.post(
            "/api/v1/Image/ProductGeneration/Recommendations",
            {"productImage": SimpleUploadedFile("bottle.png", photo, "image/png")},
            headers=tenant.key_headers(),
        )
    assert response.status_code == 202 and time.monotonic() - started < 5  # not the 30 s wait
    assert Recommendation.objects.filter(id=response.json()["recommendationId"]).exists()
    refused = client.post(
        "/api/v1/Image/ProductGeneration/Recommendations",
        {"productImage": SimpleUploadedFile("bottle.png", photo, "image/png")},
        headers=tenant.key_headers(),
    )
    assert refused.status_code == 503 and Recommendation.objects.count() == 1


def test_a_broker_that_refuses_a_notification_does_not_fail_the_render(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    channel = NotificationChannel.objects.create(
        application=tenant.application, type=NotificationChannel.Type.WEBHOOK, url="http://127.0.0.1:9/"
    )
    _, (task,) = queued_process(tenant, prompts=1)
    claimed = state.claim(str(task.id))
    assert claimed is not None
    with (
        mock.patch.object(flush_channel, "delay", side_effect=refuse),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert state.advance(claimed, Task.State.RENDERING, 40)
    assert Task.objects.get(id=task.id).render_state == Task.State.RENDERING
    # The message waits in the outbox for beat's send_due.
    assert Delivery.objects.filter(channel=channel, status=Delivery.Status.PENDING).count() == 3


def test_a_task_handed_back_keeps_its_render_state_for_clients_and_channels(
    client: Client, tenant: Tenant
) -> None:
    channel = NotificationChannel.objects.create(
        application=tenant.application, type=NotificationChannel.Type.WEBHOOK, url="http://127.0.0.1:9/"
    )
    from datetime import timedelta

    from django.utils import timezone

    from adcreative.ops.tasks import reap_stuck_work

    process, (task,) = queued_process(tenant, prompts=1)
    claimed = state.claim(str(task.id))
    assert claimed is not None and state.advance(claimed, Task.State.RENDERING, 60)
    state.release(str(task.id))  # a retry after a database error, say
    assert state.held_until(id=task.id) is None  # handed back: no worker's lease holds it any more
    Task.objects.filter(id=task.id).update(queued_at=timezone.now() - timedelta(hours=1))
    with mock.patch.object(render, "delay") as send:  # or the reaper re-sending it: its message was lost
        assert reap_stuck_work()["renders_resent"] == 1 and send.call_count == 1
    seen = client.get(
        "/api/v1/Image/ProductGeneration/CheckUserProgress",
        {"applicationId": tenant.id, "imageProductGeneratorProcessId": str(process.id)},
        headers=tenant.key_headers(),
    ).json()["processes"][0]["tasks"][0]
    assert (seen["renderState"], seen["progress"]) == (Task.State.RENDERING, 60)
    again = state.claim(str(task.id))  # the retry takes it where it was
    assert again is not None and (again.render_state, again.progress, again.attempts) == (3, 60, 2)
    assert state.advance(again, Task.State.RENDERING, 70) and state.advance(again, Task.State.FINALIZING, 90)
    sent = [d.payload["RenderState"] for d in Delivery.objects.filter(channel=channel).order_by("id")]
    assert sent == sorted(sent) and sent[-1] == Task.State.FINALIZING


DEEP = "[" * 10_000 + "]" * 10_000
LONG_NUMBER = "9" * 5_000


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        '{"a":' * 10_000 + "1" + "}" * 10_000,
        '{"applicationId": ' + LONG_NUMBER + "}",
        '{"applicationId": NaN}',
        "[" * 40 + "]" * 40,
    ],
    ids=["lists-10000-deep", "objects-10000-deep", "5000-digit-number", "nan", "40-deep"],
)
def test_a_json_body_nested_without_end_or_with_a_huge_number_is_a_400(client: Client, body: str) -> None:
    response = client.post("/api/v1/Authorization/GenerateJwtToken", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "One or more validation errors occurred."


@pytest.mark.parametrize(
    "prompts",
    [DEEP, '{"a":' * 10_000 + "1" + "}" * 10_000, f'[{{"tag": "preset", "preset": {LONG_NUMBER}}}]'],
    ids=["lists-10000-deep", "objects-10000-deep", "5000-digit-number"],
)
def test_prompt_objects_nested_without_end_or_with_a_huge_number_are_a_field_error(
    client: Client, tenant: Tenant, prompts: str
) -> None:
    response = client.post(
        "/api/v1/Image/ProductGeneration/AdCreative",
        {"productImageAssetId": str(cutout_asset(tenant).id), "PromptObjectsString": prompts},
        headers=tenant.key_headers(),
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "PromptObjectsString": ["The value is not a valid JSON array of prompt objects."]
    }


def test_a_database_that_drops_the_connection_answers_503_with_retry_after(
    client: Client, tenant: Tenant
) -> None:
    from django.db import OperationalError

    from adcreative.tenancy.models import CreditAccount

    with mock.patch.object(
        CreditAccount.objects,
        "filter",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get(f"/api/v1/Credits?applicationId={tenant.id}", headers=tenant.key_headers())
    assert response.status_code == 503 and response["Retry-After"] == "5"
    body = response.json()
    assert body["title"] == "One or more errors occurred." and list(body["errors"]) == ["business:"]


def test_a_dropped_connection_while_waiting_for_a_recommendation_still_gives_its_id(
    client: Client, tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import OperationalError

    from adcreative.recommendations.models import Recommendation
    from tests.drawing import bottle_photo, encode

    photo = encode(bottle_photo((320, 400)), "PNG")
    with (
        django_capture_on_commit_callbacks(execute=False),
        mock.patch.object(Recommendation, "refresh_from_db", side_effect=OperationalError("connection lost")),
    ):
        response = client.post(
            "/api/v1/Image/ProductGeneration/Recommendations",
            {"productImage": SimpleUploadedFile("bottle.png", photo, "image/png")},
            headers=tenant.key_headers(),
        )
    assert response.status_code == 202, response.content
    recommendation_id = response.json()["recommendationId"]
    assert Recommendation.objects.filter(id=recommendation_id).exists()  # committed: the client can poll it
    assert response["Location"].endswith(f"/Recommendations/{recommendation_id}")


def test_rate_limit_counters_live_in_the_brokers_redis_by_default() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "CACHE_URL"}
    shown = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={
            **env,
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
            "DJANGO_SETTINGS_MODULE": "adcreative.settings",
        },
    ).stdout
    assert "RedisCache" in shown and "redis://127.0.0.1:6379/14" in shown


def test_uploads_have_a_stricter_budget_than_polling(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adcreative.api.throttling import RateThrottle

    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "upload", "2/minute")
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "poll", "5/minute")
    headers = tenant.key_headers()
    uploads = [
        client.post("/api/v1/Image/ProductGeneration/AdCreative", {}, headers=headers).status_code
        for _ in range(3)
    ]
    assert uploads == [400, 400, 429]  # the form is invalid; the third is not even read
    progress = "/api/v1/Image/ProductGeneration/CheckUserProgress"
    polls = [
        client.get(progress, {"applicationId": tenant.id}, headers=headers).status_code for _ in range(6)
    ]
    assert polls == [200] * 5 + [429]  # its own budget, untouched by the uploads
    assert client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=headers).status_code == 200


def test_the_reaper_takes_a_task_whose_lease_ran_out_and_leaves_a_live_one(tenant: Tenant) -> None:
    # A whole worker killed: its unacknowledged message comes back only after the visibility timeout, so
    # beat's reaper (every REAPER_INTERVAL_SECONDS) sends the task again once its lease has run out.
    from datetime import timedelta

    from django.utils import timezone

    from adcreative.ops.tasks import reap_stuck_work

    _, (dead, live) = queued_process(tenant, prompts=2)
    for task in (dead, live):
        claimed = state.claim(str(task.id))
        assert claimed is not None and state.advance(claimed, Task.State.RENDERING, 40)
    Task.objects.filter(id=dead.id).update(lease_until=timezone.now() - timedelta(seconds=1))
    with mock.patch.object(render, "delay") as send:
        assert reap_stuck_work()["renders_resent"] == 1
    assert [call.args for call in send.call_args_list] == [(str(dead.id),)]
    again = state.claim(str(dead.id))
    assert again is not None and (again.render_state, again.progress, again.attempts) == (3, 40, 2)
    assert state.claim(str(live.id)) is None  # its worker renews the lease: nobody takes it


def test_a_recommendation_whose_worker_died_is_taken_over_once_its_lease_runs_out(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from adcreative.ops.tasks import reap_stuck_work
    from adcreative.recommendations import services
    from adcreative.recommendations import state as recommendation_state
    from adcreative.recommendations.models import Recommendation
    from adcreative.recommendations.tasks import recommend
    from tests.drawing import bottle_photo, encode
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    with django_capture_on_commit_callbacks(execute=False):
        record = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    held = recommendation_state.claim(str(record.id))
    assert held is not None and recommendation_state.claim(str(record.id)) is None  # a live worker holds it
    assert (
        recommendation_state.held_until(str(record.id)) is not None
    )  # the duplicate retries after the lease
    Recommendation.objects.filter(id=record.id).update(lease_until=timezone.now() - timedelta(seconds=1))
    with mock.patch.object(recommend, "delay") as send:  # the worker is gone: beat's reaper sends it again
        assert reap_stuck_work()["recommendations_resent"] == 1
    assert [call.args for call in send.call_args_list] == [(str(record.id),)]
    again = recommendation_state.claim(str(record.id))
    assert again is not None and again.attempts == 2


def test_a_full_disk_while_storing_a_result_leaves_no_file_and_no_completed_task(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from django.core.files.storage import default_storage

    _, (task,) = queued_process(tenant, prompts=1)
    claimed = state.claim(str(task.id))
    assert claimed is not None and state.advance(claimed, Task.State.FINALIZING, 90)
    storage: Any = default_storage
    real_save, saved = storage._save, list[str]()

    def fills_up(name: str, content: Any) -> str:
        if saved:  # the PNG fits; the thumbnail does not
            raise OSError(errno.ENOSPC, "No space left on device")
        saved.append(str(real_save(name, content)))
        return saved[-1]

    monkeypatch.setattr(storage, "_save", fills_up)
    with pytest.raises(OSError, match="No space left"):  # transient: the task's retry tries again
        state.complete(claimed, b"\x89PNG result", b"\xff\xd8 thumbnail", {}, engine="studio")
    assert saved and not default_storage.exists(saved[0])  # the PNG written before the failure is gone
    stored = Task.objects.get(id=task.id)
    assert (stored.render_state, stored.result.name, stored.thumbnail.name) == (Task.State.FINALIZING, "", "")
    assert stored.download_url is None  # nothing to serve


def test_uploads_beyond_the_waiting_slots_are_answered_at_once(
    client: Client, tenant: Tenant, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # 20 uploads at once held all 16 web threads for up to a minute each: pollers got no answer for 30 s
    # (bench/load.py). A request that finds every waiting slot of its process taken does not wait.
    import time

    from adcreative.recommendations.services import waiting_slots
    from tests.drawing import bottle_photo, encode

    settings.RECOMMENDATION_WAIT_SECONDS, settings.RECOMMENDATION_MAX_WAITING = 30, 2
    slots = waiting_slots(2)
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)  # two uploads are waiting
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=False):
            response = client.post(
                "/api/v1/Image/ProductGeneration/Recommendations",
                {
                    "productImage": SimpleUploadedFile(
                        "bottle.png", encode(bottle_photo(), "PNG"), "image/png"
                    )
                },
                headers=tenant.key_headers(),
            )
        assert response.status_code == 202 and time.monotonic() - started < 5, response.content
    finally:
        slots.release()
        slots.release()
