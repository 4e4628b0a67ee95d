"""AdCreative → tasks on the gpu queue → CheckUserProgress, Cancel and idempotency, end to end."""

from __future__ import annotations

import io
import json
import subprocess
import time
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from adcreative.assets.models import Asset
from adcreative.creatives import state
from adcreative.creatives.models import Process, Task
from tests.conftest import Tenant, make_tenant
from tests.drawing import bottle_photo, encode
from tests.helpers import BASE, PROMPTS, ad_creative, cutout_asset, poll_until_done


def wait_for_task(task_id: str, seconds: float = 60) -> Task:
    deadline = time.monotonic() + seconds
    while (
        task := Task.objects.get(id=task_id)
    ).render_state not in Task.FINISHED and time.monotonic() < deadline:
        time.sleep(0.3)
    return task


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_renders_four_presets_and_two_custom_prompts(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    asset = cutout_asset(tenant)
    response = ad_creative(client, tenant, str(asset.id), PROMPTS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["imageProductGeneratorProcessId", "applicationId", "userId", "progress", "tasks"]
    assert [t["renderState"] for t in body["tasks"]] == [1] * 6 and body["progress"] == 0
    # The prompt object as sent, with its resolution (API.md's extension): a preset leaves out no word.
    assert body["tasks"][0]["prompt"] == {
        "tag": "preset",
        "preset": "white_background",
        "promptText": "red bottle, in front of a white background",
        "unrenderedTerms": [],
    }

    process, seen = poll_until_done(client, tenant, body["imageProductGeneratorProcessId"])
    assert seen == sorted(seen), "progress never goes backwards"
    assert process["status"] == "Completed"
    assert [t["renderState"] for t in process["tasks"]] == [5] * 6
    for task in process["tasks"]:
        assert (task["width"], task["height"]) == (1674, 628)
        assert task["renderStateName"] == "Completed" and task["error"] is None
        assert task["downloadUrl"].startswith(
            f"/api/v1/Image/ProductGeneration/Download?applicationId={tenant.id}"
        )
        stored = Task.objects.get(id=task["taskId"])
        assert stored.engine == "studio"  # the engine that painted it, recorded by the worker
        with stored.result.open("rb") as handle:
            assert Image.open(io.BytesIO(handle.read())).size == (1674, 628)
        with stored.thumbnail.open("rb") as handle:
            assert max(Image.open(io.BytesIO(handle.read())).size) == 600
    assert process["tasks"][4]["prompt"]["promptText"].startswith("red bottle, on a sage green linen")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_renders_the_ad_size_without_safe_margins(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    body = ad_creative(
        client, tenant, str(cutout_asset(tenant).id), PROMPTS[:1], DisableSafeMargin="true"
    ).json()
    task = wait_for_task(body["tasks"][0]["taskId"])
    with task.result.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (1200, 628)


def test_it_returns_the_same_process_for_a_repeated_idempotency_key(
    client: Client, tenant: Tenant, django_capture_on_commit_callbacks
) -> None:
    asset = cutout_asset(tenant)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = ad_creative(client, tenant, str(asset.id), PROMPTS[:2], **{"Idempotency-Key": "k-1"}).json()
        again = ad_creative(client, tenant, str(asset.id), PROMPTS[:2], **{"Idempotency-Key": "k-1"}).json()
    assert first["imageProductGeneratorProcessId"] == again["imageProductGeneratorProcessId"]
    assert len(queued) == 2 and Process.objects.count() == 1  # no second render
    other = ad_creative(client, tenant, str(asset.id), PROMPTS[:3], **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409


def test_it_cancels_tasks_not_yet_completed(client: Client, tenant: Tenant) -> None:
    body = ad_creative(client, tenant, str(cutout_asset(tenant).id), PROMPTS[:3]).json()
    Task.objects.filter(id=body["tasks"][0]["taskId"]).update(render_state=Task.State.COMPLETED, progress=100)
    form = {
        "applicationId": tenant.id,
        "imageProductGeneratorProcessId": body["imageProductGeneratorProcessId"],
    }
    cancelled = client.post(f"{BASE}/Cancel", form, headers=tenant.key_headers()).json()
    assert [t["renderState"] for t in cancelled["tasks"]] == [5, 7, 7]
    assert cancelled["status"] == "CompletedWithErrors" and cancelled["progress"] == 100
    # A task that was cancelled is never claimed by a worker afterwards.
    assert state.claim(body["tasks"][1]["taskId"]) is None


def test_it_claims_a_task_once(tenant: Tenant, client: Client) -> None:
    body = ad_creative(client, tenant, str(cutout_asset(tenant).id), PROMPTS[:1]).json()
    task_id = body["tasks"][0]["taskId"]
    assert state.claim(task_id) is not None
    assert state.claim(task_id) is None  # a redelivered message while the first worker still renders


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"PromptObjectsString": "not json"},
            "PromptObjectsString",
            "The value is not a valid JSON array of prompt objects.",
        ),
        ({"PromptObjectsString": "[]"}, "PromptObjectsString", "Give between 1 and 6 prompt objects."),
        (
            {"PromptObjectsString": json.dumps(PROMPTS + PROMPTS[:1])},
            "PromptObjectsString",
            "Give between 1 and 6 prompt objects.",
        ),
        (
            {"PromptObjectsString": json.dumps([{"tag": "preset", "preset": "no_such"}])},
            "PromptObjectsString",
            "Item 0: the preset 'no_such' does not exist (see PresetKeys).",
        ),
        (
            {"PromptObjectsString": json.dumps([{"tag": "custom", "prompt": "x" * 1001}])},
            "PromptObjectsString",
            "Item 0: a custom prompt needs a 'prompt' of 1 to 1000 characters.",
        ),
        ({"DisableSafeMargin": "maybe"}, "DisableSafeMargin", "The value 'maybe' is not valid."),
        ({"productImageAssetId": "abc"}, "productImageAssetId", "The value 'abc' is not valid."),
        ({"renderKind": "7"}, "renderKind", None),
    ],
)
def test_it_names_each_bad_field(
    client: Client, tenant: Tenant, change: dict[str, str], field: str, message: str | None
) -> None:
    asset = cutout_asset(tenant)
    response = ad_creative(client, tenant, str(asset.id), PROMPTS[:1], **change)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not Process.objects.exists() and not Task.objects.exists()


