"""Helpers the test modules share: drawn products, and the AdCreative flow as a client or a test drives it."""

from __future__ import annotations

import json
import time
from typing import Any
from unittest import mock

from django.test import Client

from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.creatives import services
from adcreative.creatives.models import Task
from adcreative.creatives.tasks import render, render_process
from tests.conftest import Tenant
from tests.drawing import drawn_cutout
from workers.imaging import encode_png

BASE = "/api/v1/Image/ProductGeneration"


PROMPTS: list[dict[str, Any]] = [
    {"preset": "white_background", "tag": "preset"},
    {"preset": "natural_beige_background", "tag": "preset"},
    {"preset": "gray_shadowy_room_sunlight_streaming_studio", "tag": "preset"},
    {"preset": "mid_century_modern_office", "tag": "preset"},
    {
        "tag": "custom",
        "prompt": "on a sage green linen tablecloth with soft morning light",
        "nativeLanguagePrompt": None,
    },
    {"tag": "custom", "prompt": "on wet black stone with dramatic light", "nativeLanguagePrompt": None},
]


def cutout_asset(tenant: Tenant) -> Asset:
    """A cut-out asset as Recommendations stores one (RGBA PNG of the product)."""
    image = drawn_cutout()
    with atomic_with_files() as files:
        return files.store(tenant.application, Asset.Kind.CUTOUT, encode_png(image), "image/png", image.size)


def ad_creative(client: Client, tenant: Tenant, asset_id: str, prompts: list[dict[str, Any]], **extra: str):
    form = {
        "applicationId": tenant.id, "userId": "", "renderKind": "4", "productImageAssetId": asset_id,
        "PromptObjectsString": json.dumps(prompts), "productName": "red bottle",
        "productDescription": "A red glass bottle.", "DisableSafeMargin": "false", "UseSameStyleReferenceImage": "",
        **extra,
    }  # fmt: skip
    headers = {k: v for k, v in extra.items() if k in ("Idempotency-Key", "traceparent")}
    form.pop("Idempotency-Key", None)
    form.pop("traceparent", None)
    return client.post(f"{BASE}/AdCreative", form, headers={**tenant.key_headers(), **headers})


def process_progress(client: Client, tenant: Tenant, process_id: str) -> dict[str, Any]:
    """One process as CheckUserProgress answers it (a 200 asserted)."""
    response = client.get(
        f"{BASE}/CheckUserProgress",
        {"applicationId": tenant.id, "imageProductGeneratorProcessId": process_id},
        headers=tenant.key_headers(),
    )
    assert response.status_code == 200, response.content
    (process,) = response.json()["processes"]
    return dict(process)


def poll_until_done(
    client: Client,
    tenant: Tenant,
    process_id: str,
    headers: dict[str, str] | None = None,
    seconds: float = 120,
) -> tuple[dict[str, Any], list[int]]:
    """CheckUserProgress until the process reaches 100 (or time runs out): its last body and every progress seen."""
    seen: list[int] = []
    deadline = time.monotonic() + seconds
    while True:
        process = client.get(
            f"{BASE}/CheckUserProgress",
            {"applicationId": tenant.id, "imageProductGeneratorProcessId": process_id},
            headers=headers or tenant.key_headers(),
        ).json()["processes"][0]
        seen.append(process["progress"])
        if process["progress"] == 100 or time.monotonic() > deadline:
            return process, seen
        time.sleep(0.3)


def queued_process(tenant: Tenant, prompts: int = 2) -> tuple[Any, list[Task]]:
    """A process whose tasks are queued but not sent to any worker (the test moves them itself)."""
    specs = [
        services.PromptSpec({"tag": "preset", "preset": "white_background"}, "white_background", "x", "")
    ]
    with mock.patch.object(render, "delay"), mock.patch.object(render_process, "delay"):
        return services.start(
            tenant.application,
            services.ProcessRequest(
                None, cutout_asset(tenant), "bottle", "", specs * prompts, False, True, 1, ""
            ),
        )
