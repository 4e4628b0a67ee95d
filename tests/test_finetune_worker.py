"""A fine-tune as a client runs one: POST FineTune → a real gpu worker trains a tiny random inpainting model
→ progress, the stored LoRA, validation renders and a FineTuneCompleted message → AdCreative renders with
it, differently from the base; a cancelled one stops and keeps nothing; one with no usable photo fails
with the reason and a FineTuneFailed message."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from kombu import Connection
from PIL import Image

from adcreative.creatives.models import Task
from adcreative.creatives.tasks import render_process
from adcreative.finetunes.models import FineTune
from adcreative.finetunes.tasks import finetune
from adcreative.notifications.models import Delivery, NotificationChannel
from tests.conftest import Tenant
from tests.helpers import ad_creative, cutout_asset, poll_until_done
from tests.test_faults import start_worker, stop
from tests.test_finetunes import PRESET, URL, archive

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    return tmp_path / "finetune-work"


@pytest.fixture
def finetune_worker(
    diffusion_env: dict[str, str], work_dir: Path, settings: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """A gpu worker on the tiny pipeline, fine-tuning at 64 px; the web side set up to match."""
    env = {**diffusion_env, "FINETUNE_RESOLUTION": "64", "FINETUNE_BATCH": "1", "FINETUNE_VALIDATION_IMAGES": "1",
           "FINETUNE_VALIDATION_STEPS": "2", "FINETUNE_WORK_DIR": str(work_dir), "FINETUNE_CHECKPOINT_EVERY": "2"}  # fmt: skip
    settings.GENERATION_ENGINE = "diffusion"
    settings.SD_INPAINT_MODEL = settings.FINETUNE_BASE_MODEL = env["SD_INPAINT_MODEL"]
    worker = start_worker(env)
    yield worker
    stop(worker)


@contextmanager
def sent_to(broker: str) -> Iterator[None]:
    """The web's messages for fine-tunes and renders go to this test's own broker (its worker's)."""

    def via(task: Any) -> Callable[..., Any]:
        return lambda *args: task.apply_async(args, connection=Connection(broker))

    with (
        mock.patch.object(finetune, "delay", via(finetune)),
        mock.patch.object(render_process, "delay", via(render_process)),
    ):
        yield


def until(
    client: Client, tenant: Tenant, fine_tune_id: str, done: Callable[[dict[str, Any]], bool], seconds: float
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        body: dict[str, Any] = client.get(f"{URL}/{fine_tune_id}", headers=tenant.key_headers()).json()
        if done(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.5)


def finished(body: dict[str, Any]) -> bool:
    return body["status"] in ("Completed", "Failed", "Cancelled")


def channel_of(tenant: Tenant) -> NotificationChannel:
    return NotificationChannel.objects.create(
        application=tenant.application, type="Webhook", url="https://example.com/hook"
    )


def test_a_fine_tune_trains_on_a_worker_and_a_creative_renders_with_it(
    client: Client,
    tenant: Tenant,
    own_broker: str,
    finetune_worker: subprocess.Popen[bytes],
    work_dir: Path,
) -> None:
    channel_of(tenant)
    photos = archive(
        {
            "a.jpg": _photo(),
            "b.jpg": _photo(),
            "broken.png": b"\x89PNG no",
        }
    )
    with sent_to(own_broker):
        started = client.post(
            URL, {"photos": photos, "name": "tiny", "steps": "4", "rank": "4"}, headers=tenant.key_headers()
        )
        assert started.status_code == 201, started.content
        body = until(client, tenant, started.json()["fineTuneId"], finished, 300)
        assert body["status"] == "Completed", body
        assert (body["progress"], body["step"], body["photos"]) == (100, 4, 2)
        assert [s["source"] for s in body["skipped"]] == ["broken.png"]
        assert [r["step"] for r in body["log"]] == [1, 2, 3, 4] and all(r["loss"] > 0 for r in body["log"])
        (render_url,) = body["validationImageUrls"]
        rendered = client.get(render_url, headers=tenant.key_headers())
        assert rendered.status_code == 200 and rendered["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(rendered.getvalue())).size == (
            128,
            64,
        )  # the photo as masked | the render
        fine_tune = FineTune.objects.get(id=body["fineTuneId"])
        assert fine_tune.weights.size > 0 and fine_tune.card["steps"] == 4 and fine_tune.card["examples"] == 2
        assert not (work_dir / str(fine_tune.id)).exists()  # checkpoints go once it is stored
        message = Delivery.objects.get(message_type="FineTuneCompleted")
        assert message.payload["FineTuneId"] == str(fine_tune.id) and message.payload["Step"] == 4

        cutout = str(cutout_asset(tenant).id)
        tuned = ad_creative(client, tenant, cutout, PRESET, seed="7", fineTuneId=str(fine_tune.id)).json()
        base = ad_creative(client, tenant, cutout, PRESET, seed="7").json()
        for process in (tuned, base):
            done, _ = poll_until_done(client, tenant, process["imageProductGeneratorProcessId"], seconds=300)
            assert done["status"] == "Completed", done
    images = [_result(process["tasks"][0]["taskId"]) for process in (tuned, base)]
    assert images[0].size == images[1].size == (1674, 628)
    assert images[0].tobytes() != images[1].tobytes()  # the LoRA changed the scene


def test_a_cancelled_fine_tune_stops_and_keeps_nothing(
    client: Client,
    tenant: Tenant,
    own_broker: str,
    finetune_worker: subprocess.Popen[bytes],
    work_dir: Path,
) -> None:
    channel_of(tenant)
    with sent_to(own_broker):
        started = client.post(
            URL, {"photos": archive({"a.jpg": _photo()}), "steps": "5000"}, headers=tenant.key_headers()
        )
    fine_tune_id = started.json()["fineTuneId"]
    running = until(client, tenant, fine_tune_id, lambda body: body["step"] >= 3, 300)
    assert running["status"] == "Running", running
    cancelled = client.post(f"{URL}/{fine_tune_id}/Cancel", headers=tenant.key_headers()).json()
    assert cancelled["status"] == "Cancelled"
    deadline = time.monotonic() + 60
    while (work_dir / fine_tune_id).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not (work_dir / fine_tune_id).exists()  # the worker stopped and cleared its checkpoints
    step = FineTune.objects.get(id=fine_tune_id).step
    time.sleep(2)
    fine_tune = FineTune.objects.get(id=fine_tune_id)
    assert (fine_tune.status, fine_tune.step, fine_tune.weights.name) == ("Cancelled", step, "")
    assert not Delivery.objects.filter(message_type__startswith="FineTune").exists()


def test_a_fine_tune_with_no_usable_photo_fails_with_the_reason(
    client: Client,
    tenant: Tenant,
    own_broker: str,
    finetune_worker: subprocess.Popen[bytes],
) -> None:
    channel_of(tenant)
    with sent_to(own_broker):
        started = client.post(
            URL, {"photos": archive({"a.jpg": b"not a photo"})}, headers=tenant.key_headers()
        )
    body = until(client, tenant, started.json()["fineTuneId"], finished, 300)
    assert (body["status"], body["errorCode"]) == ("Failed", "no_usable_photo"), body
    assert body["error"].startswith("None of the photos could be used: a.jpg: ")
    message = Delivery.objects.get(message_type="FineTuneFailed")
    assert message.payload["ErrorCode"] == "no_usable_photo"


def _photo() -> bytes:
    from tests.drawing import bottle_photo, encode

    return encode(bottle_photo((320, 400)))


def _result(task_id: str) -> Image.Image:
    task = Task.objects.get(id=task_id)
    with task.result.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    return image
