"""Notification channels: the CRUD API, the SSRF guard, signed webhooks and RabbitMQ, retries and order."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import time
import uuid
from datetime import timedelta
from typing import Any, cast
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from kombu import Connection

from adcreative.creatives import state
from adcreative.creatives.models import Task
from adcreative.creatives.tasks import render
from adcreative.notifications import delivery, outbox, tasks
from adcreative.notifications import messages as message
from adcreative.notifications.models import Delivery, DeliveryAttempt, NotificationChannel
from tests.conftest import Tenant, free_port, make_tenant, post_json
from tests.helpers import PROMPTS, ad_creative, cutout_asset, poll_until_done, queued_process
from tests.support.receiver import Receiver, running

URL = "/api/v1/NotificationChannel"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"


def create_channel(client: Client, tenant: Tenant, **body: Any) -> Any:
    return post_json(client, URL, body, **tenant.key_headers())


def webhook(tenant: Tenant, url: str, **fields: Any) -> NotificationChannel:
    return NotificationChannel.objects.create(
        application=tenant.application, type=NotificationChannel.Type.WEBHOOK, url=url, **fields
    )


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does with X-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>."""
    parts = dict(item.split("=", 1) for item in headers["X-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


@pytest.fixture
def rabbitmq() -> str:
    """The machine's RabbitMQ (guest/guest on 127.0.0.1:5672); the test is skipped where none runs."""
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError:
        pytest.skip("RabbitMQ is not running on 127.0.0.1:5672 (start it with `rabbitmq-server -detached`)")
    return RABBITMQ


def secret_of(queue_name: str) -> str:
    return NotificationChannel.objects.get(queue_name=queue_name).signing_secret


# --- the API --------------------------------------------------------------------------------------


def test_it_creates_lists_reads_changes_and_deletes_channels(client: Client, tenant: Tenant) -> None:
    created = create_channel(
        client, tenant, type="Webhook", url="http://127.0.0.1:9/hook", includeImageData=True
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["signingSecret"].startswith("whsec_") and len(body["signingSecret"]) == 70
    assert body["type"] == "Webhook" and body["isActive"] is True and body["includeImageData"] is True
    assert body["applicationId"] == tenant.id
    channel_url = f"{URL}/{body['id']}"

    listed = client.get(URL, headers=tenant.key_headers()).json()
    assert [c["id"] for c in listed] == [body["id"]] and "signingSecret" not in listed[0]
    read = client.get(channel_url, headers=tenant.key_headers()).json()
    assert read["url"] == "http://127.0.0.1:9/hook" and "signingSecret" not in read

    changed = client.patch(
        channel_url, {"isActive": False}, content_type="application/json", headers=tenant.key_headers()
    )
    assert changed.status_code == 200 and changed.json()["isActive"] is False
    assert client.delete(channel_url, headers=tenant.key_headers()).status_code == 204
    gone = client.get(channel_url, headers=tenant.key_headers())
    assert gone.status_code == 404
    assert gone.json()["errors"] == {"business: NotificationChannel/Get": ["Notification channel not found."]}


def test_it_masks_the_rabbitmq_password(client: Client, tenant: Tenant) -> None:
    body = create_channel(
        client, tenant, type="rabbitmq", connectionString=RABBITMQ, queueName="creatives"
    ).json()
    assert body["type"] == "RabbitMQ" and body["connectionString"] == "amqp://guest:****@127.0.0.1:5672//"
    assert NotificationChannel.objects.get(id=body["id"]).connection_string == RABBITMQ


def test_it_hides_another_applications_channels(client: Client, tenant: Tenant, other_tenant: Tenant) -> None:
    theirs = webhook(other_tenant, "http://127.0.0.1:9/")
    assert client.get(URL, headers=tenant.key_headers()).json() == []
    for method in (client.get, client.delete):
        assert method(f"{URL}/{theirs.id}", headers=tenant.key_headers()).status_code == 404
    assert client.post(f"{URL}/{theirs.id}/Test", headers=tenant.key_headers()).status_code == 404
    assert NotificationChannel.objects.filter(id=theirs.id).exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"type": ["The type field is required."]}),
        ({"type": "Email"}, {"type": ["The value 'Email' is not valid. Use Webhook or RabbitMQ."]}),
        ({"type": "Webhook"}, {"url": ["The url field is required."]}),
        (
            {"type": "RabbitMQ", "queueName": "q"},
            {"connectionString": ["The connectionString field is required."]},
        ),
        (
            {"type": "RabbitMQ", "connectionString": "redis://x/0", "queueName": ""},
            {
                "connectionString": ["The connectionString must be an amqp:// or amqps:// URL."],
                "queueName": ["The queueName field is required."],
            },
        ),
        (
            {"type": "Webhook", "url": "https://1.1.1.1/", "colour": 1},
            {"colour": ["The colour field is not recognised."]},
        ),
    ],
)
def test_it_names_each_bad_field(client: Client, tenant: Tenant, body: dict[str, Any], errors: Any) -> None:
    response = create_channel(client, tenant, **body)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not NotificationChannel.objects.exists()


