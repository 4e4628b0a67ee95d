"""The OpenAPI document generates cleanly, validates, and documents both error shapes and the auth."""

from __future__ import annotations

import io

import yaml
from django.core.management import call_command
from django.test import Client


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