def test_it_hides_another_applications_asset(client: Client, tenant: Tenant, other_tenant: Tenant) -> None:
    response = ad_creative(client, tenant, str(cutout_asset(other_tenant).id), PROMPTS[:1])
    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["business: ProductGeneration/AdCreative"]
    assert not Process.objects.exists()


def test_it_refuses_an_uploaded_original_as_the_product_image(client: Client, tenant: Tenant) -> None:
    from adcreative.assets.storage import atomic_with_files

    with atomic_with_files() as files:
        original = files.store(
            tenant.application, Asset.Kind.ORIGINAL, encode(bottle_photo(), "JPEG"), "image/jpeg", (640, 800)
        )
    response = ad_creative(client, tenant, str(original.id), PROMPTS[:1])
    assert response.status_code == 400 and "productImageAssetId" in response.json()["errors"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_runs_the_seed_flow_from_token_to_creatives(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    """Token → Recommendations → AdCreative with the recommended presets → poll until done."""
    from tests.conftest import token_pair

    tenant = make_tenant()
    bearer = {"Authorization": f"Bearer {token_pair(client, tenant)['accessToken']}"}
    photo = SimpleUploadedFile("bottle.jpg", encode(bottle_photo(), "JPEG"), content_type="image/jpeg")
    recommended = client.post(f"{BASE}/Recommendations", {"productImage": photo}, headers=bearer).json()
    prompts = [{"preset": p, "tag": "preset"} for p in recommended["recommendedPresetIds"][:4]]
    prompts += [
        {"tag": "custom", "prompt": p, "nativeLanguagePrompt": None}
        for p in recommended["recommendedPrompts"][:2]
    ]
    form = {
        "applicationId": tenant.id, "renderKind": "4", "productImageAssetId": recommended["backgroundRemovedImageAssetId"],
        "PromptObjectsString": json.dumps(prompts), "productName": recommended["productInfo"]["productName"],
        "productDescription": recommended["productInfo"]["productDescription"], "DisableSafeMargin": "false",
    }  # fmt: skip
    process_id = client.post(f"{BASE}/AdCreative", form, headers=bearer).json()[
        "imageProductGeneratorProcessId"
    ]
    body, _ = poll_until_done(client, tenant, process_id, bearer)
    assert body["status"] == "Completed" and [t["renderState"] for t in body["tasks"]] == [5] * 6

    signatures = {"0": b"\x89PNG", "1": b"\xff\xd8\xff", "2": b"%PDF-1.6"}
    for task in body["tasks"]:
        for low in ("false", "true"):
            for fmt, signature in signatures.items():
                url = f"{task['downloadUrl']}&lowResolution={low}&format={fmt}"
                response: Any = client.get(url, headers=bearer)
                assert response.status_code == 200, response.content
                assert b"".join(response.streaming_content).startswith(signature)
    credits = client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=bearer).json()
    assert credits["balance"] == 10 - 6, "one credit per task, whatever the formats"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_marks_a_task_failed_with_its_reason_when_rendering_fails(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    from django.core.files.base import ContentFile

    tenant = make_tenant()
    asset = cutout_asset(tenant)
    asset.file.save(asset.file.name.rsplit("/", 1)[-1], ContentFile(b"not a png any more"), save=True)
    body = ad_creative(client, tenant, str(asset.id), PROMPTS[:1]).json()
    task = wait_for_task(body["tasks"][0]["taskId"])
    assert (task.render_state, task.error_code) == (Task.State.FAILED, "unreadable_asset")
    assert task.error_message == "The product image asset could not be read." and not task.result
    assert task.attempts == 1  # a broken file is not retried


def test_it_resends_lost_tasks_and_fails_hopeless_ones(
    client: Client, tenant: Tenant, django_capture_on_commit_callbacks, settings: Any
) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from adcreative.ops.tasks import reap_stuck_work

    body = ad_creative(client, tenant, str(cutout_asset(tenant).id), PROMPTS[:3]).json()
    lost, dead, hopeless = (t["taskId"] for t in body["tasks"])
    long_ago = timezone.now() - timedelta(hours=2)
    Task.objects.filter(id=lost).update(queued_at=long_ago)
    Task.objects.filter(id=dead).update(render_state=Task.State.RENDERING, started_at=long_ago, attempts=1)
    Task.objects.filter(id=hopeless).update(
        render_state=Task.State.RENDERING, started_at=long_ago, attempts=3
    )
    with mock.patch("adcreative.creatives.tasks.render.delay") as send:
        assert reap_stuck_work() == {
            "renders_resent": 2,
            "renders_failed": 1,
            "recommendations_resent": 0,
            "recommendations_failed": 0,
            "fine_tunes_resent": 0,
            "fine_tunes_failed": 0,
        }
    assert sorted(call.args[0] for call in send.call_args_list) == sorted([lost, dead])
    states = dict(Task.objects.values_list("id", "render_state"))
    # The dead one waits for a worker in the state it had reached: renderState never steps back.
    assert [states[uuid.UUID(t)] for t in (lost, dead, hopeless)] == [1, 3, 6]
    assert reap_stuck_work()["renders_resent"] == 0  # re-sent at most once per interval


def test_it_keeps_progress_when_a_task_is_handed_back_for_a_retry(tenant: Tenant, client: Client) -> None:
    body = ad_creative(client, tenant, str(cutout_asset(tenant).id), PROMPTS[:1]).json()
    task_id = body["tasks"][0]["taskId"]
    task = state.claim(task_id)
    assert task is not None and state.advance(task, Task.State.RENDERING, 60)
    state.release(task_id)
    again = state.claim(task_id)
    assert again is not None and again.progress == 60 and again.attempts == 2


@pytest.mark.django_db
def test_all_progresses_page_newest_first_by_cursor(client: Client, tenant: Tenant) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tests.helpers import queued_process

    made = [queued_process(tenant, prompts=1)[0] for _ in range(3)]
    for age, process in enumerate(made):  # made[0] newest
        Process.objects.filter(id=process.id).update(created_at=timezone.now() - timedelta(minutes=age))
    url, query = f"{BASE}/CheckApplicationAllProgresses", {"applicationId": tenant.id, "limit": "2"}
    first = client.get(url, query, headers=tenant.key_headers()).json()
    ids = [str(p.id) for p in made]
    assert [p["imageProductGeneratorProcessId"] for p in first["processes"]] == ids[:2]
    assert first["nextCursor"] == ids[1]
    second = client.get(url, {**query, "cursor": first["nextCursor"]}, headers=tenant.key_headers()).json()
    assert [p["imageProductGeneratorProcessId"] for p in second["processes"]] == ids[2:]
    assert second["nextCursor"] is None


def test_a_process_records_its_engine_and_a_worker_configured_otherwise_renders_with_it(
    tenant: Tenant, settings: Any
) -> None:
    """Created under the studio engine, rendered by a worker configured for diffusion: the studio paints it."""
    from adcreative.creatives.tasks import render
    from tests.helpers import queued_process

    process, (task,) = queued_process(tenant, prompts=1)
    assert Process.objects.get(id=process.id).engine == "studio"
    settings.GENERATION_ENGINE, settings.SD_INPAINT_MODEL = "diffusion", ""  # a worker set up otherwise
    render.apply(args=[str(task.id)])
    done = Task.objects.get(id=task.id)
    assert (done.render_state, done.engine) == (Task.State.COMPLETED, "studio")


def test_a_process_for_an_engine_this_worker_cannot_run_fails_with_the_reason(
    tenant: Tenant, settings: Any
) -> None:
    from adcreative.creatives.tasks import render
    from tests.helpers import queued_process

    process, (task,) = queued_process(tenant, prompts=1)
    Process.objects.filter(id=process.id).update(engine="diffusion")  # made where diffusion was configured
    settings.SD_INPAINT_MODEL = ""  # this worker has no inpainting model
    render.apply(args=[str(task.id)])
    failed = Task.objects.get(id=task.id)
    assert (failed.render_state, failed.error_code) == (Task.State.FAILED, "engine_unavailable")
    assert failed.error_message == (
        "This process is rendered by the diffusion engine, which this worker cannot run: this worker has no "
        "inpainting model (SD_INPAINT_MODEL)."
    )
