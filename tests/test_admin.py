"""Operators in the Django admin: create applications (credentials shown once), grant credits, rotate."""

from __future__ import annotations

import re

from django.test import Client

from adcreative.tenancy.models import Application, CreditEntry
from tests.conftest import Tenant, post_json

INLINE = {
    "credit_entries-TOTAL_FORMS": "0",
    "credit_entries-INITIAL_FORMS": "0",
    "credit_entries-MIN_NUM_FORMS": "0",
    "credit_entries-MAX_NUM_FORMS": "0",
}


def shown_credentials(response) -> dict[str, str]:
    """The credentials in the page the operator sees after the redirect."""
    text = response.content.decode()
    return dict(re.findall(r"(applicationId|apiKey|apiSecret|jwtPrivateKey)=([\w-]+)", text))


def test_it_creates_an_application_and_shows_its_credentials_once(
    admin_client: Client, client: Client
) -> None:
    form = {"name": "Shop", "is_active": "on", "grant_credits": "25", "grant_reason": "Trial", **INLINE}
    response = admin_client.post("/admin/tenancy/application/add/", form, follow=True)
    assert response.redirect_chain, response.content
    shown = shown_credentials(response)
    application = Application.objects.get(name="Shop")
    assert shown["applicationId"] == str(application.id) and shown["apiKey"] == application.api_key
    assert application.credit_account.balance == 25
    assert list(CreditEntry.objects.values_list("change", "reason")) == [(25, "Trial")]

    token = post_json(
        client,
        "/api/v1/Authorization/GenerateJwtToken",
        {"applicationId": shown["applicationId"], "jwtPrivateKey": shown["jwtPrivateKey"]},
    )
    assert token.status_code == 200
    page = admin_client.get(f"/admin/tenancy/application/{application.id}/change/")
    assert shown["apiSecret"].encode() not in page.content
    assert shown["jwtPrivateKey"].encode() not in page.content


def test_it_grants_credits_from_the_change_form(admin_client: Client, tenant: Tenant) -> None:
    form = {"name": "Acme", "is_active": "on", "grant_credits": "-4", "grant_reason": "Refund", **INLINE}
    response = admin_client.post(f"/admin/tenancy/application/{tenant.id}/change/", form)
    assert response.status_code == 302
    tenant.application.credit_account.refresh_from_db()
    assert tenant.application.credit_account.balance == 6
    assert CreditEntry.objects.filter(application=tenant.application).first().reason == "Refund"  # type: ignore[union-attr]


def test_it_rotates_credentials_and_the_old_ones_stop_working(
    admin_client: Client, client: Client, tenant: Tenant
) -> None:
    response = admin_client.post(
        "/admin/tenancy/application/",
        {"action": "rotate_credentials", "_selected_action": [tenant.id]},
        follow=True,
    )
    shown = shown_credentials(response)
    assert shown["apiKey"] != tenant.credentials.api_key
    old = client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=tenant.key_headers())
    assert old.status_code == 401
    new = {"x-api-key": shown["apiKey"], "x-api-secret": shown["apiSecret"]}
    assert client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=new).status_code == 200


def test_it_lists_applications_with_their_balance(admin_client: Client, tenant: Tenant) -> None:
    page = admin_client.get("/admin/tenancy/application/")
    assert page.status_code == 200 and b"Acme" in page.content


def test_it_shows_why_a_channel_was_deactivated_and_every_attempt(
    admin_client: Client, tenant: Tenant
) -> None:
    from adcreative.notifications.models import Delivery, DeliveryAttempt, NotificationChannel

    channel = NotificationChannel.objects.create(
        application=tenant.application,
        type="Webhook",
        url="http://127.0.0.1:9/",
        is_active=False,
        deactivated_reason="every delivery failed since yesterday",
    )
    message = Delivery.objects.create(channel=channel, message_type="ImageGenerationProgress", payload={})
    DeliveryAttempt.objects.create(
        delivery=message, succeeded=False, status_code=503, latency_ms=12, error="503"
    )
    listing = admin_client.get("/admin/notifications/notificationchannel/")
    assert listing.status_code == 200 and b"every delivery failed since yesterday" in listing.content
    page = admin_client.get(f"/admin/notifications/delivery/{message.id}/change/")
    assert page.status_code == 200 and b"503" in page.content


def test_it_rotates_a_channels_signing_secret_and_shows_it_once(admin_client: Client, tenant: Tenant) -> None:
    from adcreative.notifications.models import NotificationChannel

    channel = NotificationChannel.objects.create(
        application=tenant.application, type="Webhook", url="http://x/"
    )
    old = channel.signing_secret
    response = admin_client.post(
        "/admin/notifications/notificationchannel/",
        {"action": "rotate_signing_secret", "_selected_action": [str(channel.id)]},
        follow=True,
    )
    channel.refresh_from_db()
    assert channel.signing_secret != old and channel.signing_secret.encode() in response.content


def test_it_shows_processes_with_their_tasks_and_cancels_them(admin_client: Client, tenant: Tenant) -> None:
    from adcreative.creatives.models import Task
    from tests.helpers import queued_process

    process, tasks = queued_process(tenant)
    listing = admin_client.get("/admin/creatives/process/")
    assert listing.status_code == 200 and b"Processing" in listing.content
    page = admin_client.get(f"/admin/creatives/process/{process.id}/change/")
    assert page.status_code == 200 and b"white_background" in page.content
    for path in (
        "creatives/task",
        "assets/asset",
        "recommendations/recommendation",
        "notifications/delivery",
    ):
        assert admin_client.get(f"/admin/{path}/").status_code == 200
    assert admin_client.get(f"/admin/creatives/task/{tasks[0].id}/change/").status_code == 200
    admin_client.post(
        "/admin/creatives/process/", {"action": "cancel", "_selected_action": [str(process.id)]}, follow=True
    )
    assert set(Task.objects.filter(process=process).values_list("render_state", flat=True)) == {
        Task.State.CANCELLED
    }
