"""Download: the six resolution x format combinations, ETags, the error bodies and exact credits."""

from __future__ import annotations

import io
import threading
import uuid
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from adcreative.creatives import services, state
from adcreative.creatives.models import Process, Task
from adcreative.creatives.tasks import render, render_process
from adcreative.downloads import renditions as downloads
from adcreative.downloads.models import Rendition
from adcreative.tenancy.models import CreditAccount, CreditEntry
from presets import load_catalog
from tests.conftest import Tenant, make_tenant
from tests.drawing import drawn_cutout
from tests.helpers import PROMPTS, cutout_asset
from workers.render.engines import StudioEngine
from workers.render.job import RenderJob, run_batch

URL = "/api/v1/Image/ProductGeneration/Download"
ENGINE = "engine: ProductGeneration/Download"
BUSINESS = "business: ProductGeneration/Download"


@cache
def creative() -> tuple[bytes, bytes]:
    """A real studio creative (PNG) and its thumbnail (JPEG), rendered once for the module."""
    job = RenderJob("white_background", "", disable_safe_margin=False, use_same_style=True, seed=7)
    (result,) = run_batch([job], drawn_cutout(), load_catalog(), report=lambda _: None, engine=StudioEngine())
    return result.png, result.thumbnail_jpeg


def finished_process(tenant: Tenant, tasks: int = 1) -> tuple[Process, list[Task]]:
    """A process whose tasks completed as a worker completes them (claim → finalizing → complete).

    The test plays the worker's part: nothing is queued, so a Celery worker that another test left
    running cannot take the tasks.
    """
    png, thumbnail = creative()
    prompts = [
        services.PromptSpec({"tag": "preset", "preset": p["preset"]}, p["preset"], p["preset"], "")
        for p in PROMPTS[:1]
    ] * tasks
    with mock.patch.object(render, "delay"), mock.patch.object(render_process, "delay"):
        process, created = services.start(
            tenant.application,
            services.ProcessRequest(
                user_id=None,
                cutout=cutout_asset(tenant),
                product_name="red bottle",
                product_description="",
                prompts=prompts,
                disable_safe_margin=False,
                use_same_style=True,
                seed=1,
                idempotency_key="",
            ),
        )
    for task in created:
        claimed = state.claim(str(task.id))
        assert claimed is not None
        state.advance(claimed, Task.State.FINALIZING, 90)
        assert state.complete(claimed, png, thumbnail, {}, engine="studio")
    return process, [Task.objects.get(id=task.id) for task in created]


def query(task: Task, **extra: Any) -> dict[str, Any]:
    return {
        "applicationId": str(task.process.application_id),
        "taskId": str(task.id),
        "imageProductGeneratorProcessId": str(task.process_id),
        **extra,
    }


def content(response: Any) -> bytes:
    """The body, streamed or not; consuming a stream closes it (the test client's wrapper keeps the DB connection)."""
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def download(client: Client, tenant: Tenant, task: Task, **extra: Any) -> Any:
    headers = {**tenant.key_headers(), **extra.pop("headers", {})}
    response: Any = client.get(URL, query(task, **extra), headers=headers)
    response.body = content(response)
    return response


def balance(tenant: Tenant) -> int:
    return CreditAccount.objects.get(application=tenant.application).balance


def stored(field: Any) -> bytes:
    with field.open("rb") as handle:
        return bytes(handle.read())


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


# --- the behaviour table ---------------------------------------------------------------------------


def test_the_full_size_png_is_the_stored_file(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{task.id}.png"'
    assert int(response["Content-Length"]) == len(response.body) == task.result.size
    assert response["Cache-Control"] == "private" and response["ETag"].startswith('"')
    assert response.body == stored(task.result)
    assert Image.open(io.BytesIO(response.body)).size == (1674, 628)


def test_the_thumbnail_jpeg_is_the_stored_file(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task, lowResolution="true", format="1")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="{task.id}.jpg"'
    assert response.body == stored(task.thumbnail)
    assert Image.open(io.BytesIO(response.body)).size == (600, 225)


def test_the_full_size_jpeg_is_the_png_converted(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task, format="1")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="{task.id}.jpg"'
    assert int(response["Content-Length"]) == len(response.body)
    assert response.body[:3] == b"\xff\xd8\xff"
    image = Image.open(io.BytesIO(response.body))
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1674, 628))
    assert image.info.get("progressive") and image.info["icc_profile"] == downloads.srgb_icc()
    difference = np.abs(pixels(response.body) - pixels(stored(task.result))).mean()
    assert difference < 1.5, "quality ≥ 90: the JPEG is visually the PNG"


