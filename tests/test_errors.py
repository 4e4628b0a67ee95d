"""Both error shapes of API.md, key by key, for every status, with W3C trace ids."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from adcreative.api.throttling import RateThrottle
from tests.conftest import Tenant, post_json

TRACE = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-00$")
BUSINESS_KEYS = ["errors", "type", "title", "status", "detail", "instance", "extensions"]
VALIDATION_KEYS = ["errors", "type", "title", "status", "traceId"]
GENERATE = "/api/v1/Authorization/GenerateJwtToken"


def assert_business(response, status: int, key: str = "business:") -> list[str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert list(body) == BUSINESS_KEYS
    assert body["type"] == "https://tools.ietf.org/html/rfc7231#section-6.5.1"
    assert body["title"] == "One or more errors occurred."
    assert body["status"] == status
    assert body["detail"] is None and body["instance"] is None
    assert list(body["extensions"]) == ["traceId"]
    assert TRACE.match(body["extensions"]["traceId"])
    assert body["extensions"]["traceId"] == response["traceparent"]
    assert list(body["errors"]) == [key]
    messages: list[str] = body["errors"][key]
    assert messages and all(isinstance(m, str) and m for m in messages)
    return messages


def assert_validation(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert list(body) == VALIDATION_KEYS
    assert body["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.1"
    assert body["title"] == "One or more validation errors occurred."
    assert body["status"] == 400
    assert TRACE.match(body["traceId"])
    errors: dict[str, list[str]] = body["errors"]
    return errors


def test_it_names_each_missing_field(client: Client, db: None) -> None:
    errors = assert_validation(post_json(client, GENERATE, {}))
    assert errors == {
        "applicationId": ["The applicationId field is required."],
        "jwtPrivateKey": ["The jwtPrivateKey field is required."],
    }


def test_it_quotes_a_malformed_guid(client: Client, db: None) -> None:
    errors = assert_validation(
        post_json(client, GENERATE, {"applicationId": "not-a-guid", "jwtPrivateKey": "k"})
    )
    assert errors == {"applicationId": ["The value 'not-a-guid' is not valid."]}


def test_it_rejects_unknown_fields(client: Client, db: None) -> None:
    body = {"applicationId": "2f1e1e0c-4f7a-4b8e-9d61-0c9f1c1a2b3c", "jwtPrivateKey": "k", "extra": 1}
    assert assert_validation(post_json(client, GENERATE, body)) == {
        "extra": ["The extra field is not recognised."]
    }


def test_it_answers_malformed_json_with_a_validation_error(client: Client, db: None) -> None:
    errors = assert_validation(client.post(GENERATE, "{not json", content_type="application/json"))
    assert list(errors) == ["$"] and "JSON parse error" in errors["$"][0]


def test_it_answers_a_json_array_body_with_a_validation_error(client: Client, db: None) -> None:
    errors = assert_validation(client.post(GENERATE, "[1, 2]", content_type="application/json"))
    assert errors == {"$": ["The request body must be a JSON object."]}


def test_it_answers_a_wrong_content_type_with_415(client: Client, db: None) -> None:
    messages = assert_business(client.post(GENERATE, "hello", content_type="text/plain"), 415)
    assert "text/plain" in messages[0]


def test_it_answers_an_unknown_method_with_405(client: Client, db: None) -> None:
    response = client.delete(GENERATE)
    assert_business(response, 405)
    assert "POST" in response["Allow"]


def test_it_answers_an_unknown_route_with_404(client: Client, db: None) -> None:
    assert assert_business(client.get("/api/v1/NoSuchThing"), 404) == [
        "The requested resource was not found."
    ]


@override_settings(MAX_REQUEST_BYTES=2048)
def test_it_refuses_an_oversized_body_with_413(client: Client, db: None) -> None:
    messages = assert_business(post_json(client, GENERATE, {"jwtPrivateKey": "x" * 5000}), 413)
    assert "too large" in messages[0]


def test_it_answers_json_even_when_the_client_accepts_only_text(client: Client, db: None) -> None:
    response = client.get("/api/v1/Image/ProductGeneration/PresetKeys", headers={"Accept": "text/plain"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_it_limits_the_rate_of_anonymous_requests_with_429(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "anonymous", "3/minute")
    statuses = [client.get("/api/v1/Image/ProductGeneration/PresetKeys").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/Image/ProductGeneration/PresetKeys")
    assert assert_business(response, 429)[0].startswith("Too many requests.")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_it_limits_each_application_separately(
    client: Client, tenant: Tenant, other_tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(RateThrottle.THROTTLE_RATES, "application", "2/minute")

    def credits(who: Tenant):
        return client.get("/api/v1/Credits", {"applicationId": who.id}, headers=who.key_headers())

    assert [credits(tenant).status_code for _ in range(2)] == [200, 200]
    assert_business(credits(tenant), 429)
    assert credits(other_tenant).status_code == 200


@override_settings(ROOT_URLCONF="tests.support.boom_urls")
@pytest.mark.parametrize("path", ["/boom/django", "/boom/drf"])
def test_it_never_shows_a_stack_trace(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    messages = assert_business(response, 500, key="engine:")
    assert b"secret internal detail" not in response.content and b"Traceback" not in response.content
    assert messages == ["An unexpected error occurred. Please try again later."]


def test_it_answers_503_when_a_dependency_is_down(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adcreative.ops import views

    monkeypatch.setattr(views, "_broker_ok", lambda: False)
    messages = assert_business(client.get("/readyz"), 503)
    assert messages == ["Not ready: broker unreachable."]


def test_it_reuses_the_trace_id_of_an_incoming_traceparent(client: Client, db: None) -> None:
    incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    response = client.get("/api/v1/NoSuchThing", headers={"traceparent": incoming})
    trace_id = response.json()["extensions"]["traceId"]
    assert trace_id.split("-")[1] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert trace_id.split("-")[2] != "00f067aa0ba902b7"  # our own span
    assert response["traceparent"] == trace_id


def test_it_makes_a_new_trace_id_for_a_malformed_traceparent(client: Client, db: None) -> None:
    response = client.get("/healthz", headers={"traceparent": "00-zz-yy-01"})
    assert TRACE.match(response["traceparent"])
    assert "zz" not in response["traceparent"]


def test_an_invalid_value_is_quoted_in_its_error_64_characters_at_most(
    client: Client, tenant: Tenant
) -> None:
    # A 20 MB field or query value was sent back whole inside its error message.
    huge = "x" * 10_000
    progress = client.get(
        "/api/v1/Image/ProductGeneration/CheckApplicationAllProgresses",
        {"applicationId": huge, "cursor": huge},
        headers=tenant.key_headers(),
    )
    assert progress.status_code == 400
    assert progress.json()["errors"]["applicationId"] == [f"The value '{'x' * 64}…' is not valid."]
    short = client.get(
        "/api/v1/Image/ProductGeneration/CheckUserProgress",
        {"applicationId": "nope"},
        headers=tenant.key_headers(),
    )
    assert short.json()["errors"]["applicationId"] == [
        "The value 'nope' is not valid."
    ]  # as the public API says
    assert len(progress.content) < 2_000