REFUSED = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.10/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://[::1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:a00:1::1]/",
    "http://100.100.100.200/",
    "http://[64:ff9b:1::a00:1]/",
    "http://[::a00:1]/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_ssrf_guard_refuses_non_public_addresses(
    client: Client, tenant: Tenant, settings: Any, url: str
) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = False
    response = create_channel(client, tenant, type="Webhook", url=url)
    assert response.status_code == 400, url
    (message,) = response.json()["errors"]["url"]
    assert "only public addresses are allowed" in message


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/hook", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("gopher://1.1.1.1/", "must start with http:// or https://"),
        ("http://user:secret@1.1.1.1/", "user name or password"),
        ("https://no-such-host.invalid/hook", "could not be resolved"),
        ("http://1.1.1.1:99999/", "not a valid URL"),
    ],
)
def test_the_ssrf_guard_refuses_other_schemes_credentials_and_unknown_hosts(
    client: Client, tenant: Tenant, settings: Any, url: str, why: str
) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = False
    response = create_channel(client, tenant, type="Webhook", url=url)
    assert response.status_code == 400
    assert why in response.json()["errors"]["url"][0]


def test_the_ssrf_guard_accepts_a_public_address(client: Client, tenant: Tenant, settings: Any) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = False
    assert create_channel(client, tenant, type="Webhook", url="https://1.1.1.1/hooks").status_code == 201


def test_the_ssrf_guard_checks_again_at_send_time(tenant: Tenant, settings: Any) -> None:
    with running(Receiver()) as receiver:
        channel = webhook(tenant, receiver.url)  # allowed when created (a private address was allowed then)
        settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = False
        message = Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "1"})
        outcome = delivery.send(channel, message)
    assert not outcome.succeeded and "only public addresses are allowed" in outcome.error
    assert receiver.received == []


def test_the_test_action_sends_a_signed_message_and_says_what_happened(
    client: Client, tenant: Tenant
) -> None:
    with running(Receiver(answers=[200, 503])) as receiver:
        created = create_channel(client, tenant, type="Webhook", url=receiver.url).json()
        ok = client.post(f"{URL}/{created['id']}/Test", headers=tenant.key_headers()).json()
        failed = client.post(f"{URL}/{created['id']}/Test", headers=tenant.key_headers()).json()
    assert ok["success"] is True and ok["statusCode"] == 200 and ok["error"] is None
    assert failed == {**failed, "success": False, "statusCode": 503, "error": "The receiver answered 503."}
    first = receiver.received[0]
    assert verify(created["signingSecret"], first.headers, first.body)
    assert first.message["MessageType"] == "NotificationChannelTest"
    assert first.headers["X-Message-Id"] == first.message["MessageId"] == ok["messageId"]
    assert first.headers["Content-Type"] == "application/json"
    assert DeliveryAttempt.objects.filter(delivery__channel_id=created["id"]).count() == 2


