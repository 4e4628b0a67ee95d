"""Authorization: both token flows, rotation, both credential kinds, and every way to get a 401."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import Tenant, make_tenant, post_json, token_pair

CREDITS = "/api/v1/Credits"
TOKEN_MESSAGE = "Token is missing, invalid or ApplicationId is not found in the token."


def assert_401(response, message: str = TOKEN_MESSAGE) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == {"business:": [message]}
    assert body["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def credits_with_token(client: Client, tenant: Tenant, token: str):
    return client.get(CREDITS, {"applicationId": tenant.id}, headers={"Authorization": f"Bearer {token}"})


def test_it_issues_a_token_pair_for_application_id_and_private_key(client: Client, tenant: Tenant) -> None:
    pair = token_pair(client, tenant)
    assert set(pair) == {
        "applicationId", "accessToken", "accessTokenExpiration", "refreshToken", "refreshTokenExpiration",
    }  # fmt: skip
    assert pair["applicationId"] == tenant.id
    access_expiry = datetime.strptime(pair["accessTokenExpiration"], "%Y-%m-%dT%H:%M:%S.%fZ")
    refresh_expiry = datetime.strptime(pair["refreshTokenExpiration"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert refresh_expiry > access_expiry > datetime.now(UTC).replace(tzinfo=None)
    claims = jwt.decode(pair["accessToken"], options={"verify_signature": False})
    assert claims["applicationId"] == tenant.id


def test_it_issues_a_token_pair_for_api_key_headers(client: Client, tenant: Tenant) -> None:
    response = post_json(client, "/api/v1/Authorization/GenerateJwtToken", {}, **tenant.key_headers())
    assert response.status_code == 200
    assert response.json()["applicationId"] == tenant.id


def test_it_accepts_the_access_token_on_a_private_endpoint(client: Client, tenant: Tenant) -> None:
    response = credits_with_token(client, tenant, token_pair(client, tenant)["accessToken"])
    assert response.status_code == 200
    assert response.json()["balance"] == 10


def test_it_accepts_api_key_headers_in_any_case(client: Client, tenant: Tenant) -> None:
    headers = {"X-API-KEY": tenant.credentials.api_key, "X-Api-Secret": tenant.credentials.api_secret}
    response = client.get(CREDITS, {"applicationId": tenant.id}, headers=headers)
    assert response.status_code == 200


def test_it_matches_routes_without_regard_to_case(client: Client, tenant: Tenant) -> None:
    body = {"applicationId": tenant.id, "jwtPrivateKey": tenant.credentials.jwt_private_key}
    response = post_json(client, "/api/v1/authorization/generatejwttoken", body)
    assert response.status_code == 200


def test_it_rotates_refresh_tokens_and_refuses_a_used_one(client: Client, tenant: Tenant) -> None:
    first = token_pair(client, tenant)
    response = post_json(
        client, "/api/v1/Authorization/RefreshJwtToken", {"refreshToken": first["refreshToken"]}
    )
    assert response.status_code == 200
    second = response.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert credits_with_token(client, tenant, second["accessToken"]).status_code == 200

    again = post_json(
        client, "/api/v1/Authorization/RefreshJwtToken", {"refreshToken": first["refreshToken"]}
    )
    assert_401(again, "The refresh token is invalid, expired or already used.")
    chained = post_json(
        client, "/api/v1/Authorization/RefreshJwtToken", {"refreshToken": second["refreshToken"]}
    )
    assert chained.status_code == 200


def test_it_refuses_an_access_token_as_refresh_token(client: Client, tenant: Tenant) -> None:
    pair = token_pair(client, tenant)
    response = post_json(
        client, "/api/v1/Authorization/RefreshJwtToken", {"refreshToken": pair["accessToken"]}
    )
    assert_401(response, "The refresh token is invalid, expired or already used.")


def test_it_refuses_a_wrong_private_key(client: Client, tenant: Tenant) -> None:
    body = {"applicationId": tenant.id, "jwtPrivateKey": "not-the-key"}
    response = post_json(client, "/api/v1/Authorization/GenerateJwtToken", body)
    assert_401(response, "ApplicationId or JwtPrivateKey is invalid.")


def test_it_refuses_an_unknown_application_id(client: Client, db: None) -> None:
    body = {"applicationId": str(uuid.uuid4()), "jwtPrivateKey": "x" * 64}
    response = post_json(client, "/api/v1/Authorization/GenerateJwtToken", body)
    assert_401(response, "ApplicationId or JwtPrivateKey is invalid.")


def test_it_refuses_tokens_for_a_disabled_application(client: Client, tenant: Tenant) -> None:
    pair = token_pair(client, tenant)
    tenant.application.is_active = False
    tenant.application.save()
    assert_401(credits_with_token(client, tenant, pair["accessToken"]))
    refresh = post_json(
        client, "/api/v1/Authorization/RefreshJwtToken", {"refreshToken": pair["refreshToken"]}
    )
    assert refresh.status_code == 401
    body = {"applicationId": tenant.id, "jwtPrivateKey": tenant.credentials.jwt_private_key}
    assert post_json(client, "/api/v1/Authorization/GenerateJwtToken", body).status_code == 401
    assert_401(client.get(CREDITS, headers=tenant.key_headers()))


def test_it_refuses_tokens_of_a_deleted_application(client: Client, tenant: Tenant) -> None:
    pair = token_pair(client, tenant)
    tenant.application.delete()
    assert_401(credits_with_token(client, tenant, pair["accessToken"]))


def test_it_refuses_a_request_without_credentials(client: Client, db: None) -> None:
    assert_401(client.get(CREDITS))


def test_it_refuses_garbage_and_non_bearer_authorization(client: Client, tenant: Tenant) -> None:
    for header in ("Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Token abc"):
        assert_401(client.get(CREDITS, headers={"Authorization": header}))


def test_it_refuses_an_expired_token(client: Client, tenant: Tenant) -> None:
    token = AccessToken()
    token["applicationId"] = tenant.id
    token.set_exp(from_time=datetime.now(UTC) - timedelta(hours=2), lifetime=timedelta(hours=1))
    assert_401(credits_with_token(client, tenant, str(token)))


def test_it_refuses_a_token_signed_with_another_key(client: Client, tenant: Tenant) -> None:
    claims = jwt.decode(token_pair(client, tenant)["accessToken"], options={"verify_signature": False})
    forged = jwt.encode(claims, "someone-elses-key-0123456789abcdef", algorithm="HS256")
    assert_401(credits_with_token(client, tenant, forged))


def test_it_refuses_an_unsigned_alg_none_token(client: Client, tenant: Tenant) -> None:
    claims = jwt.decode(token_pair(client, tenant)["accessToken"], options={"verify_signature": False})

    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert_401(credits_with_token(client, tenant, unsigned))


def test_it_refuses_another_applications_token_for_this_application(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    other_token = token_pair(client, other_tenant)["accessToken"]
    assert_401(credits_with_token(client, tenant, other_token))
    response = client.get(CREDITS, {"applicationId": tenant.id}, headers=other_tenant.key_headers())
    assert_401(response)


def test_it_refuses_a_wrong_api_secret_or_a_lone_header(client: Client, tenant: Tenant) -> None:
    wrong = {"x-api-key": tenant.credentials.api_key, "x-api-secret": "0" * 64}
    assert_401(client.get(CREDITS, headers=wrong))
    assert_401(client.get(CREDITS, headers={"x-api-key": tenant.credentials.api_key}))
    unknown = {"x-api-key": "f" * 32, "x-api-secret": tenant.credentials.api_secret}
    assert_401(client.get(CREDITS, headers=unknown))


def test_it_refuses_api_key_token_generation_for_another_application_id(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    response = post_json(
        client,
        "/api/v1/Authorization/GenerateJwtToken",
        {"applicationId": other_tenant.id},
        **tenant.key_headers(),
    )
    assert_401(response)


@pytest.mark.django_db
def test_it_stores_only_hashes_of_the_secrets(client: Client) -> None:
    tenant = make_tenant()
    stored = tenant.application
    for secret in (tenant.credentials.api_secret, tenant.credentials.jwt_private_key):
        assert secret not in (stored.api_secret_hash, stored.jwt_private_key_hash)
