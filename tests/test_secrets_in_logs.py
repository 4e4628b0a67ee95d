"""No secret reaches a log line: keys, private keys, tokens, signing secrets, broker passwords."""

from __future__ import annotations

import logging
import socket

import pytest
from django.test import Client

from adcreative.notifications import delivery
from adcreative.notifications.models import Delivery, DeliveryAttempt, NotificationChannel
from tests.conftest import Tenant, post_json


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_secret_reaches_a_log_line_or_a_stored_error(
    client: Client, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    broker_password = "brokerPassw0rdThatMustNotLeak"
    with caplog.at_level(logging.DEBUG):
        pair = post_json(
            client,
            "/api/v1/Authorization/GenerateJwtToken",
            {"applicationId": tenant.id, "jwtPrivateKey": tenant.credentials.jwt_private_key},
        ).json()
        post_json(
            client,
            "/api/v1/Authorization/GenerateJwtToken",
            {"applicationId": tenant.id, "jwtPrivateKey": "wrong"},
        )
        client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=tenant.key_headers())
        client.get(
            "/api/v1/Credits",
            {"applicationId": tenant.id},
            headers={"Authorization": f"Bearer {pair['accessToken']}x"},
        )
        post_json(client, "/api/v1/Authorization/RefreshJwtToken", {"refreshToken": pair["refreshToken"]})
        created = post_json(
            client,
            "/api/v1/NotificationChannel",
            {
                "type": "RabbitMQ",
                "connectionString": f"amqp://shop:{broker_password}@127.0.0.1:{closed_port()}//",
                "queueName": "creatives",
            },
            **tenant.key_headers(),
        ).json()
        client.post(f"/api/v1/NotificationChannel/{created['id']}/Test", headers=tenant.key_headers())
        webhook = NotificationChannel.objects.create(
            application=tenant.application,
            type=NotificationChannel.Type.WEBHOOK,
            url=f"http://127.0.0.1:{closed_port()}/hook",
        )
        Delivery.objects.create(channel=webhook, message_type="X", payload={"MessageId": "1"})
        delivery.flush(str(webhook.id))
    secrets = [
        tenant.credentials.api_secret,
        tenant.credentials.jwt_private_key,
        pair["accessToken"],
        pair["refreshToken"],
        created["signingSecret"],
        webhook.signing_secret,
        broker_password,
    ]
    logged = caplog.text
    assert [secret[:12] for secret in secrets if secret in logged] == []
    stored = " ".join(DeliveryAttempt.objects.values_list("error", flat=True))
    assert stored and broker_password not in stored
