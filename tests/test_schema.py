"""The OpenAPI document generates cleanly, validates, and documents both error shapes and the auth."""

from __future__ import annotations

import functools
import io
from typing import Any

import jsonschema_rs
import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from tests.conftest import Tenant
from tests.helpers import BASE, ad_creative, cutout_asset
from workers.imaging import MIN_SIDE


def test_it_generates_a_valid_schema_without_warnings(db: None) -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/Authorization/GenerateJwtToken" in paths
    assert "/api/v1/Image/ProductGeneration/PresetKeys" in paths
    components = schema["components"]
    assert {"BusinessProblem", "ValidationProblem"} <= set(components["schemas"])
    assert {"bearer", "apiKey", "apiSecret"} <= set(components["securitySchemes"])
    credits = paths["/api/v1/Credits"]["get"]
    assert {"bearer": []} in credits["security"]
    assert {"apiKey": [], "apiSecret": []} in credits["security"]


def test_it_serves_the_schema_and_swagger_ui(client: Client, db: None) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi:" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


@functools.cache
def schema_document() -> dict[str, Any]:
    out = io.StringIO()
    call_command("spectacular", stdout=out)
    document: dict[str, Any] = yaml.safe_load(out.getvalue())
    return document


def test_it_documents_errors_as_problem_json_and_ids_as_guids(db: None) -> None:
    # What a fuzzer held against the document found: errors served as problem+json but documented as
    # JSON, ids documented as free strings, the channel list as an object, PresetKeys' 400 missing.
    paths = schema_document()["paths"]
    for path, operations in paths.items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"] == {"type": "string", "format": "uuid"}, (path, parameter)
    channels = paths["/api/v1/NotificationChannel"]["get"]["responses"]["200"]["content"]["application/json"]
    assert channels["schema"]["type"] == "array"
    assert "400" in paths["/api/v1/Image/ProductGeneration/PresetKeys"]["get"]["responses"]
    # JSON bodies are JSON only (a form-encoded one is answered 415, documented).
    token = paths["/api/v1/Authorization/GenerateJwtToken"]["post"]
    assert list(token["requestBody"]["content"]) == ["application/json"]
    assert "415" in token["responses"] and "x-api-key" in token["description"]


def test_a_present_but_empty_authorization_header_is_refused(client: Client, tenant: Tenant) -> None:
    response = client.get(
        "/api/v1/NotificationChannel", headers={**tenant.key_headers(), "Authorization": ""}
    )
    assert response.status_code == 401


# What schemathesis, run against the service (tests/test_openapi_fuzz.py), found the document calling valid
# that the service refuses, or the other way round: each rule the document now states.
RECOMMENDATIONS = [
    "/api/v1/Image/ProductGeneration/Recommendations",
    "/api/v1/ProductGeneration/Recommendations",
]


def valid(schema: dict[str, Any], value: Any) -> bool:
    """Whether `value` keeps to `schema` as OpenAPI 3.0 reads it (JSON Schema draft 4, formats not asserted),
    with the regex engine of schemathesis' validator (ECMAScript-like, not Python's)."""
    return bool(jsonschema_rs.Draft4Validator(schema).is_valid(value))


def schemas() -> dict[str, Any]:
    found: dict[str, Any] = schema_document()["components"]["schemas"]
    return found


def body_schema(path: str, method: str, media_type: str) -> dict[str, Any]:
    operation = schema_document()["paths"][path][method]
    reference = operation["requestBody"]["content"][media_type]["schema"]["$ref"]
    found: dict[str, Any] = schemas()[reference.rpartition("/")[2]]
    return found


def test_it_states_the_smallest_side_of_a_product_photo(db: None) -> None:
    # A 1x1 PNG was schema-valid and refused (on both paths of the upload).
    for path in RECOMMENDATIONS:
        photo = body_schema(path, "post", "multipart/form-data")["properties"]["productImage"]
        assert photo["x-minimumSide"] == MIN_SIDE == 64
        assert f"each side at least {MIN_SIDE} pixels" in photo["description"]