def test_adcreative_needs_an_active_channel_when_required(
    client: Client, tenant: Tenant, settings: Any
) -> None:
    settings.REQUIRE_NOTIFICATION_CHANNEL = True
    asset = cutout_asset(tenant)
    refused = ad_creative(client, tenant, str(asset.id), PROMPTS[:1])
    assert refused.status_code == 404
    assert refused.json()["errors"] == {
        "business: ProductGeneration/AdCreative": [
            f"No active notification channel configurations found for Application {tenant.id}"
        ]
    }
    webhook(tenant, "http://127.0.0.1:9/")
    with mock.patch.object(render, "delay"):
        assert ad_creative(client, tenant, str(asset.id), PROMPTS[:1]).status_code == 200


# --- events and the outbox ------------------------------------------------------------------------


def test_events_are_written_with_the_change_or_not_at_all(tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    _, tasks = queued_process(tenant)
    assert Delivery.objects.filter(channel=channel).count() == 2  # two tasks Queued
    with pytest.raises(RuntimeError), transaction.atomic():
        state.fail(str(tasks[0].id), "engine", "boom")
        raise RuntimeError("the change rolls back")
    assert Delivery.objects.filter(channel=channel).count() == 2
    assert Task.objects.get(id=tasks[0].id).render_state == Task.State.QUEUED


def test_no_channel_no_messages_and_inactive_channels_get_none(tenant: Tenant) -> None:
    webhook(tenant, "http://127.0.0.1:9/", is_active=False)
    queued_process(tenant)
    assert not Delivery.objects.exists()


def test_progress_within_a_state_is_sent_at_most_once_a_second(tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    _, (task,) = queued_process(tenant, prompts=1)
    claimed = state.claim(str(task.id))
    assert claimed is not None
    state.advance(claimed, Task.State.RENDERING, 10)
    for progress in range(11, 40):
        state.advance(claimed, Task.State.RENDERING, progress)
    states = [d.payload["RenderState"] for d in Delivery.objects.filter(channel=channel).order_by("id")]
    assert states == [1, 2, 3], "Queued, Preparing, Rendering; the progress steps inside a second are dropped"
    time.sleep(1.05)
    state.advance(claimed, Task.State.RENDERING, 50)
    last = Delivery.objects.filter(channel=channel).order_by("id").last()
    assert last is not None and last.payload["Progress"] == 50


def test_the_last_finished_task_adds_one_process_completed(tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    process, (first, _) = queued_process(tenant)
    state.fail(str(first.id), "engine", "The engine ran out of memory.")
    state.cancel(process)
    state.cancel(process)
    kinds = [d.message_type for d in Delivery.objects.filter(channel=channel).order_by("id")]
    assert kinds == [
        message.PROGRESS,
        message.PROGRESS,
        message.TASK_FAILED,
        message.PROGRESS,
        message.PROCESS_COMPLETED,
    ]
    failed = Delivery.objects.get(channel=channel, message_type=message.TASK_FAILED).payload
    assert failed["Error"] == "The engine ran out of memory." and failed["RenderState"] == 6
    done = Delivery.objects.get(channel=channel, message_type=message.PROCESS_COMPLETED).payload
    assert done["Status"] == "Failed" and done["Progress"] == 100
    assert [t["RenderState"] for t in done["Tasks"]] == [6, 7]
    assert done["TaskId"] is None and done["ImageProductGeneratorProcessId"] == str(process.id)


def test_the_retry_schedule_makes_at_least_8_tries_over_about_two_hours(settings: Any) -> None:
    settings.NOTIFICATION_RETRY_BASE_SECONDS, settings.NOTIFICATION_RETRY_MAX_SECONDS = 30, 3600
    settings.NOTIFICATION_MAX_ATTEMPTS = 9
    for _ in range(20):
        waits = [delivery.retry_delay(n) for n in range(1, settings.NOTIFICATION_MAX_ATTEMPTS)]
        assert len(waits) == 8, "9 tries: the first and 8 retries"
        assert 24 <= waits[0] <= 36 and 2880 <= waits[-1] <= 4320, "30 s doubling, capped at an hour"
        assert 1.5 * 3600 <= sum(waits) <= 2.5 * 3600
    assert len({delivery.retry_delay(3) for _ in range(10)}) > 1, "jitter"


def test_a_channel_failing_for_a_day_is_deactivated_with_the_reason(tenant: Tenant) -> None:
    channel = webhook(
        tenant, f"http://127.0.0.1:{free_port()}/", failing_since=timezone.now() - timedelta(hours=25)
    )
    Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "1"})
    delivery.flush(str(channel.id))
    channel.refresh_from_db()
    assert not channel.is_active
    assert "every delivery failed since" in channel.deactivated_reason
    assert "ConnectionRefusedError" in channel.deactivated_reason


def test_a_success_resets_the_failure_clock(tenant: Tenant) -> None:
    with running(Receiver()) as receiver:
        channel = webhook(tenant, receiver.url, failing_since=timezone.now() - timedelta(hours=3))
        Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "1"})
        delivery.flush(str(channel.id))
    channel.refresh_from_db()
    assert channel.failing_since is None and channel.is_active


