"""AdCreative's `outputFormats` extension through the API: the request's rules, every format rendered and
stored, CheckUserProgress's `formats` with their layouts, Download's `outputFormat`, and the credit a task's
formats cost together (one, however many formats and however concurrently downloaded)."""

from __future__ import annotations

import io
import json
from collections import Counter

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from adcreative.assets.models import DiscardedFile
from adcreative.creatives import state
from adcreative.creatives.models import Process, Task, TaskFormat
from adcreative.creatives.rendering import render_tasks
from adcreative.notifications.messages import task_message
from adcreative.tenancy.models import CreditEntry
from tests.conftest import Tenant, make_tenant
from tests.helpers import PROMPTS, ad_creative, cutout_asset, process_progress
from tests.test_download import ENGINE, balance, content, download, run_together

FORMATS = ["square", "banner_300x250", "1000x400"]


def rendered(client: Client, tenant: Tenant, output_formats: list[str], prompts: int = 1) -> Process:
    """A process asked for through the API and rendered here by the studio engine, as a gpu worker does."""
    response = ad_creative(
        client,
        tenant,
        str(cutout_asset(tenant).id),
        PROMPTS[:prompts],
        outputFormats=json.dumps(output_formats),
    )
    assert response.status_code == 200, response.content
    process = Process.objects.get(id=response.json()["imageProductGeneratorProcessId"])
    claimed = [state.claim(str(task.id)) for task in process.tasks.all()]
    render_tasks([task for task in claimed if task is not None])
    return process


@pytest.mark.parametrize(
    "value, words",
    [
        ('["poster"]', "Unknown format 'poster'"),
        ('["10x10"]', "too small"),
        ('["5000x100"]', "too large"),
        ('["3000x3000"]', "too large"),
        (json.dumps(["square"] * 2), "named twice"),
        ('["square", "1080x1080"]', "named twice"),
        (json.dumps([f"{100 + i}x{100 + i}" for i in range(9)]), "At most 8 formats"),
        ("[]", "at least one format"),
        ("square", "not a valid JSON array"),
        ("[1]", "JSON array of output format names"),
    ],
)
def test_a_bad_output_formats_is_a_400_naming_the_field_and_nothing_is_stored_or_charged(
    client: Client, tenant: Tenant, value: str, words: str
) -> None:
    asset = cutout_asset(tenant)
    before = balance(tenant)
    response = ad_creative(client, tenant, str(asset.id), PROMPTS[:1], outputFormats=value)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["title"] == "One or more validation errors occurred."
    assert list(body["errors"]) == ["outputFormats"]
    assert words in " ".join(body["errors"]["outputFormats"]), body
    assert Process.objects.count() == 0 and Task.objects.count() == 0 and balance(tenant) == before


def test_without_output_formats_a_task_has_the_contracts_one_format(client: Client, tenant: Tenant) -> None:
    for margin, name, size in (("false", "landscape_safe", (1674, 628)), ("true", "landscape", (1200, 628))):
        response = ad_creative(
            client, tenant, str(cutout_asset(tenant).id), PROMPTS[:1], DisableSafeMargin=margin
        )
        process_id = response.json()["imageProductGeneratorProcessId"]
        (task,) = process_progress(client, tenant, process_id)["tasks"]
        assert (task["width"], task["height"]) == size
        assert task["formats"] == [
            {"outputFormat": name, "width": size[0], "height": size[1], "downloadUrl": None, "layout": None}
        ]
        assert Process.objects.get(id=process_id).output_formats == []


