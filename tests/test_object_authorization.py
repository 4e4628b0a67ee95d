"""Every endpoint that takes an id, asked with another application's id: 404 (or 401 for the
applicationId itself), never that application's data. One row per endpoint and id parameter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from adcreative.assets.models import Asset
from adcreative.creatives.models import Task
from adcreative.finetunes.models import FineTune
from adcreative.notifications.models import NotificationChannel
from adcreative.recommendations.models import Recommendation
from tests.conftest import Tenant
from tests.helpers import cutout_asset, queued_process

BASE = "/api/v1/Image/ProductGeneration"


@dataclass
class Theirs:
    """Another application's objects, one of each kind an endpoint takes an id of."""

    application: str
    asset: str
    recommendation: str
    process: str
    task: str
    channel: str
    fine_tune: str


@pytest.fixture
def theirs(other_tenant: Tenant) -> Theirs:
    cutout = cutout_asset(other_tenant)
    recommendation = Recommendation.objects.create(
        application=other_tenant.application,
        image=cutout,
        cutout=cutout,
        status="Completed",
        product_name="secret",
    )
    process, (task,) = queued_process(other_tenant, prompts=1)
    Task.objects.filter(id=task.id).update(render_state=Task.State.COMPLETED, progress=100)
    channel = NotificationChannel.objects.create(
        application=other_tenant.application,
        type=NotificationChannel.Type.WEBHOOK,
        url="https://example.com/hook",
    )
    fine_tune = FineTune.objects.create(
        application=other_tenant.application, name="secret", steps=10, status=FineTune.Status.COMPLETED
    )
    return Theirs(
        other_tenant.id,
        str(cutout.id),
        str(recommendation.id),
        str(process.id),
        str(task.id),
        str(channel.id),
        str(fine_tune.id),
    )


# (method, path, query or form, statuses that are acceptable): {name} is filled from Theirs, {me} is mine.
ROWS: list[tuple[str, str, dict[str, str], set[int]]] = [
    ("get", f"{BASE}/Recommendations/{{recommendation}}", {}, {404}),
    ("get", "/api/v1/Image/Assets/{asset}", {}, {404}),
    (
        "post",
        f"{BASE}/AdCreative",
        {
            "productImageAssetId": "{asset}",
            "PromptObjectsString": '[{{"tag":"preset","preset":"white_background"}}]',
        },
        {404},
    ),
    (
        "get",
        f"{BASE}/CheckUserProgress",
        {"applicationId": "{me}", "imageProductGeneratorProcessId": "{process}"},
        {200},
    ),
    ("get", f"{BASE}/CheckApplicationAllProgresses", {"applicationId": "{me}", "cursor": "{process}"}, {404}),
    ("post", f"{BASE}/Cancel", {"imageProductGeneratorProcessId": "{process}"}, {404}),
    (
        "get",
        f"{BASE}/Download",
        {"applicationId": "{me}", "taskId": "{task}", "imageProductGeneratorProcessId": "{process}"},
        {404},
    ),
    ("get", "/api/v1/NotificationChannel/{channel}", {}, {404}),
    ("patch", "/api/v1/NotificationChannel/{channel}", {}, {404}),
    ("delete", "/api/v1/NotificationChannel/{channel}", {}, {404}),
    ("post", "/api/v1/NotificationChannel/{channel}/Test", {}, {404}),
    ("get", "/api/v1/FineTune/{fine_tune}", {}, {404}),
    ("post", "/api/v1/FineTune/{fine_tune}/Cancel", {}, {404}),
    ("get", "/api/v1/FineTune", {"cursor": "{fine_tune}"}, {404}),
    ("post", "/api/v1/FineTune", {"assetIds": '["{asset}"]'}, {404}),
    # Their applicationId with my credentials.
    ("get", "/api/v1/Credits", {"applicationId": "{application}"}, {401}),
    ("get", f"{BASE}/CheckUserProgress", {"applicationId": "{application}"}, {401}),
    ("get", f"{BASE}/CheckApplicationAllProgresses", {"applicationId": "{application}"}, {401}),
    (
        "get",
        f"{BASE}/Download",
        {"applicationId": "{application}", "taskId": "{task}", "imageProductGeneratorProcessId": "{process}"},
        {401},
    ),
    (
        "post",
        f"{BASE}/Cancel",
        {"applicationId": "{application}", "imageProductGeneratorProcessId": "{process}"},
        {401},
    ),
    (
        "post",
        f"{BASE}/AdCreative",
        {"applicationId": "{application}", "productImageAssetId": "{asset}", "PromptObjectsString": "[]"},
        {401},
    ),
    ("get", "/api/v1/FineTune", {"applicationId": "{application}"}, {401}),
    ("post", "/api/v1/FineTune", {"applicationId": "{application}", "assetIds": '["{asset}"]'}, {401}),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "allowed"), ROWS, ids=[f"{r[0]} {r[1]} {sorted(r[2])}" for r in ROWS]
)
def test_another_applications_ids_get_nothing_of_theirs(
    client: Client,
    tenant: Tenant,
    theirs: Theirs,
    method: str,
    path: str,
    params: dict[str, str],
    allowed: set[int],
    settings: Any,
) -> None:
    settings.GENERATION_ENGINE, settings.FINETUNE_BASE_MODEL = "diffusion", "an/inpainting-model"  # can train
    values: dict[str, Any] = {**vars(theirs), "me": tenant.id}
    url = path.format(**values)
    filled = {key: value.format(**values) for key, value in params.items()}
    send = getattr(client, method)
    if method == "get":
        response = send(url, filled, headers=tenant.key_headers())
    elif method in ("patch", "delete"):
        response = send(
            url, {"isActive": False}, content_type="application/json", headers=tenant.key_headers()
        )
    else:
        response = send(url, filled, headers=tenant.key_headers())
    assert response.status_code in allowed, response.content
    body = response.content.decode()
    for their_id in (
        theirs.asset,
        theirs.recommendation,
        theirs.process,
        theirs.task,
        theirs.channel,
        theirs.fine_tune,
    ):
        if their_id not in url and their_id not in " ".join(filled.values()):  # an id sent may be echoed
            assert their_id not in body
    assert "secret" not in body and "example.com/hook" not in body
    if response.status_code == 200:
        assert response.json()["processes"] == []
    # Nothing of theirs changed.
    assert NotificationChannel.objects.get(id=theirs.channel).is_active
    assert Task.objects.get(id=theirs.task).render_state == Task.State.COMPLETED
    assert Asset.objects.filter(id=theirs.asset).exists()
    assert FineTune.objects.get(id=theirs.fine_tune).status == FineTune.Status.COMPLETED