# --- through the real workers ---------------------------------------------------------------------


def send_messages(tenant: Tenant, count: int) -> list[str]:
    """`count` messages to every active channel of the tenant, written as the services write them."""
    ids = []
    channels = list(NotificationChannel.objects.filter(application=tenant.application, is_active=True))
    with transaction.atomic():
        rows: list[Delivery] = []
        for n in range(count):
            body = {**message.envelope("Sample", tenant.application.id, None), "Sequence": n}
            ids.append(body["MessageId"])
            rows += outbox.deliveries(body, channels, None)
        outbox.write(rows)
    return ids


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_full_flow_reaches_a_webhook_and_rabbitmq_in_order(
    client: Client, celery_worker: subprocess.Popen[bytes], rabbitmq: str
) -> None:
    tenant = make_tenant()
    queue_name = f"creatives-{uuid.uuid4().hex[:8]}"
    with running(Receiver()) as receiver:
        hook = create_channel(client, tenant, type="Webhook", url=receiver.url, includeImageData=True).json()
        create_channel(client, tenant, type="RabbitMQ", connectionString=RABBITMQ, queueName=queue_name)
        response = ad_creative(client, tenant, str(cutout_asset(tenant).id), PROMPTS[:2])
        process_id = response.json()["imageProductGeneratorProcessId"]
        body, _ = poll_until_done(client, tenant, process_id)
        assert body["status"] == "Completed"
        messages = receiver.wait_for(
            lambda ms: any(m["MessageType"] == message.PROCESS_COMPLETED for m in ms)
        )
        received = list(receiver.received)

    assert all(verify(hook["signingSecret"], r.headers, r.body) for r in received)
    assert len({m["MessageId"] for m in messages}) == len(messages), "no duplicates"
    assert messages[-1]["MessageType"] == message.PROCESS_COMPLETED and messages[-1]["Status"] == "Completed"
    for task in body["tasks"]:
        own = [m for m in messages if m["TaskId"] == task["taskId"]]
        states = [m["RenderState"] for m in own]
        assert states[0] == 1 and states[-1] == 5 and states == sorted(states), states
        assert {2, 3, 4} <= set(states), "every renderState change"
        progress = [m["Progress"] for m in own]
        assert progress == sorted(progress)
        completed = own[-1]
        assert completed["MessageType"] == message.TASK_COMPLETED
        assert completed["DownloadUrl"] == task["downloadUrl"]
        assert completed["ImageData"] and completed["ImageContentType"] == "image/jpeg"
        assert set(completed) >= {
            "MessageId",
            "ApplicationId",
            "UserId",
            "ImageProductGeneratorProcessId",
            "OccurredAt",
        }

    with Connection(RABBITMQ) as connection:
        queue = connection.SimpleQueue(queue_name)
        published = []
        while True:
            try:
                item: Any = queue.get(timeout=5)
            except queue.Empty:
                break
            raw = (
                item.body.encode() if isinstance(item.body, str) else item.body
            )  # kombu decodes utf-8 bodies
            published.append((json.loads(raw), item.properties.get("delivery_mode"), item.headers, raw))
            item.ack()
        queue.close()
        amqp_channel: Any = connection.default_channel
        amqp_channel.queue_delete(queue_name)
    assert [p[0]["MessageId"] for p in published] == [m["MessageId"] for m in messages], (
        "the same messages, in order"
    )
    assert {p[1] for p in published} == {2}, "persistent"
    assert all(verify(secret_of(queue_name), p[2], p[3]) for p in published)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_fails_twice_gets_the_message_exactly_once_more(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    tenant = make_tenant()
    with running(Receiver(answers=[500, 500])) as receiver:
        channel = webhook(tenant, receiver.url)
        (message_id,) = send_messages(tenant, 1)
        receiver.wait_for(lambda ms: len(ms) >= 3, seconds=30)
        time.sleep(1.5)  # nothing more arrives
    assert [m["MessageId"] for m in receiver.messages()] == [message_id] * 3
    attempts = list(DeliveryAttempt.objects.filter(delivery__channel=channel).order_by("id"))
    assert [(a.succeeded, a.status_code) for a in attempts] == [(False, 500), (False, 500), (True, 200)]
    assert Delivery.objects.get(channel=channel).status == Delivery.Status.SENT


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_was_down_gets_everything_in_order_when_back(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    tenant = make_tenant()
    port = free_port()
    webhook(tenant, f"http://127.0.0.1:{port}/hook")
    sent = send_messages(tenant, 5)
    time.sleep(2)  # the first tries meet a closed port
    assert DeliveryAttempt.objects.filter(succeeded=False, error__contains="Connection").exists()
    with running(Receiver(), port=port) as receiver:
        messages = receiver.wait_for(lambda ms: len({m["MessageId"] for m in ms}) == 5, seconds=30)
    assert [m["MessageId"] for m in messages] == sent


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_hanging_receiver_times_out_without_holding_up_renders(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    with running(Receiver(answers=["hang"] * 50)) as receiver:
        channel = webhook(tenant, receiver.url)
        response = ad_creative(client, tenant, str(cutout_asset(tenant).id), PROMPTS[:1])
        body, _ = poll_until_done(
            client, tenant, response.json()["imageProductGeneratorProcessId"], seconds=60
        )
        assert body["status"] == "Completed", "the render finished while the receiver hung"
        deadline = time.monotonic() + 30
        while (
            not DeliveryAttempt.objects.filter(delivery__channel=channel).exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
    attempt = DeliveryAttempt.objects.filter(delivery__channel=channel).first()
    assert attempt is not None and attempt.error == "No answer within 2 s." and attempt.latency_ms >= 1900
    assert receiver.received == []


def test_one_worker_at_a_time_sends_for_a_channel(tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    token = delivery.lease(str(channel.id))
    assert token is not None
    assert delivery.lease(str(channel.id)) is None, "held by the first"
    assert delivery.flush(str(channel.id)) is None, "a second flush leaves the channel to its holder"
    NotificationChannel.objects.filter(id=channel.id).update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    second = delivery.lease(str(channel.id))
    assert second is not None, "a dead worker's lease runs out"
    assert not delivery.renew(str(channel.id), token), "the first worker learns it lost the channel"
    delivery.release(str(channel.id), token)
    assert delivery.lease(str(channel.id)) is None, "and cannot free the second one's lease"
    delivery.release(str(channel.id), second)
    assert delivery.lease(str(channel.id)) is not None


def test_rabbitmq_brokers_pass_the_same_guard(client: Client, tenant: Tenant, settings: Any) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = False
    for connection, why in (
        ("amqp://guest:guest@127.0.0.1:5672//", "only public addresses are allowed"),
        ("amqp://10.0.0.5//", "only public addresses are allowed"),
        ("amqp://1.1.1.1//;redis://127.0.0.1:6379/0", "no failover list"),
        ("pyamqp://1.1.1.1//", "amqp:// or amqps://"),
    ):
        response = create_channel(client, tenant, type="RabbitMQ", connectionString=connection, queueName="q")
        assert response.status_code == 400 and why in response.json()["errors"]["connectionString"][0], (
            connection
        )
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = True
    assert (
        create_channel(client, tenant, type="RabbitMQ", connectionString=RABBITMQ, queueName="q").status_code
        == 201
    )


def test_a_record_from_a_worker_that_lost_the_lease_is_dropped(tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    message = Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "1"})
    stale = Delivery.objects.get(id=message.id)
    delivery.record(channel, message, delivery.SendResult(True, 200, 5, ""))
    delivery.record(channel, stale, delivery.SendResult(False, 500, 5, "late"))
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Delivery.Status.SENT, 1, "")


def test_a_missing_thumbnail_does_not_block_the_channel(tenant: Tenant) -> None:
    with running(Receiver()) as receiver:
        channel = webhook(tenant, receiver.url, include_image_data=True)
        _, (task,) = queued_process(tenant, prompts=1)
        Task.objects.filter(id=task.id).update(thumbnail="results/gone.jpg")
        Delivery.objects.all().delete()
        Delivery.objects.create(
            channel=channel, message_type=message.TASK_COMPLETED, task_id=task.id, payload={"MessageId": "1"}
        )
        delivery.flush(str(channel.id))
    (received,) = receiver.messages()
    assert "ImageData" not in received


def test_a_message_given_up_lets_the_next_one_go(tenant: Tenant, settings: Any) -> None:
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    with running(Receiver(answers=[500, 500])) as receiver:
        channel = webhook(tenant, receiver.url)
        first = Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "1"})
        Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "2"})
        wait = delivery.flush(str(channel.id))
        assert wait is not None and 0 < wait < 1, "the head waits for its retry; the second waits behind it"
        assert [m["MessageId"] for m in receiver.messages()] == ["1"]
        Delivery.objects.filter(id=first.id).update(next_attempt_at=timezone.now())
        assert delivery.flush(str(channel.id)) is None
    assert [m["MessageId"] for m in receiver.messages()] == ["1", "1", "2"]
    statuses = list(Delivery.objects.filter(channel=channel).order_by("id").values_list("status", flat=True))
    assert statuses == [Delivery.Status.FAILED, Delivery.Status.SENT]


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://224.0.0.1/"]
)
def test_allowing_private_receivers_still_refuses_metadata_and_multicast(
    client: Client, tenant: Tenant, settings: Any, url: str
) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = True
    response = create_channel(client, tenant, type="Webhook", url=url)
    assert (
        response.status_code == 400
        and "link-local, metadata, multicast or unspecified" in response.json()["errors"]["url"][0]
    )
    assert create_channel(client, tenant, type="Webhook", url="http://10.0.0.7/hook").status_code == 201