def test_every_format_is_rendered_listed_with_its_layout_and_downloadable(
    client: Client, tenant: Tenant
) -> None:
    process = rendered(client, tenant, ["Square", "banner_300x250", "1000x400"])
    assert process.output_formats == FORMATS  # as the formats are named: "Square" is "square"
    (task,) = process_progress(client, tenant, str(process.id))["tasks"]
    assert task["renderStateName"] == "Completed" and (task["width"], task["height"]) == (1080, 1080)
    assert [(f["outputFormat"], f["width"], f["height"]) for f in task["formats"]] == [
        ("square", 1080, 1080), ("banner_300x250", 300, 250), ("1000x400", 1000, 400),
    ]  # fmt: skip
    assert task["formats"][0]["downloadUrl"] == task["downloadUrl"]
    stored = Task.objects.get(id=task["taskId"])
    for listed in task["formats"]:
        response = client.get(listed["downloadUrl"], headers=tenant.key_headers())
        image = Image.open(io.BytesIO(content(response)))
        assert response.status_code == 200 and image.size == (listed["width"], listed["height"])
        box = listed["layout"]["productBox"]  # matched against the product's alpha in tests/test_formats.py
        assert inside(box, image.size) and box["width"] * box["height"] > 0
        for zone in listed["layout"]["textZones"]:
            assert inside(zone, image.size) and not overlaps(zone, box) and zone["text"] in ("light", "dark")
        assert ("cropWindows" in listed["layout"]) is (listed["outputFormat"] == "landscape_safe")
    assert TaskFormat.objects.filter(task=stored).count() == 2


def inside(box: dict[str, int], size: tuple[int, int]) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size[0]
        and box["y"] + box["height"] <= size[1]
    )


