"""GET /api/v1/Credits: balance and ledger of the caller's application only, newest first, paged."""

from __future__ import annotations

from django.test import Client

from adcreative.tenancy import credits
from tests.conftest import Tenant, make_tenant


def test_it_shows_the_balance_and_the_ledger_newest_first(client: Client, tenant: Tenant) -> None:
    credits.grant(tenant.application, 5, "Top-up")
    response = client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=tenant.key_headers())
    assert response.status_code == 200
    body = response.json()
    assert body["applicationId"] == tenant.id and body["balance"] == 15
    assert [(e["change"], e["reason"]) for e in body["ledger"]] == [(5, "Top-up"), (10, "Opening balance")]
    assert body["ledger"][0]["taskId"] is None and body["ledger"][0]["at"].endswith("Z")


def test_it_pages_the_ledger_with_a_cursor(client: Client, tenant: Tenant) -> None:
    for n in range(1, 6):
        credits.grant(tenant.application, n, f"Grant {n}")
    query: dict[str, str | int] = {"applicationId": tenant.id, "limit": 4}
    first = client.get("/api/v1/Credits", query, headers=tenant.key_headers()).json()
    assert [e["reason"] for e in first["ledger"]] == ["Grant 5", "Grant 4", "Grant 3", "Grant 2"]
    second = client.get(
        "/api/v1/Credits", {**query, "cursor": first["nextCursor"]}, headers=tenant.key_headers()
    ).json()
    assert [e["reason"] for e in second["ledger"]] == ["Grant 1", "Opening balance"]
    assert second["nextCursor"] is None


def test_it_says_when_there_is_no_credit_record(client: Client, db: None) -> None:
    bare = make_tenant(balance=None)
    response = client.get("/api/v1/Credits", {"applicationId": bare.id}, headers=bare.key_headers())
    assert response.status_code == 404
    assert response.json()["errors"] == {
        "business: Credits/Get": ["API Key Credits for Application does not exist."]
    }


def test_it_validates_the_query(client: Client, tenant: Tenant) -> None:
    response = client.get(
        "/api/v1/Credits", {"applicationId": "nope", "limit": "0"}, headers=tenant.key_headers()
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["applicationId"] == ["The value 'nope' is not valid."]
    assert "limit" in errors
    missing = client.get("/api/v1/Credits", headers=tenant.key_headers())
    assert missing.json()["errors"] == {"applicationId": ["The applicationId field is required."]}


def test_it_never_goes_below_zero(tenant: Tenant) -> None:
    import pytest

    with pytest.raises(ValueError, match="balance is 10"):
        credits.grant(tenant.application, -11, "Too much")
    tenant.application.credit_account.refresh_from_db()
    assert tenant.application.credit_account.balance == 10