def test_an_attempt_has_the_timeout_in_all_however_slowly_the_receiver_answers(tenant: Tenant) -> None:
    with running(Receiver(answers=["drip"])) as receiver:
        channel = webhook(tenant, receiver.url)
        message = Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "1"})
        started = time.monotonic()
        outcome = delivery.send(channel, message)
        took = time.monotonic() - started
    assert not outcome.succeeded and outcome.error == "No answer within 2 s."
    assert took < 8, "cut off at the 2 s deadline, long before the 10 s drip ends"


def test_rabbitmq_publishes_to_a_queue_the_receiver_declared_its_own_way(
    tenant: Tenant, rabbitmq: str
) -> None:
    from kombu import Queue

    name = f"own-{uuid.uuid4().hex[:8]}"
    own = Queue(name, routing_key=name, durable=True, queue_arguments={"x-max-length": 1000})
    with Connection(rabbitmq) as connection:
        own(connection.default_channel).declare()
        channel = NotificationChannel.objects.create(
            application=tenant.application, type="RabbitMQ", connection_string=rabbitmq, queue_name=name
        )
        message = Delivery.objects.create(channel=channel, message_type="X", payload={"MessageId": "m-1"})
        outcome = delivery.send(channel, message)
        queue = connection.SimpleQueue(cast(Any, own))  # kombu takes a Queue too; its stubs say str
        received: Any = queue.get(timeout=5)
        received.ack()
        queue.close()
        amqp_channel: Any = connection.default_channel
        amqp_channel.queue_delete(name)
    assert outcome.succeeded, outcome.error
    assert json.loads(received.body)["MessageId"] == "m-1"


