"""Inputs the OpenAPI document calls invalid are refused, and valid ones are taken: what the schemathesis
run (tests/test_openapi_fuzz.py) found where the server and its document disagreed."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.http import QueryDict
from django.test import Client

from adcreative.creatives.serializers import AdCreativeSerializer
from adcreative.notifications import delivery
from adcreative.notifications.models import Delivery, NotificationChannel
from tests.conftest import Tenant, post_json
from tests.helpers import queued_process

CHANNELS = "/api/v1/NotificationChannel"
WEBHOOK = {"type": "Webhook", "url": "http://127.0.0.1:9/hook"}


@pytest.fixture(autouse=True)
def private_receivers(settings: Any) -> None:
    settings.NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = True


def errors_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors: dict[str, list[str]] = response.json()["errors"]
    return errors


def test_a_single_valued_parameter_given_twice_is_refused(client: Client, tenant: Tenant) -> None:
    # `?limit=5&limit=500` was answered with the last one, silently.
    credits = client.get(
        f"/api/v1/Credits?applicationId={tenant.id}&limit=5&limit=500", headers=tenant.key_headers()
    )
    assert errors_of(credits) == {"limit": ["The limit field is given more than once."]}
    presets = client.get("/api/v1/Image/ProductGeneration/PresetKeys?category=food&category=beauty")
    assert errors_of(presets) == {"category": ["The category field is given more than once."]}


def test_a_number_sent_empty_is_refused_and_an_empty_guid_still_means_absent(
    client: Client, tenant: Tenant
) -> None:
    # `?cursor=` and `?limit=` were taken as absent, though the document types them as integers.
    for query in ("limit=", "cursor="):
        response = client.get(
            f"/api/v1/Credits?applicationId={tenant.id}&{query}", headers=tenant.key_headers()
        )
        assert errors_of(response) == {query[:-1]: ["The value '' is not valid."]}
    progress = client.get(
        f"/api/v1/Image/ProductGeneration/CheckUserProgress?applicationId={tenant.id}&userId=",
        headers=tenant.key_headers(),
    )
    assert progress.status_code == 200


def test_a_guid_must_be_a_string(client: Client, tenant: Tenant) -> None:
    # JSON `false`, `0` or `7` became the UUID of that integer.
    for value in (False, 0, 7, 1.5):
        response = post_json(client, CHANNELS, {**WEBHOOK, "applicationId": value}, **tenant.key_headers())
        assert errors_of(response) == {"applicationId": [f"The value '{value}' is not valid."]}
    assert not NotificationChannel.objects.exists()


def test_a_form_may_send_null_for_a_nullable_guid_and_json_may_not_send_it_as_text() -> None:
    # A form cannot carry null: JavaScript's FormData sends "null", which was refused.
    common = {"productImageAssetId": "3f1b0a6e-5f43-4d55-9a57-0f6f3d2c1b10", "PromptObjectsString": "[]"}
    form = QueryDict(mutable=True)
    form.update({**common, "userId": "null"})
    as_form = AdCreativeSerializer(data=form)
    as_form.is_valid()
    assert "userId" not in as_form.errors
    as_json = AdCreativeSerializer(data={**common, "userId": "null"})
    as_json.is_valid()
    assert as_json.errors["userId"] == ["The value 'null' is not valid."]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"url": "http://127.0.0.1:9/other"},
            {"type": ["The type field is required when url, connectionString or queueName change."]},
        ),
        (
            {**WEBHOOK, "queueName": "q"},
            {"queueName": ["The queueName field is not used by a Webhook channel."]},
        ),
        ({"type": "Webhook"}, {"url": ["The url field is required."]}),
        ({"isActive": "true"}, {"isActive": ["The value 'true' is not valid. Use true or false."]}),
        ({"includeImageData": 1}, {"includeImageData": ["The value '1' is not valid. Use true or false."]}),
    ],
)
def test_a_channel_change_is_one_whole_shape(
    client: Client, tenant: Tenant, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    # The document says a PATCH is the switches alone, or a type with its whole target; the server took
    # a url without a type, the other type's fields (dropping them), and "true" for true.
    created = post_json(client, CHANNELS, WEBHOOK, **tenant.key_headers()).json()
    changed = client.patch(
        f"{CHANNELS}/{created['id']}", body, content_type="application/json", headers=tenant.key_headers()
    )
    assert errors_of(changed) == errors
    assert NotificationChannel.objects.get(id=created["id"]).url == WEBHOOK["url"]


def test_a_channel_can_move_to_the_other_type_with_its_whole_target(client: Client, tenant: Tenant) -> None:
    created = post_json(client, CHANNELS, WEBHOOK, **tenant.key_headers()).json()
    moved = client.patch(
        f"{CHANNELS}/{created['id']}",
        {"type": "RabbitMQ", "connectionString": "amqp://guest:guest@127.0.0.1:9//", "queueName": "ads"},
        content_type="application/json",
        headers=tenant.key_headers(),
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["type"] == "RabbitMQ" and moved.json()["url"] is None


def test_json_endpoints_refuse_a_form_with_415(client: Client, tenant: Tenant) -> None:
    # A form body was parsed as no body at all: with the key headers, any garbage got a token.
    response = client.post(
        "/api/v1/Authorization/GenerateJwtToken", {"x": "-1.5e215"}, headers=tenant.key_headers()
    )
    assert response.status_code == 415 and response["Content-Type"] == "application/problem+json"
    channel = client.post(CHANNELS, WEBHOOK, headers=tenant.key_headers())
    assert channel.status_code == 415


@pytest.mark.django_db(transaction=True)  # the attempt's foreign key is checked at commit
def test_a_channel_deleted_while_its_test_message_is_out_is_not_found(client: Client, tenant: Tenant) -> None:
    # The attempt's row pointed at a delivery deleted with its channel: a 500 (IntegrityError).
    created = post_json(client, CHANNELS, WEBHOOK, **tenant.key_headers()).json()

    def deleted_meanwhile(channel: NotificationChannel, message: Delivery) -> int:
        NotificationChannel.objects.filter(id=channel.id).delete()
        return 200

    with mock.patch.object(delivery, "transmit", side_effect=deleted_meanwhile):
        response = client.post(f"{CHANNELS}/{created['id']}/Test", headers=tenant.key_headers())
    assert response.status_code == 404, response.content
    assert not Delivery.objects.exists()


def test_a_cursor_naming_no_process_is_not_found(client: Client, tenant: Tenant) -> None:
    queued_process(tenant)
    response = client.get(
        "/api/v1/Image/ProductGeneration/CheckApplicationAllProgresses",
        {"applicationId": tenant.id, "cursor": "3f1b0a6e-5f43-4d55-9a57-0f6f3d2c1b10"},
        headers=tenant.key_headers(),
    )
    assert response.status_code == 404
    assert (
        "cursor" in response.json()["errors"]["business: ProductGeneration/CheckApplicationAllProgresses"][0]
    )


def test_a_json_body_keeps_its_json_types(client: Client, tenant: Tenant) -> None:
    # DRF took a number for a text ("-1.5e-229" as a queue name, 5 as a key), "5" for an integer and 4 for
    # the choice "4", all of them values the document types otherwise.
    rabbit = {
        "type": "RabbitMQ",
        "connectionString": "amqp://guest:guest@127.0.0.1:9//",
        "queueName": -1.5e-229,
    }
    assert errors_of(post_json(client, CHANNELS, rabbit, **tenant.key_headers())) == {
        "queueName": ["The value '-1.5e-229' is not valid."]
    }
    token = post_json(
        client, "/api/v1/Authorization/GenerateJwtToken", {"jwtPrivateKey": 5}, **tenant.key_headers()
    )
    assert errors_of(token) == {"jwtPrivateKey": ["The value '5' is not valid."]}
    common = {"productImageAssetId": "3f1b0a6e-5f43-4d55-9a57-0f6f3d2c1b10", "PromptObjectsString": "[]"}
    as_json = AdCreativeSerializer(data={**common, "seed": "5", "renderKind": 4, "productName": True})
    as_json.is_valid()
    for name, value in (("seed", "5"), ("renderKind", "4"), ("productName", "True")):
        assert as_json.errors[name] == [f"The value '{value}' is not valid."]
    form = QueryDict(mutable=True)
    form.update({**common, "seed": "5", "renderKind": "4"})  # a form's values are all text
    as_form = AdCreativeSerializer(data=form)
    as_form.is_valid()
    assert not {"seed", "renderKind"} & set(as_form.errors)
    whole = AdCreativeSerializer(data={**common, "seed": 5.0})  # a whole number is an integer to JSON
    whole.is_valid()
    assert "seed" not in whole.errors
    assert not NotificationChannel.objects.exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("url", "http://127.0.0.1:9/ho ok"),
        ("url", "http://127.0.0.1:9/ho\tok"),
        ("url", "ht\ttp://127.0.0.1:9/hook"),
        ("connectionString", "amqp://guest:guest@127.0.0.1:9/v\nhost"),
    ],
)
def test_a_channel_target_holds_no_whitespace_inside(
    client: Client, tenant: Tenant, name: str, value: str
) -> None:
    # Python's URL parser drops tabs and newlines, so the guard passed a URL the document's pattern refuses.
    body = (
        {"type": "Webhook", "url": value}
        if name == "url"
        else {"type": "RabbitMQ", name: value, "queueName": "q"}
    )
    assert errors_of(post_json(client, CHANNELS, body, **tenant.key_headers())) == {
        name: [f"The {name} is not a valid URL: no spaces or control characters inside."]
    }
    padded = {"type": "Webhook", "url": "  http://127.0.0.1:9/hook\n"}  # around it is trimmed, as ever
    assert post_json(client, CHANNELS, padded, **tenant.key_headers()).status_code == 201