def test_the_thumbnail_png_is_the_jpeg_converted(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task, lowResolution="True", format="0")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.body[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(response.body))
    assert (image.mode, image.size) == ("RGB", (600, 225))
    assert np.array_equal(pixels(response.body), pixels(stored(task.thumbnail))), "PNG is lossless"


def test_the_full_size_pdf_embeds_the_png_pixel_for_pixel(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task, format="2")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{task.id}.pdf"'
    assert response.body.startswith(b"%PDF-1.6")
    reader = PdfReader(io.BytesIO(response.body))
    (page,) = reader.pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (1674, 628)
    (embedded,) = page.images
    assert embedded.image is not None and embedded.image.size == (1674, 628)
    assert np.array_equal(np.asarray(embedded.image.convert("RGB")), pixels(stored(task.result)))
    assert reader.metadata is not None
    assert reader.metadata.title == f"red bottle creative {task.id}"
    assert reader.metadata.creation_date is not None
    assert reader.metadata.subject == task.prompt_text


def test_the_thumbnail_pdf_embeds_the_jpeg_as_it_is(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task, lowResolution="true", format="2")
    assert response.status_code == 200 and response.body.startswith(b"%PDF-1.6")
    (page,) = PdfReader(io.BytesIO(response.body)).pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (600, 225)
    resources: Any = page["/Resources"]
    (xobject,) = [x.get_object() for x in resources["/XObject"].values()]
    assert xobject["/Filter"] in ("/DCTDecode", ["/DCTDecode"])
    assert xobject.get_data() == stored(task.thumbnail), "the JPEG is embedded byte for byte, not re-encoded"