def overlaps(a: dict[str, int], b: dict[str, int]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_download_serves_each_format_in_every_file_type_and_a_format_not_rendered_is_a_404(
    client: Client, tenant: Tenant
) -> None:
    process = rendered(client, tenant, FORMATS)
    task, before = process.tasks.get(), balance(tenant)
    sizes = {
        "square": (1080, 1080),
        "banner_300x250": (300, 250),
        "1000x400": (1000, 400),
        "1080X1080": (1080, 1080),
    }
    for name, size in sizes.items():
        for low, fmt, magic in (
            ("false", "0", b"\x89PNG"),
            ("false", "1", b"\xff\xd8"),
            ("true", "0", b"\x89PNG"),
        ):
            response = download(client, tenant, task, outputFormat=name, lowResolution=low, format=fmt)
            assert response.status_code == 200 and response.body.startswith(magic), (name, low, fmt)
            image = Image.open(io.BytesIO(response.body))
            expected = size if low == "false" else thumbnail_size(size)
            assert image.size == expected, (name, low, image.size)
        pdf = download(client, tenant, task, outputFormat=name, format="2")
        assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF-1.6")
    for missing in ("story", "landscape_safe", "poster", "99999x1"):
        response = download(client, tenant, task, outputFormat=missing)
        assert response.status_code == 404, missing
        assert response.json()["errors"][ENGINE] == ["Image content not found."]
    assert balance(tenant) == before - 1  # one credit for the task, whatever its formats
    assert CreditEntry.objects.filter(task_id=task.id, change__lt=0).count() == 1


def thumbnail_size(size: tuple[int, int]) -> tuple[int, int]:
    scale = min(1.0, 600 / max(size))
    return round(size[0] * scale), round(size[1] * scale)


def test_the_formats_differ_in_layout_not_in_scene(client: Client, tenant: Tenant) -> None:
    """Each format is laid out anew (not a crop of another) from the same scene: the same prompt resolution."""
    process = rendered(client, tenant, ["square", "story"])
    task = process.tasks.get()
    square = np.asarray(Image.open(task.result.open("rb")).convert("RGB"), dtype=np.float32)
    story = np.asarray(Image.open(task.more_formats.get().result.open("rb")).convert("RGB"), dtype=np.float32)
    assert square.shape == (1080, 1080, 3) and story.shape == (1920, 1080, 3)
    assert np.abs(square.mean(axis=(0, 1)) - story.mean(axis=(0, 1))).max() < 25  # one palette, one set
    assert not np.array_equal(square, story[420:1500])  # not the story's middle cropped out


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_of_every_format_of_a_task_charge_one_credit() -> None:
    tenant = make_tenant(balance=5)
    process = rendered(Client(), tenant, FORMATS)
    task = process.tasks.get()
    names = [FORMATS[i % 3] for i in range(12)]
    statuses = run_together(12, lambda i: download(Client(), tenant, task, outputFormat=names[i]).status_code)
    assert Counter(statuses) == {200: 12}
    assert balance(tenant) == 4 and CreditEntry.objects.filter(task_id=task.id, change__lt=0).count() == 1


def test_a_completed_task_message_lists_every_format_with_its_layout(client: Client, tenant: Tenant) -> None:
    process = rendered(client, tenant, ["square", "banner_300x250"])
    message = task_message(process.tasks.get())
    assert message["MessageType"] == "ImageGenerationTaskCompleted"
    assert [(f["OutputFormat"], f["Width"], f["Height"]) for f in message["Formats"]] == [
        ("square", 1080, 1080), ("banner_300x250", 300, 250),
    ]  # fmt: skip
    assert message["Formats"][0]["DownloadUrl"] == message["DownloadUrl"]
    assert "outputFormat=banner_300x250" in message["Formats"][1]["DownloadUrl"]
    assert set(message["Formats"][1]["Layout"]) >= {"productBox", "textZones"}


def test_a_completed_task_message_carries_the_prompt_as_resolved(client: Client, tenant: Tenant) -> None:
    custom = [{"tag": "custom", "prompt": "on the surface of the moon beside a unicorn, warm light"}]
    response = ad_creative(client, tenant, str(cutout_asset(tenant).id), custom)
    assert response.status_code == 200, response.content
    process = Process.objects.get(id=response.json()["imageProductGeneratorProcessId"])
    claimed = state.claim(str(process.tasks.get().id))
    assert claimed is not None
    render_tasks([claimed])
    message = task_message(process.tasks.get())
    assert message["MessageType"] == "ImageGenerationTaskCompleted"
    assert message["UnrenderedTerms"] == ["moon", "unicorn"]
    assert message["PromptText"].endswith("on the surface of the moon beside a unicorn, warm light")


def test_deleting_a_process_discards_the_files_of_every_format(client: Client, tenant: Tenant) -> None:
    process = rendered(client, tenant, ["square", "banner_300x250"])
    task = process.tasks.get()
    assert download(client, tenant, task, outputFormat="banner_300x250", format="2").status_code == 200
    shot = task.more_formats.get()
    names = [
        task.result.name, task.thumbnail.name, shot.result.name, shot.thumbnail.name,
        *(r.file.name for r in task.renditions.all()),
    ]  # fmt: skip
    assert len(names) == 5 and all(default_storage.exists(name) for name in names)
    process.delete()
    assert sorted(DiscardedFile.objects.values_list("name", flat=True)) == sorted(names)


def test_a_format_not_rendered_is_not_found_before_credits_are_asked(client: Client, db: None) -> None:
    broke = make_tenant(balance=0)
    task = rendered(client, broke, ["square", "story"]).tasks.get()
    assert download(client, broke, task, outputFormat="portrait").status_code == 404
    assert download(client, broke, task, outputFormat="story").status_code == 402


def test_an_operator_sees_every_format_of_a_task_on_its_admin_page(
    admin_client: Client, tenant: Tenant
) -> None:
    task = rendered(Client(), tenant, ["square", "skyscraper_160x600"]).tasks.get()
    page = admin_client.get(f"/admin/creatives/task/{task.id}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "other output formats" in text.lower() and "skyscraper_160x600" in text and "textZones" in text


def test_another_applications_task_is_not_found_in_any_format(client: Client, tenant: Tenant) -> None:
    task = rendered(client, tenant, ["square", "story"]).tasks.get()
    other = make_tenant("Other", balance=5)
    for name in ("", "square", "story"):
        response = download(client, other, task, outputFormat=name, applicationId=other.id)
        assert response.status_code == 404 and response.json()["errors"][ENGINE] == [
            "Image content not found."
        ]
    assert balance(other) == 5