def test_a_channel_target_must_be_a_url_of_its_scheme(db: None) -> None:
    # A url (or connectionString) of "0" was schema-valid and refused.
    url = schemas()["WebhookChannelRequest"]["properties"]["url"]
    for refused in ("0", "ftp://example.com/", "http://", "http://user:pw@example.com/", "http://a/b c"):
        assert not valid(url, refused), refused
    for taken in ("http://127.0.0.1:9/hook", " HTTPS://example.com/x?y=1#z\n", "http://[::1]:8080"):
        assert valid(url, taken), taken
    broker = schemas()["RabbitMQChannelRequest"]["properties"]["connectionString"]
    for refused in (
        "0",
        "AMQP://0 x",
        "redis://x/0",
        "amqp://a//;redis://b",
        "amqp://a,b//",
        "amqp://h%41//",
    ):
        assert not valid(broker, refused), refused
    for taken in ("amqp://guest:guest@127.0.0.1:9//", "AMQPS://u:p%40ss@broker.example.com:5671/vhost?x=1,2"):
        assert valid(broker, taken), taken


def test_prompt_objects_must_be_a_json_array_of_objects(db: None) -> None:
    # PromptObjectsString "00" was schema-valid and refused.
    for media_type in ("multipart/form-data", "application/x-www-form-urlencoded", "application/json"):
        prompts = body_schema("/api/v1/Image/ProductGeneration/AdCreative", "post", media_type)["properties"][
            "PromptObjectsString"
        ]
        for refused in ("00", "[]", "[1]", "[{}, 2]", "{}"):
            assert not valid(prompts, refused), refused
        assert valid(prompts, ' [{"tag": "preset", "preset": "white_background"}]\n')
        assert "1 to 6 prompt objects" in prompts["description"]


def test_it_documents_the_400_of_a_service_that_cannot_fine_tune(db: None) -> None:
    # With the studio engine every POST FineTune is answered 400 (business shape), which the document did not say.
    start = schema_document()["paths"]["/api/v1/FineTune"]["post"]
    refused = start["responses"]["400"]
    assert refused["content"]["application/problem+json"]["schema"]["$ref"].endswith("/BadRequestProblem")
    for words in ("diffusion engine", "studio engine", "business shape"):
        assert words in refused["description"] and words in start["description"]


def test_the_token_body_is_optional_beside_the_key_headers(db: None) -> None:
    # With x-api-key and x-api-secret a request without a body got its tokens, while the body was required.
    token = schema_document()["paths"]["/api/v1/Authorization/GenerateJwtToken"]["post"]
    assert not token["requestBody"].get("required", False)
    assert {"x-api-key", "x-api-secret"} <= {p["name"] for p in token["parameters"] if p["in"] == "header"}
    body = body_schema("/api/v1/Authorization/GenerateJwtToken", "post", "application/json")
    assert "required" not in body and body["additionalProperties"] is False
    assert valid(body, {}) and valid(body, {"applicationId": ""}) and not valid(body, {"key": "x"})
    assert "both" in token["description"] and "x-api-key" in token["description"]


def test_text_that_is_trimmed_may_not_be_whitespace_alone(db: None) -> None:
    # "  " (or a lone U+0085) met minLength 1 and was refused as blank once trimmed.
    fields = [
        schemas()["GenerateTokenBodyRequest"]["properties"]["jwtPrivateKey"],
        schemas()["RefreshTokenRequest"]["properties"]["refreshToken"],
        schemas()["RabbitMQChannelRequest"]["properties"]["queueName"],
    ]
    for field in fields:
        for blank in ("  ", "\t\n", "\x85", "\u3000", "\x1c"):
            assert not valid(field, blank), (field, blank)
        assert valid(field, " k ")