def test_format_may_be_named(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    assert download(client, tenant, task, format="Pdf")["Content-Type"] == "application/pdf"
    assert download(client, tenant, task, format="jpeg")["Content-Type"] == "image/jpeg"


# --- caching and conditional requests -------------------------------------------------------------


def test_a_conversion_is_made_once_and_then_served_from_storage(
    client: Client, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, (task,) = finished_process(tenant)
    first = download(client, tenant, task, format="2")

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted twice")

    monkeypatch.setattr(downloads, "convert", fail)
    second = download(client, tenant, task, format="2")
    assert second.status_code == 200 and second.body == first.body
    assert second["ETag"] == first["ETag"]
    assert Rendition.objects.filter(task=task).count() == 1


def test_a_lost_conversion_is_made_again(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    first = download(client, tenant, task, format="1")
    rendition = Rendition.objects.get(task=task)
    rendition.file.storage.delete(rendition.file.name)
    again = download(client, tenant, task, format="1")
    assert again.status_code == 200 and again.body == first.body
    assert Rendition.objects.filter(task=task).count() == 1


def test_if_none_match_gets_304(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    etag = download(client, tenant, task)["ETag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = download(client, tenant, task, headers={"If-None-Match": header})
        assert response.status_code == 304 and response.body == b"", header
        assert response["ETag"] == etag and response["Cache-Control"] == "private"
    changed = download(client, tenant, task, headers={"If-None-Match": '"stale"'})
    assert changed.status_code == 200 and changed.body
    other_format = download(client, tenant, task, format="1", headers={"If-None-Match": etag})
    assert other_format.status_code == 200 and other_format["ETag"] != etag


def test_if_none_match_does_not_skip_the_first_charge(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = download(client, tenant, task, headers={"If-None-Match": "*"})
    assert response.status_code == 200 and response.body
    assert balance(tenant) == 9


def test_head_gives_the_headers_and_charges_nothing(client: Client, tenant: Tenant) -> None:
    _, (task,) = finished_process(tenant)
    response = client.head(URL, query(task, format="2"), headers=tenant.key_headers())
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Type"] == "application/pdf" and int(response["Content-Length"]) > 0
    assert balance(tenant) == 10
    got = download(client, tenant, task, format="2")
    assert int(response["Content-Length"]) == len(got.body) and response["ETag"] == got["ETag"]


# --- validation and not found ---------------------------------------------------------------------


def test_each_malformed_field_gets_its_own_error(client: Client, tenant: Tenant) -> None:
    response = client.get(
        URL,
        {
            "applicationId": "app",
            "taskId": "12",
            "imageProductGeneratorProcessId": "x-y",
            "lowResolution": "maybe",
            "format": "7",
        },
        headers=tenant.key_headers(),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "One or more validation errors occurred." and body["traceId"]
    assert body["errors"] == {
        "applicationId": ["The value 'app' is not valid."],
        "taskId": ["The value '12' is not valid."],
        "imageProductGeneratorProcessId": ["The value 'x-y' is not valid."],
        "lowResolution": ["The value 'maybe' is not valid."],
        "format": ["The value '7' is not valid."],
    }


def test_missing_fields_are_required(client: Client, tenant: Tenant) -> None:
    response = client.get(URL, {}, headers=tenant.key_headers())
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "applicationId": ["The applicationId field is required."],
        "taskId": ["The taskId field is required."],
        "imageProductGeneratorProcessId": ["The imageProductGeneratorProcessId field is required."],
    }


def assert_not_found(response: Any) -> None:
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == {
        ENGINE: ["Image content not found."],
        BUSINESS: ["Not found error occurred while getting image content stream"],
    }
    assert body["title"] == "One or more errors occurred." and body["status"] == 404
    assert body["extensions"]["traceId"]


def test_unknown_foreign_mismatched_and_unfinished_tasks_are_not_found(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    _, (task,) = finished_process(tenant)
    _, (other_task,) = finished_process(tenant)
    headers = tenant.key_headers()
    unknown = {**query(task), "taskId": str(uuid.uuid4())}
    assert_not_found(client.get(URL, unknown, headers=headers))
    mismatched = {**query(task), "imageProductGeneratorProcessId": str(other_task.process_id)}
    assert_not_found(client.get(URL, mismatched, headers=headers))
    foreign = {**query(task), "applicationId": other_tenant.id}
    assert_not_found(client.get(URL, foreign, headers=other_tenant.key_headers()))

    for render_state in (Task.State.QUEUED, Task.State.RENDERING, Task.State.FAILED, Task.State.CANCELLED):
        Task.objects.filter(id=task.id).update(render_state=render_state)
        assert_not_found(client.get(URL, query(task), headers=headers))
    assert balance(tenant) == 10 and balance(other_tenant) == 10


def test_a_completed_task_whose_file_is_gone_is_not_found_and_not_charged(
    client: Client, tenant: Tenant
) -> None:
    _, (task,) = finished_process(tenant)
    task.result.storage.delete(task.result.name)
    assert_not_found(client.get(URL, query(task), headers=tenant.key_headers()))
    assert client.head(URL, query(task), headers=tenant.key_headers()).status_code == 404
    assert balance(tenant) == 10


def test_another_applications_id_in_the_query_is_unauthorised(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    _, (task,) = finished_process(tenant)
    response = client.get(URL, query(task, applicationId=other_tenant.id), headers=tenant.key_headers())
    assert response.status_code == 401


def test_a_bearer_token_downloads_too(client: Client, tenant: Tenant) -> None:
    from tests.conftest import token_pair

    _, (task,) = finished_process(tenant)
    bearer = {"Authorization": f"Bearer {token_pair(client, tenant)['accessToken']}"}
    response = client.get(URL, query(task), headers=bearer)
    assert response.status_code == 200 and content(response)


# --- credits --------------------------------------------------------------------------------------


def test_the_first_download_costs_one_credit_and_later_ones_are_free(client: Client, tenant: Tenant) -> None:
    _, (task, second) = finished_process(tenant, tasks=2)
    for low in ("false", "true"):
        for fmt in ("0", "1", "2"):
            assert download(client, tenant, task, lowResolution=low, format=fmt).status_code == 200
    assert balance(tenant) == 9
    charge = CreditEntry.objects.get(task_id=task.id)
    assert (charge.change, charge.balance_after, charge.reason) == (-1, 9, "Download")
    download(client, tenant, second, format="2")
    assert balance(tenant) == 8
    ledger = client.get("/api/v1/Credits", {"applicationId": tenant.id}, headers=tenant.key_headers()).json()
    assert [(e["change"], e["taskId"]) for e in ledger["ledger"][:2]] == [
        (-1, str(second.id)),
        (-1, str(task.id)),
    ]


def test_no_credit_record_gets_400_with_the_public_body(client: Client, db: None) -> None:
    bare = make_tenant(balance=None)
    _, (task,) = finished_process(bare)
    response = download(client, bare, task)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == {
        ENGINE: [
            f"Error decreasing Api Key Credits for Application {bare.id}. "
            "ErrorMessage: API Key Credits for Application does not exist."
        ],
        BUSINESS: ["Bad request error occurred while getting image content stream"],
    }
    assert list(body) == ["errors", "type", "title", "status", "detail", "instance", "extensions"]
    assert body["type"] == "https://tools.ietf.org/html/rfc7231#section-6.5.1" and body["status"] == 400
    assert not CreditEntry.objects.filter(task_id=task.id).exists()


def test_zero_credits_gets_402_and_a_later_grant_unblocks(client: Client, db: None) -> None:
    from adcreative.tenancy import credits

    broke = make_tenant(balance=0)
    _, (task,) = finished_process(broke)
    response = download(client, broke, task, format="1")
    assert response.status_code == 402
    assert response.json()["errors"] == {
        ENGINE: [
            f"Error decreasing Api Key Credits for Application {broke.id}. "
            "ErrorMessage: Insufficient API Key Credits."
        ],
        BUSINESS: ["Bad request error occurred while getting image content stream"],
    }
    assert not Rendition.objects.filter(task=task).exists(), "a refused download converts nothing"
    credits.grant(broke.application, 1, "Top-up")
    assert download(client, broke, task, format="1").status_code == 200
    assert balance(broke) == 0
    assert download(client, broke, task, format="0").status_code == 200, "already paid for"


# --- concurrency against the real database --------------------------------------------------------


def run_together(count: int, request: Any) -> list[Any]:
    """`request(i)` in `count` threads released at once, each with its own client and connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = request(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def files_under(root: str) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()}


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_first_downloads_with_ten_credits_charge_exactly_ten() -> None:
    tenant = make_tenant(balance=10)
    _, tasks = finished_process(tenant, tasks=6)
    for _ in range(4):
        tasks += finished_process(tenant, tasks=6)[1]
    tasks = tasks[:30]

    statuses = run_together(30, lambda i: download(Client(), tenant, tasks[i], format=str(i % 3)).status_code)
    assert Counter(statuses) == {200: 10, 402: 20}
    assert balance(tenant) == 0
    charges = CreditEntry.objects.filter(application=tenant.application, change__lt=0)
    assert charges.count() == 10 and sorted(c.balance_after for c in charges) == list(range(10))


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_downloads_of_one_task_charge_once_and_convert_once() -> None:
    tenant = make_tenant(balance=10)
    _, (task,) = finished_process(tenant)
    before = files_under(settings.MEDIA_ROOT)

    bodies = run_together(20, lambda i: download(Client(), tenant, task, format="2"))
    assert {r.status_code for r in bodies} == {200}
    assert len({r.body for r in bodies}) == 1
    assert balance(tenant) == 9 and CreditEntry.objects.filter(task_id=task.id).count() == 1
    rendition = Rendition.objects.get(task=task)
    assert files_under(settings.MEDIA_ROOT) - before == {Path(settings.MEDIA_ROOT) / rendition.file.name}, (
        "losing conversions removed their files"
    )