def test_a_patch_leaves_a_workers_lease_and_failure_clock_alone(client: Client, tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    token = delivery.lease(str(channel.id))
    failing = timezone.now() - timedelta(hours=2)
    NotificationChannel.objects.filter(id=channel.id).update(failing_since=failing)
    response = client.patch(
        f"{URL}/{channel.id}",
        {"includeImageData": True},
        content_type="application/json",
        headers=tenant.key_headers(),
    )
    assert response.status_code == 200
    channel.refresh_from_db()
    assert channel.include_image_data and channel.lease_token == token and channel.failing_since == failing


def test_only_a_due_head_makes_a_channel_due(tenant: Tenant) -> None:
    channel = webhook(tenant, "http://127.0.0.1:9/")
    later = timezone.now() + timedelta(minutes=5)
    Delivery.objects.create(channel=channel, message_type="X", payload={}, next_attempt_at=later)
    Delivery.objects.create(channel=channel, message_type="X", payload={})
    assert not delivery.due(str(channel.id)), "the newer message waits behind its backing-off head"
    assert tasks.send_due() == 0


def test_an_unprintable_error_is_recorded_clean(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    import http.client

    def bad_status(*args: object) -> int:
        raise http.client.BadStatusLine("\x00\x00garbage")

    monkeypatch.setattr(delivery, "post_webhook", bad_status)
    channel = webhook(tenant, "http://127.0.0.1:9/")
    message = Delivery.objects.create(channel=channel, message_type="X", payload={})
    delivery.flush(str(channel.id))
    attempt = DeliveryAttempt.objects.get(delivery=message)
    assert attempt.error == "BadStatusLine: garbage" and not attempt.succeeded


def test_a_tls_handshake_that_never_ends_is_cut_at_the_deadline(tenant: Tenant) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        channel = webhook(tenant, f"https://127.0.0.1:{listener.getsockname()[1]}/hook")
        message = Delivery.objects.create(channel=channel, message_type="X", payload={})
        started = time.monotonic()
        outcome = delivery.send(channel, message)  # the TCP connection is accepted; no TLS answer ever comes
        took = time.monotonic() - started
    finally:
        listener.close()
    assert outcome.error == "No answer within 2 s." and took < 8


def test_a_rabbitmq_connection_goes_to_the_checked_address(settings: Any) -> None:
    from adcreative.notifications import ssrf

    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = True
    assert ssrf.pinned_amqp("amqp://guest:pw@localhost/vhost") in (
        ("amqp://guest:pw@127.0.0.1:5672/vhost", "localhost"),
        ("amqp://guest:pw@[::1]:5672/vhost", "localhost"),
    )
    assert ssrf.pinned_amqp("amqps://10.1.2.3:5999//")[0] == "amqps://10.1.2.3:5999//"
    with pytest.raises(ssrf.UnsafeUrl, match="percent-encoded"):
        ssrf.pinned_amqp("amqp://u:p@%5B127.0.0.1%5D.example.com/")


def test_the_delivery_log_is_pruned_but_owed_messages_stay(tenant: Tenant, settings: Any) -> None:
    settings.NOTIFICATION_LOG_RETENTION_DAYS = 30
    channel = webhook(tenant, "http://127.0.0.1:9/")
    old = timezone.now() - timedelta(days=31)
    sent = Delivery.objects.create(
        channel=channel, message_type="X", payload={}, status="sent", created_at=old
    )
    DeliveryAttempt.objects.create(delivery=sent, succeeded=True, status_code=200, latency_ms=3)
    Delivery.objects.create(channel=channel, message_type="X", payload={}, status="failed", created_at=old)
    owed = Delivery.objects.create(channel=channel, message_type="X", payload={}, created_at=old)
    recent = Delivery.objects.create(channel=channel, message_type="X", payload={}, status="sent")
    tasks.prune_log()
    assert set(Delivery.objects.values_list("id", flat=True)) == {owed.id, recent.id}
    assert not DeliveryAttempt.objects.exists()