def test_a_preset_category_is_any_case_and_may_be_padded(db: None) -> None:
    # "\r " was answered with every preset while the enum called it invalid; "Kitchen" is taken too.
    operation = schema_document()["paths"]["/api/v1/Image/ProductGeneration/PresetKeys"]["get"]
    (category,) = (p["schema"] for p in operation["parameters"] if p["name"] == "category")
    for taken in ("kitchen", "Kitchen", " STUDIO\r\n", "", "\r ", "\u212aitchen"):
        assert valid(category, taken), taken
    for refused in ("space", "kitchen studio", "kit chen"):
        assert not valid(category, refused), refused


def test_an_optional_guid_may_be_empty_where_formats_are_not_asserted(db: None) -> None:
    # oneOf [uuid, empty]: without format assertion "" matched both, so neither, and was called invalid.
    application = schemas()["AdCreativeRequest"]["properties"]["applicationId"]
    assert valid(application, "") and valid(application, "3f1b0a6e-5f43-4d55-9a57-0f6f3d2c1b10")
    assert not valid(application, 7)


def draft4(schema: Any) -> Any:
    """An OpenAPI 3.0 schema in JSON Schema draft 4: `nullable` as a "null" type, as schemathesis reads it."""
    if isinstance(schema, list):
        return [draft4(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {key: draft4(value) for key, value in schema.items() if key != "nullable"}
    if not schema.get("nullable"):
        return found
    if "type" in found:
        return {**found, "type": [found["type"], "null"]}
    return {"anyOf": [found, {"type": "null"}]}


def conforms(name: str, body: Any) -> bool:
    """Whether `body` keeps to the component `name` of the document, its references resolved in it."""
    return valid({"$ref": f"#/components/schemas/{name}", "components": {"schemas": draft4(schemas())}}, body)


@pytest.mark.django_db
def test_a_tasks_prompt_documents_its_resolution(client: Client, tenant: Tenant) -> None:
    # The prompt object of every task body carries promptText and unrenderedTerms (API.md's extension), and
    # the bodies the views build keep to what the document says of them.
    prompt = schemas()["TaskPrompt"]["properties"]
    assert (
        prompt["unrenderedTerms"]["type"] == "array"
        and "could not draw" in prompt["unrenderedTerms"]["description"]
    )
    assert "unresolvedWords" not in yaml.safe_dump(schema_document())
    custom = {"tag": "custom", "prompt": "on the moon", "nativeLanguagePrompt": None}
    created = ad_creative(client, tenant, str(cutout_asset(tenant).id), [custom])
    assert created.status_code == 200, created.content
    assert conforms("CreatedProcess", created.json())
    query = {
        "applicationId": tenant.id,
        "imageProductGeneratorProcessId": created.json()["imageProductGeneratorProcessId"],
    }
    progress = client.get(f"{BASE}/CheckUserProgress", query, headers=tenant.key_headers()).json()
    assert conforms("UserProgress", progress)
    assert progress["processes"][0]["tasks"][0]["prompt"]["unrenderedTerms"] == ["moon"]
    everyone = client.get(f"{BASE}/CheckApplicationAllProgresses", query, headers=tenant.key_headers()).json()
    assert conforms("ApplicationProgress", everyone)
    assert not conforms(
        "UserProgress", {**progress, "processes": [{"tasks": [{"prompt": {"tag": "custom"}}]}]}
    )


def test_relight_is_an_optional_form_boolean(db: None) -> None:
    # AdCreative's relight extension: read like DisableSafeMargin, off by default, documented as such.
    for media_type in ("multipart/form-data", "application/x-www-form-urlencoded", "application/json"):
        body = body_schema("/api/v1/Image/ProductGeneration/AdCreative", "post", media_type)
        relight = body["properties"]["relight"]
        assert "relight" not in body.get("required", [])
        assert valid(relight, "true") and valid(relight, "") and not valid(relight, "maybe")
        assert "the default" in relight["description"] and "scene's light" in relight["description"]
